/**
 * Scale-out benchmark (issue 14): frames/s of the whole queue — PostgreSQL job claims, frame processing, one
 * transaction of results per frame — with 1 and then 2 worker processes (`POPPY_ROLE=worker`, one frame and one
 * inference thread each), on the same frames, in one run. Also the database load per frame (transactions, rows
 * written, bytes stored) for docs/scale.md.
 *
 *   npm run bench:scale [-- --frames 24] [--workers 1,2] [--dir DIR] [--json]
 *
 * Needs PostgreSQL: POPPY_BENCH_DATABASE_URL (else POPPY_TEST_DATABASE_URL, else postgres://poppy:poppy@127.0.0.1/poppy).
 * Each run gets a schema of its own, dropped afterwards. Frames: samples/demo-flight (real 9 MP DJI frames with
 * planted plots), repeated with a different trailing byte until --frames are queued (the same bytes twice would be a
 * duplicate upload).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { JobEvents } from '../../server/src/jobs/events.js';
import { bridgeJobEvents } from '../../server/src/jobs/pgEvents.js';
import { ingestPath } from '../../server/src/jobs/ingest.js';
import { createLogger } from '../../server/src/logger.js';
import { openStore } from '../../server/src/store/index.js';
import { maskPassword } from '../../server/src/store/sql/postgres.js';
import { spawnWorker } from '../lib/workerProcess.js';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const url = process.env.POPPY_BENCH_DATABASE_URL ?? process.env.POPPY_TEST_DATABASE_URL ?? 'postgres://poppy:poppy@127.0.0.1:5432/poppy';
const frameCount = Number(arg('--frames') ?? 24);
const workerCounts = (arg('--workers') ?? '1,2').split(',').map(Number);
const sourceDir = path.resolve(arg('--dir') ?? path.join(repo, 'samples', 'demo-flight'));
const logger = createLogger({ level: 'warn' });

interface RunResult {
  workers: number;
  frames: number;
  seconds: number;
  framesPerS: number;
  perFrame: { databaseCommits: number; rowsWritten: number; bytesStored: number; originalBytes: number; derivedBytes: number; msPerFrameInWorker: number };
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Rows inserted/updated/deleted in the run's own schema (exact, whatever else the database does) and commits of the
 * whole database (only meaningful on an otherwise idle database: say so when quoting it).
 */
