/**
 * Load test on loopback: 10 concurrent uploaders (≥ 100 frames in all) and 5 reviewers while the frames are
 * processed. Reports p50/p95/max latency and errors per endpoint. Goal: 0 errors, review p95 ≤ 100 ms.
 *
 *   npm run load                           starts its own server (tsx server/src/main.ts) on 127.0.0.1, temp data dir
 *   npm run load -- --url http://127.0.0.1:8080 --token <POPPY_BOOTSTRAP_TOKEN>   against a running local server
 * Options: --uploaders 10 --frames 120 --reviewers 5 --sites 25 --max-s 180 --batch 4 --json <file>
 * Reviewers work on sites seeded as phone snaps before the clock starts (each reviewer its own share, so no
 * 409 conflicts are expected); uploaders send small generated frames with EXIF GPS in batches.
 * Bounded: refuses non-loopback URLs; stops after --max-s seconds whatever the state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { makeFlightFrames } from './frames.js';
import { LatencyBook } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function option(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}
const UPLOADERS = Number(option('uploaders', '10'));
const FRAMES = Number(option('frames', '120'));
const REVIEWERS = Number(option('reviewers', '5'));
const MAX_S = Number(option('max-s', '180'));
const BATCH = Number(option('batch', '4'));
const SEED_SITES = Number(option('sites', '25'));
const JSON_OUT = option('json', '');
const PASSWORD = 'load-test-password';

const book = new LatencyBook();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Client {
  headers: Record<string, string>;
}

/** One timed request; non-2xx answers other than `expect` count as errors of the endpoint `label`. */
async function timed(label: string, base: string, client: Client, method: string, p: string, body?: unknown, expect: number[] = []): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { ...client.headers };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const t0 = performance.now();
  let status = 0;
  let json: any = null;
  try {
    const res = await fetch(base + p, { method, headers, body: payload });
    status = res.status;
    const text = await res.text();
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  } catch (err) {
    json = { error: 'network', message: String(err) };
  }
  const ok = (status >= 200 && status < 300) || expect.includes(status);
  book.record(label, performance.now() - t0, ok ? null : `${status} ${json?.error ?? ''} ${json?.message ?? ''}`.trim());
  return { status, json };
}

async function startServer(): Promise<{ base: string; token: string; child: ChildProcess; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-load-'));
  const token = randomBytes(24).toString('base64url');
  // node --import tsx (not the tsx CLI, which forks a second process)
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      POPPY_DATA_DIR: dataDir,
      POPPY_DEMO: '0',
      POPPY_BOOTSTRAP_TOKEN: token,
      POPPY_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[server] ${d}`));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not log "listening" within 120 s')), 120_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const m = JSON.parse(line) as { msg?: string; port?: number };
        if (m.msg === 'listening' && m.port) {
          clearTimeout(timer);
          resolve(m.port);
        }
      } catch {
        /* not a log line */
      }
    });
  });
  return { base: `http://127.0.0.1:${port}`, token, child, dataDir };
}

async function sessionFor(base: string, admin: Client, username: string, role: string): Promise<Client> {
  await timed('POST /api/users', base, admin, 'POST', '/api/users', { username, password: PASSWORD, role }, [409]);
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { headers: { cookie, 'x-csrf-token': csrfToken } };
}

async function tokenFor(base: string, admin: Client, username: string): Promise<Client> {
  const session = await sessionFor(base, admin, username, 'operator');
  const r = await timed('POST /api/auth/tokens', base, session, 'POST', '/api/auth/tokens', { name: 'load' });
  return { headers: { authorization: `Bearer ${r.json.token}` } };
}

async function flightsSettled(base: string, admin: Client, ids?: Set<number>): Promise<{ settled: boolean; processed: number; total: number }> {
  const r = await timed('GET /api/flights', base, admin, 'GET', '/api/flights');
  const flights = ((r.json?.flights ?? []) as { id: number; status: string; images: { total: number; processed: number; failed: number } }[]).filter(
    (f) => !ids || ids.has(f.id),
  );
  const total = flights.reduce((s, f) => s + f.images.total, 0);
  const processed = flights.reduce((s, f) => s + f.images.processed + f.images.failed, 0);
  return { settled: flights.every((f) => f.status === 'done' || f.status === 'failed' || f.status === 'empty'), processed, total };
}

