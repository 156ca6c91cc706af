/**
 * Issue 14, across hosts: PostgreSQL, the API server and two workers each in a network namespace of their own (made
 * here with `ip netns`, joined by a bridge), sharing only the database over TCP and the blob directory. One worker is
 * cut off the network (its link down) while it holds a frame: its lease runs out, the other worker takes the frame,
 * and the cut-off worker's result is either refused when the link comes back (lease lost) or never stored (database
 * unreachable: the frame is not failed for that) — every frame once, none lost, none failed.
 *
 * Needs root (network namespaces) and PostgreSQL's server binaries (Debian `postgresql`); skipped with the reason
 * otherwise. Runs in the server-postgres project.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.js';
import { authedFetch, TEST_TOKEN, uploadForm } from './helpers/server.js';
import { onPostgres } from './helpers/testStore.js';
import { spawnMain, spawnWorker, type SpawnedProcess } from '../../scripts/lib/workerProcess.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const DEMO = path.join(REPO_ROOT, 'samples', 'demo-flight');
const FRAMES = fs.existsSync(DEMO) ? fs.readdirSync(DEMO).filter((f) => /\.jpe?g$/i.test(f)).sort() : [];
const LEASE_S = 4;
const tag = String(process.pid % 100000);
const SUBNET = `10.${100 + (process.pid % 100)}.${(process.pid >> 8) % 250}`;
const BRIDGE = `pwb${tag}`;
const HOSTS = { db: 2, api: 11, w1: 21, w2: 22 } as const;
type Host = keyof typeof HOSTS;
const ns = (h: Host) => `pw${tag}${h}`;
const veth = (h: Host) => `pw${tag}${h}v`;
const ip = (h: Host) => `${SUBNET}.${HOSTS[h]}`;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Why this machine cannot run the test, or null. */
function unavailable(): string | null {
  if (!onPostgres) return 'runs in the server-postgres project only';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!fs.existsSync(path.join(PG_BIN, 'postgres'))) return `no PostgreSQL server binaries in ${PG_BIN} (apt-get install postgresql)`;
  try {
    run('ip', ['netns', 'add', `pw${tag}probe`]);
    run('ip', ['netns', 'del', `pw${tag}probe`]);
  } catch (err) {
    return `cannot create network namespaces here: ${(err as Error).message.split('\n')[0]}`;
  }
  return null;
}

const why = unavailable();
if (why) console.warn(`[skip] scale-hosts: ${why}`);

function makeNetwork(): void {
  run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  run('ip', ['addr', 'add', `${SUBNET}.1/24`, 'dev', BRIDGE]);
  run('ip', ['link', 'set', BRIDGE, 'up']);
  for (const h of Object.keys(HOSTS) as Host[]) {
    run('ip', ['netns', 'add', ns(h)]);
    run('ip', ['link', 'add', veth(h), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(h)]);
    run('ip', ['link', 'set', veth(h), 'master', BRIDGE]);
    run('ip', ['link', 'set', veth(h), 'up']);
    run('ip', ['-n', ns(h), 'addr', 'add', `${ip(h)}/24`, 'dev', 'eth0']);
    run('ip', ['-n', ns(h), 'link', 'set', 'eth0', 'up']);
    run('ip', ['-n', ns(h), 'link', 'set', 'lo', 'up']);
  }
}

function removeNetwork(): void {
  for (const h of Object.keys(HOSTS) as Host[]) {
    try {
      run('ip', ['netns', 'del', ns(h)]); // takes its end of the veth pair, and so the pair, with it
    } catch {
      // not made
    }
  }
  try {
    run('ip', ['link', 'del', BRIDGE]);
  } catch {
    // not made
  }
}