const dbStats = (schema: string) =>
  admin(async (c) => {
    // table counters reach the statistics views when a backend flushes them (at most ~1 s after its commit)
    await new Promise((r) => setTimeout(r, 1500));
    await c.query('SELECT pg_stat_clear_snapshot()');
    const rows = await c.query<{ n: string | null }>(
      `SELECT SUM(n_tup_ins + n_tup_upd + n_tup_del) AS n FROM pg_stat_user_tables WHERE schemaname = $1`,
      [schema],
    );
    const db = await c.query<{ xact_commit: string }>(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`);
    return { rows: Number(rows.rows[0]?.n ?? 0), commits: Number(db.rows[0].xact_commit) };
  });

async function run(workers: number, files: string[]): Promise<RunResult> {
  const schema = `scale_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-scale-'));
  const store = await openStore({ dataDir: path.join(tmp, 'api'), databaseUrl: url, databaseSchema: schema, blobDir: path.join(tmp, 'blobs') });
  const events = new JobEvents();
  const bridge = await bridgeJobEvents(events, { url, schema, logger });
  const env = { POPPY_DATABASE_URL: url, POPPY_DATABASE_SCHEMA: schema, POPPY_BLOB_DIR: path.join(tmp, 'blobs'), POPPY_WORKERS: '1', POPPY_ORT_THREADS: '1', POPPY_LOG_LEVEL: 'warn' };
  // 'warn' hides the "worker started" line spawnWorker waits for: keep info for that one line
  const procs = await Promise.all(Array.from({ length: workers }, (_, i) => spawnWorker({ ...env, POPPY_LOG_LEVEL: 'info', POPPY_DATA_DIR: path.join(tmp, `worker${i}`) })));
  try {
    // workers have loaded their models and are idle. Database figures count from the first upload (the API's
    // inserts and the workers' claims and results); frames/s counts from the first claim to the last commit.
    const flight = await store.flights.create({ name: `bench ${workers}` });
    const before = await dbStats(schema);
    for (const f of files) {
      const r = await ingestPath(store, events, f, { flightId: flight.id, uploadedBy: 'bench' });
      if ('rejected' in r) throw new Error(`${f}: ${r.rejected.error}`);
    }
    // finished frames are counted from the workers' events (LISTEN/NOTIFY), so that waiting adds no queries of its
    // own to the database figures; a slow check every 5 s covers a missed notification
    let finished = 0;
    const off = events.onFrame((e) => {
      if (e.flightId === flight.id && (e.status === 'done' || e.status === 'failed')) finished++;
    });
    const deadline = Date.now() + 30 * 60_000;
    let lastCheck = Date.now();
    try {
      for (;;) {
        if (finished >= files.length) break;
        if (Date.now() - lastCheck > 5_000) {
          lastCheck = Date.now();
          if ((await store.flights.get(flight.id))!.images.pending === 0) break;
        }
        if (Date.now() > deadline) throw new Error('the queue did not finish within 30 minutes');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      off();
    }
    const after = await dbStats(schema);
    const span = (await store.sql.get<{ first: string; last: string; work: number; failed: number }>(
      `SELECT MIN(started_at) AS first, MAX(finished_at) AS last, SUM(duration_ms) AS work,
        SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed FROM jobs`,
    ))!;
    if (span.failed > 0) throw new Error(`${span.failed} frames failed`);
    const seconds = (Date.parse(span.last) - Date.parse(span.first)) / 1000;
    const bytes = (await store.sql.get<{ b: number }>(
      `SELECT SUM(pg_total_relation_size(c.oid)) AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r'`,
    ))!.b;
    return {
      workers,
      frames: files.length,
      seconds: round(seconds, 2),
      framesPerS: round(files.length / seconds, 3),
      perFrame: {
        databaseCommits: round((after.commits - before.commits) / files.length, 1),
        rowsWritten: round((after.rows - before.rows) / files.length, 1),
        bytesStored: Math.round(bytes / files.length),
        originalBytes: Math.round(dirBytes(store.blobs.originals) / files.length),
        derivedBytes: Math.round(dirBytes(store.blobs.derived) / files.length),
        msPerFrameInWorker: Math.round(span.work / files.length),
      },
    };
  } finally {
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    await bridge.close();
    await store.close();
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return n;
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** The source frames, then copies with one more trailing byte each round: other bytes, the same picture. */
function benchFiles(tmp: string): string[] {
  const sources = fs.readdirSync(sourceDir).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => path.join(sourceDir, f));
  if (sources.length === 0) throw new Error(`no JPEG frames in ${sourceDir} (npm run samples)`);
  const out: string[] = [];
  for (let i = 0; out.length < frameCount; i++) {
    const src = sources[i % sources.length];
    const copy = Math.floor(i / sources.length);
    if (copy === 0) out.push(src);
    else {
      const dest = path.join(tmp, `${copy}-${path.basename(src)}`);
      fs.writeFileSync(dest, Buffer.concat([fs.readFileSync(src), Buffer.alloc(copy)]));
      out.push(dest);
    }
  }
  return out;
}

async function main(): Promise<void> {
  await admin((c) => c.query('SELECT 1')).catch((err: Error) => {
    throw new Error(`PostgreSQL is needed at ${maskPassword(url)}: ${err.message}`);
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-scale-frames-'));
  try {
    const files = benchFiles(tmp);
    const results: RunResult[] = [];
    for (const w of workerCounts) {
      const r = await run(w, files);
      results.push(r);
      if (!process.argv.includes('--json')) {
        console.log(`${w} worker process${w > 1 ? 'es' : ''}: ${r.frames} frames in ${r.seconds} s = ${r.framesPerS} frames/s ` +
          `(worker ${r.perFrame.msPerFrameInWorker} ms/frame; database per frame: ${r.perFrame.rowsWritten} rows written, ` +
          `${(r.perFrame.bytesStored / 1024).toFixed(1)} KiB stored, ${r.perFrame.databaseCommits} commits database-wide; ` +
          `blob store per frame: original ${(r.perFrame.originalBytes / 2 ** 20).toFixed(2)} MiB, derived ${(r.perFrame.derivedBytes / 1024).toFixed(0)} KiB)`);
      }
    }
    const base = results[0];
    const ratios = results.slice(1).map((r) => ({ workers: r.workers, ratio: round(r.framesPerS / base.framesPerS, 2) }));
    if (process.argv.includes('--json')) console.log(JSON.stringify({ cpus: os.cpus().length, results, ratios }, null, 1));
    else {
      for (const r of ratios) console.log(`${r.workers} workers vs ${base.workers}: ${r.ratio}× (goal ≥ 1.7× from the second worker)`);
      console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`bench:scale failed: ${err.message}`);
  process.exit(1);
});