async function main(): Promise<void> {
  const url = option('url', '');
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let base: string;
  let token: string;
  if (url) {
    const host = new URL(url).hostname;
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`refusing a non-loopback URL: ${url}`);
    base = url.replace(/\/$/, '');
    token = option('token', process.env.POPPY_BOOTSTRAP_TOKEN ?? '');
    if (!token) throw new Error('--token (or POPPY_BOOTSTRAP_TOKEN) is needed with --url');
  } else {
    console.log('starting a server on 127.0.0.1 with a temp data dir...');
    server = await startServer();
    base = server.base;
    token = server.token;
  }
  let deadline = Date.now() + 10 * 60_000; // setup bound; the measured phase gets MAX_S from its start
  const admin: Client = { headers: { authorization: `Bearer ${token}` } };
  try {
    const runId = randomBytes(3).toString('hex');
    console.log(`server ${base}; generating ${FRAMES} frames...`);
    const framesPerUploader = Math.ceil(FRAMES / UPLOADERS);
    const frames = await Promise.all(Array.from({ length: UPLOADERS }, (_, u) => makeFlightFrames(framesPerUploader, { seed: Date.now() % 1e6 + u })));

    const uploaders = await Promise.all(Array.from({ length: UPLOADERS }, (_, i) => tokenFor(base, admin, `load-op-${runId}-${i}`)));
    const reviewers = await Promise.all(Array.from({ length: REVIEWERS }, (_, i) => sessionFor(base, admin, `load-rev-${runId}-${i}`, 'reviewer')));
    // Sites for the reviewers: phone snaps (each one becomes a site through the normal API), before the clock starts.
    const officer = await sessionFor(base, admin, `load-off-${runId}`, 'officer');
    const seedPhotos = await makeFlightFrames(SEED_SITES, { seed: 999, width: 640, height: 480 });
    for (const [i, photo] of seedPhotos.entries()) {
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), `seed-${i}.jpg`);
      form.append('note', `load seed ${i}`);
      await timed('POST /api/snaps (setup)', base, officer, 'POST', '/api/snaps', form);
    }
    const setup = book.summary();
    const setupFirstErrors = [...book.firstErrors()];
    book.reset();
    deadline = Date.now() + MAX_S * 1000;

    const started = performance.now();
    const ourFlights = new Set<number>();
    let uploaded = 0;
    let accepted = 0;
    let uploadsDone = false;
    let stop = false;

    const uploadTasks = uploaders.map(async (client, u) => {
      const f = await timed('POST /api/flights', base, client, 'POST', '/api/flights', { name: `load ${runId} #${u}`, altitudeAglM: 12 });
      if (f.status !== 201) return;
      ourFlights.add(f.json.id);
      const mine = frames[u];
      for (let i = 0; i < mine.length && Date.now() < deadline; i += BATCH) {
        const form = new FormData();
        for (const [k, buf] of mine.slice(i, i + BATCH).entries()) {
          form.append('images', new Blob([new Uint8Array(buf)], { type: 'image/jpeg' }), `u${u}-f${i + k}.jpg`);
        }
        const r = await timed('POST /api/flights/:id/images', base, client, 'POST', `/api/flights/${f.json.id}/images`, form);
        uploaded += Math.min(BATCH, mine.length - i);
        accepted += (r.json?.accepted ?? []).length;
        await timed('GET /api/flights/:id', base, client, 'GET', `/api/flights/${f.json.id}`);
      }
    });

    const reviewTasks = reviewers.map(async (client, r) => {
      let n = 0;
      while (!stop && Date.now() < deadline) {
        const list = await timed('GET /api/sites', base, client, 'GET', '/api/sites');
        const sites = ((list.json?.features ?? []) as { properties: { id: number; version: number } }[]).filter((s) => s.properties.id % REVIEWERS === r);
        if (sites.length > 0) {
          const site = sites[n++ % sites.length].properties;
          const detail = await timed('GET /api/sites/:id', base, client, 'GET', `/api/sites/${site.id}`);
          const version = detail.json?.version ?? detail.json?.properties?.version ?? site.version;
          const decision = ['confirmed', 'rejected', 'pending'][n % 3];
          await timed('POST /api/sites/:id/review', base, client, 'POST', `/api/sites/${site.id}/review`, {
            decision,
            note: `load ${runId} reviewer ${r}`,
            baseVersion: version,
          });
        }
        await timed('GET /api/detections', base, client, 'GET', '/api/detections?minScore=0.5');
        await sleep(100);
      }
    });

    await Promise.all(uploadTasks);
    uploadsDone = true;
    const uploadS = (performance.now() - started) / 1000;
    let progress = await flightsSettled(base, admin, ourFlights);
    while (!progress.settled && Date.now() < deadline) {
      await sleep(1000);
      progress = await flightsSettled(base, admin, ourFlights);
    }
    stop = true;
    await Promise.all(reviewTasks);
    const totalS = (performance.now() - started) / 1000;

    const table = book.summary();
    console.log(`\nuploaders ${UPLOADERS}, reviewers ${REVIEWERS}; frames sent ${uploaded}, accepted ${accepted}; uploads took ${uploadS.toFixed(1)} s`);
    console.log(`processing: ${progress.processed}/${progress.total} frames ${progress.settled ? 'done' : 'NOT done (time bound reached)'} after ${totalS.toFixed(1)} s (${(progress.processed / totalS).toFixed(2)} frames/s)`);
    console.log(LatencyBook.format(table));
    const setupErrors = setup.reduce((s, r) => s + r.errors, 0);
    console.log(`setup (not timed): ${setup.map((r) => `${r.endpoint} n=${r.count} p50=${r.p50.toFixed(0)} ms`).join('; ')}`);
    if (setupErrors) console.log(`setup errors: ${setupErrors}; first: ${setupFirstErrors.join(' | ')}`);
    const errors = table.reduce((s, r) => s + r.errors, 0);
    const review = table.find((r) => r.endpoint === 'POST /api/sites/:id/review');
    console.log(`\nerrors: ${errors}${errors ? `; first: ${book.firstErrors().join(' | ')}` : ''}`);
    console.log(review ? `review p95: ${review.p95.toFixed(1)} ms over ${review.count} decisions (goal ≤ 100 ms)` : 'review: NO decisions were made (no sites?)');
    const pass = errors === 0 && setupErrors === 0 && uploadsDone && !!review && review.p95 <= 100 && uploaded >= Math.min(FRAMES, 100);
    console.log(pass ? 'GOALS MET' : 'GOALS NOT MET');
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ uploaded, accepted, uploadS, totalS, progress, endpoints: table, errors, pass }, null, 2));
    process.exitCode = pass ? 0 : 1;
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => (server!.child.kill('SIGKILL'), r(null)), 10_000);
        server!.child.once('exit', () => (clearTimeout(t), r(null)));
      });
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