/** A PostgreSQL server of its own in the db namespace, trusting the test subnet. */
async function startDatabase(dir: string): Promise<ChildProcess> {
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(path.dirname(dir), 0o755); // the postgres user must reach it
  run('chown', ['postgres:postgres', dir]);
  run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'initdb'), '-D', path.join(dir, 'data'), '-U', 'poppy', '-A', 'trust', '--no-sync']);
  fs.appendFileSync(path.join(dir, 'data', 'pg_hba.conf'), `host all all ${SUBNET}.0/24 trust\n`);
  const db = spawn('ip', ['netns', 'exec', ns('db'), 'runuser', '-u', 'postgres', '--', path.join(PG_BIN, 'postgres'), '-D', path.join(dir, 'data'),
    '-c', `listen_addresses=${ip('db')}`, '-c', 'port=5432', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const c = new pg.Client({ connectionString: `postgres://poppy@${ip('db')}:5432/postgres`, connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.end();
      return db;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('the namespaced PostgreSQL did not start');
}

describe.skipIf(why !== null)('PostgreSQL, an API server and two workers on four network hosts', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-hosts-'));
  const url = `postgres://poppy@${ip('db')}:5432/postgres`;
  let db: ChildProcess | null = null;
  let api: SpawnedProcess;
  let w1: SpawnedProcess;
  let w2: SpawnedProcess;
  let client: pg.Client;

  beforeAll(async () => {
    expect(FRAMES.length, 'samples/demo-flight frames').toBeGreaterThanOrEqual(6);
    removeNetwork();
    makeNetwork();
    db = await startDatabase(path.join(tmp, 'pg'));
    client = new pg.Client({ connectionString: url });
    await client.connect();
    const shared = { POPPY_DATABASE_URL: url, POPPY_BLOB_DIR: path.join(tmp, 'blobs'), POPPY_LEASE_S: String(LEASE_S) };
    api = await spawnMain({
      env: { ...shared, POPPY_ROLE: 'api', HOST: ip('api'), PORT: '8080', POPPY_DATA_DIR: path.join(tmp, 'api'), POPPY_BOOTSTRAP_TOKEN: TEST_TOKEN },
      readyMsg: 'listening',
      prefix: ['ip', 'netns', 'exec', ns('api')],
    });
    const workerEnv = (h: Host) => ({ ...shared, POPPY_DATA_DIR: path.join(tmp, h), POPPY_WORKERS: '1', POPPY_ORT_THREADS: '1' });
    [w1, w2] = await Promise.all([
      spawnWorker(workerEnv('w1'), { prefix: ['ip', 'netns', 'exec', ns('w1')] }),
      spawnWorker(workerEnv('w2'), { prefix: ['ip', 'netns', 'exec', ns('w2')] }),
    ]);
  }, 180_000);

  afterAll(async () => {
    try {
      run('ip', ['link', 'set', veth('w1'), 'up']);
    } catch {
      // gone already
    }
    await Promise.all([w1, w2, api].map((p) => p?.kill('SIGTERM')));
    await client?.end().catch(() => undefined);
    db?.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1000));
    removeNetwork();
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('a worker cut off mid-frame loses the frame to the other, which processes it; every frame once, none failed', async () => {
    const fetchApi = authedFetch(`http://${ip('api')}:8080`, TEST_TOKEN);
    const flight = (await (await fetchApi('/api/flights', { method: 'POST', json: { name: 'across hosts' } })).json()) as { id: number };
    const files = FRAMES.flatMap((f) => {
      const data = fs.readFileSync(path.join(DEMO, f));
      return [{ name: f, data }, { name: `copy-${f}`, data: Buffer.concat([data, Buffer.from([0])]) }];
    });
    expect((await fetchApi(`/api/flights/${flight.id}/images`, { method: 'POST', body: uploadForm(files) })).status).toBe(202);

    // cut w1 off while it holds a frame, until w2 has taken that frame over
    const deadline = Date.now() + 120_000;
    let held: { id: number } | undefined;
    while (!held && Date.now() < deadline) {
      held = (await client.query<{ id: number }>(`SELECT id::int AS id FROM jobs WHERE status = 'running' AND lease_owner LIKE $1`, [`worker-${w1.pid}-%`])).rows[0];
      if (!held) await new Promise((r) => setTimeout(r, 50));
    }
    expect(held, 'w1 claimed a frame').toBeDefined();
    run('ip', ['link', 'set', veth('w1'), 'down']);
    let takenOver = false;
    while (!takenOver && Date.now() < deadline) {
      const r = await client.query<{ lease_owner: string | null; status: string }>('SELECT lease_owner, status FROM jobs WHERE id = $1', [held!.id]);
      takenOver = r.rows[0].status === 'done' || (r.rows[0].lease_owner ?? '').startsWith(`worker-${w2.pid}-`);
      if (!takenOver) await new Promise((r) => setTimeout(r, 200));
    }
    expect(takenOver, 'w2 took over the frame of the cut-off worker').toBe(true);
    run('ip', ['link', 'set', veth('w1'), 'up']);

    // both finish the flight; w1's result for the frame it lost is dropped
    let pending = -1;
    while (Date.now() < deadline) {
      const f = (await (await fetchApi(`/api/flights/${flight.id}`)).json()) as { images: { pending: number } };
      pending = f.images.pending;
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(pending).toBe(0);
    // w1 either got its result to the database after the link came back (refused: the lease is w2's) or could not
    // reach it (the job left to w2); never a frame failed for the network's sake
    const outcome = /lease lost while processing|the database failed while handling a frame/;
    while (!outcome.test(w1.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(w1.output()).toMatch(outcome);
    expect(w1.output()).not.toContain('"frame failed"');
    const failed = (await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM images WHERE flight_id = $1 AND status = 'failed'`, [flight.id])).rows[0].n;
    expect(failed).toBe(0);
    const jobs = (await client.query<{ id: number; image_id: number; status: string; attempts: number }>(
      'SELECT j.id::int AS id, j.image_id::int AS image_id, j.status, j.attempts::int AS attempts FROM jobs j JOIN images i ON i.id = j.image_id WHERE i.flight_id = $1', [flight.id],
    )).rows;
    expect(jobs).toHaveLength(12);
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    expect(jobs.find((j) => j.id === held!.id)!.attempts).toBe(2);
    const counts = new Map<string, number>();
    for (const r of (await client.query<{ name: string; n: number }>(
      'SELECT i.name, COUNT(d.id)::int AS n FROM images i LEFT JOIN detections d ON d.image_id = i.id WHERE i.flight_id = $1 GROUP BY i.id, i.name', [flight.id],
    )).rows) counts.set(r.name, r.n);
    for (const f of FRAMES) expect(counts.get(`copy-${f}`), f).toBe(counts.get(f));
    // both hosts did part of the work
    expect(w1.output()).toContain('"frame processed"');
    expect(w2.output()).toContain('"frame processed"');
  }, 240_000);
});
