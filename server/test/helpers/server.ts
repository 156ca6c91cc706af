/**
 * Servers for tests. `startTestServer` runs the app in this process on port 0 with a temp data dir (fast; workers
 * optional, with a real or fake frame processor). `spawnServer` runs `tsx server/src/main.ts` as a child process on
 * a free port and waits for /api/health: for end-to-end, crash (SIGKILL) and restart tests.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openStore, type Store } from '../../src/store/index.js';
import { testBackend, type TestBackend } from './testStore.js';
import { JobEvents } from '../../src/jobs/events.js';
import { WorkerPool, type FrameProcessor } from '../../src/jobs/worker.js';
import { SseHub } from '../../src/http/sse.js';
import { applyServerLimits } from '../../src/http/serverLimits.js';
import type { Classifier } from '../../src/model/classifier.js';
import { listeningPort, spawnMain } from '../../../scripts/lib/workerProcess.js';

export const TEST_TOKEN = 'test-bootstrap-token-0123456789';

export function tempDataDir(prefix = 'poppy-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  backend: TestBackend;
  config: Config;
  store: Store;
  events: JobEvents;
  pool: WorkerPool | null;
  sse: SseHub;
  /** fetch relative to the server with the bootstrap admin token (pass `auth: false` for anonymous) */
  fetch(p: string, init?: RequestInit & { auth?: boolean | string; json?: unknown }): Promise<Response>;
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export interface TestServerOptions {
  dataDir?: string;
  env?: Record<string, string>;
  /** starts a worker pool with this frame processor (with `classifier` and no processor: the real aerial model) */
  process?: FrameProcessor;
  classifier?: Classifier | null;
  workers?: number;
  idlePollMs?: number;
  /** prepare thumbnails, previews and crops after each frame as main.ts does (default true) */
  precompute?: boolean;
  /** with `classifier`: process frames in worker threads as main.ts does (default true) */
  threaded?: boolean;
  /** the database (default: a fresh one on the test backend, dropped at close unless keepData) */
  backend?: TestBackend;
}

export function authedFetch(base: string, token: string) {
  return (p: string, init: RequestInit & { auth?: boolean | string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    const auth = init.auth ?? true;
    if (auth) headers.set('Authorization', `Bearer ${typeof auth === 'string' ? auth : token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(base + p, { ...init, headers, body });
  };
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const config = loadConfig({
    POPPY_DATA_DIR: dataDir,
    POPPY_BOOTSTRAP_TOKEN: TEST_TOKEN,
    POPPY_DEMO: '0',
    PORT: '0',
    HOST: '127.0.0.1',
    POPPY_LOG_LEVEL: process.env.POPPY_TEST_LOG_LEVEL ?? 'silent',
    ...opts.env,
  });
  const logger = createLogger({ level: config.logLevel });
  const backend = opts.backend ?? testBackend();
  const store = await openStore({ dataDir, databaseUrl: backend.databaseUrl, databaseSchema: backend.databaseSchema });
  const events = new JobEvents();
  const sse = new SseHub();
  const classifier = opts.classifier ?? null;
  const app = createApp({ config, store, logger, model: classifier?.manifest ?? null, classifier, events, sse });
  let pool: WorkerPool | null = null;
  let processor = opts.process;
  let threads: { close(): Promise<void> } | null = null;
  if (!processor && classifier) {
    if (opts.threaded ?? true) {
      const { ThreadedFrameProcessor } = await import('../../src/jobs/threadedProcessor.js');
      const { defaultAerialManifestPath } = await import('../../src/model/aerialManifest.js');
      const t = await ThreadedFrameProcessor.start({ manifestPath: config.aerialModelPath ?? defaultAerialManifestPath(), ortThreads: config.ortThreads, count: opts.workers ?? 1, logger });
      threads = t;
      processor = t.process;
    } else {
      const { detectFrame } = await import('../../src/pipeline/detectFrame.js');
      const { AerialModel } = await import('../../src/model/aerialModel.js');
      const model = await AerialModel.load({ manifestPath: config.aerialModelPath, threads: config.ortThreads });
      processor = (file, overrides) => detectFrame(file, overrides, model);
    }
  }
  if (processor) {
    const { precomputeDerived } = await import('../../src/images/derived.js');
    pool = new WorkerPool({
      store,
      events,
      logger,
      process: processor,
      concurrency: opts.workers ?? 1,
      idlePollMs: opts.idlePollMs ?? 200,
      soleWorker: true,
      onFrameDone: opts.precompute === false ? undefined : (image, dets) => precomputeDerived(store.blobs.derived, store.blobs.originals, image.sha256, dets),
    });
    await pool.start();
  }
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    applyServerLimits(s, config);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    token: TEST_TOKEN,
    dataDir,
    backend,
    config,
    store,
    events,
    pool,
    sse,
    fetch: authedFetch(url, TEST_TOKEN),
    async close({ keepData = false } = {}) {
      sse.closeAll();
      await pool?.stop();
      await threads?.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
      if (!keepData && !opts.backend) await backend.drop();
      if (!keepData && !opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SpawnedServer {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  child: ChildProcess;
  /** everything the process wrote so far (stdout + stderr) */
  output(): string;
  fetch(p: string, init?: RequestInit & { auth?: boolean | string; json?: unknown }): Promise<Response>;
  /** SIGKILL (a crash) or SIGTERM, resolving when the process is gone */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the real server (`node --import tsx server/src/main.ts`, scripts/lib/workerProcess.ts) on a free port.
 * Defaults: a temp data dir, POPPY_DEMO=0, the test bootstrap token; `env` overrides any of them. Resolves once
 * /api/health answers 200.
 */
export async function spawnServer(opts: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number; backend?: TestBackend } = {}): Promise<SpawnedServer> {
  const dataDir = opts.dataDir ?? opts.env?.POPPY_DATA_DIR ?? tempDataDir('poppy-e2e-');
  const env: Record<string, string> = {
    ...opts.backend?.env,
    PORT: '0',
    HOST: '127.0.0.1',
    POPPY_DATA_DIR: dataDir,
    POPPY_BOOTSTRAP_TOKEN: TEST_TOKEN,
    ...opts.env,
  };
  const proc = await spawnMain({ env, readyMsg: 'listening', timeoutMs: opts.timeoutMs ?? 60_000 });
  const port = listeningPort(proc.output());
  if (!port) {
    await proc.kill('SIGKILL');
    throw new Error(`the server logged "listening" without a port:\n${proc.output().slice(-4000)}`);
  }
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    token: env.POPPY_BOOTSTRAP_TOKEN,
    dataDir,
    child: proc.child,
    output: proc.output,
    fetch: authedFetch(url, env.POPPY_BOOTSTRAP_TOKEN),
    kill: proc.kill,
  };
}

/** EXIF GPS rational "d/1 m/1 s/10000". */
function dms(value: number): string {
  const v = Math.abs(value);
  const d = Math.floor(v);
  const mFloat = (v - d) * 60;
  const m = Math.floor(mFloat);
  return `${d}/1 ${m}/1 ${Math.round((mFloat - m) * 60 * 10000)}/10000`;
}

/** A tiny JPEG with EXIF GPS (and optionally an orientation), different bytes for every seed. */
export async function makeTestJpeg(o: { lat?: number; lon?: number; seed?: number; width?: number; height?: number; orientation?: number } = {}): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  const width = o.width ?? 64;
  const height = o.height ?? 48;
  const seed = o.seed ?? 0;
  const px = Buffer.alloc(width * height * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 31 + seed * 97 + ((i / 3) | 0) % width) & 0xff;
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'DJI', Model: 'FC6310' } };
  if (o.lat !== undefined && o.lon !== undefined) {
    exif.IFD2 = { DateTimeOriginal: '2026:05:01 10:00:00', FocalLength: '88/10' };
    exif.IFD3 = {
      GPSLatitudeRef: o.lat >= 0 ? 'N' : 'S',
      GPSLatitude: dms(o.lat),
      GPSLongitudeRef: o.lon >= 0 ? 'E' : 'W',
      GPSLongitude: dms(o.lon),
    };
  }
  let img = sharp(px, { raw: { width, height, channels: 3 } }).withExif(exif);
  if (o.orientation) img = img.withMetadata({ orientation: o.orientation });
  return img.jpeg({ quality: 90 }).toBuffer();
}

/** multipart body with files in the field "images" */
export function uploadForm(files: { name: string; data: Buffer | string; type?: string }[], field = 'images'): FormData {
  const form = new FormData();
  for (const f of files) form.append(field, new Blob([typeof f.data === "string" ? f.data : new Uint8Array(f.data)], { type: f.type ?? "application/octet-stream" }), f.name);
  return form;
}
