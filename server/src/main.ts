import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openStore, type Store } from './store/index.js';
import { Classifier } from './model/classifier.js';
import { AerialModel } from './model/aerialModel.js';
import { defaultAerialManifestPath, type AerialHead } from './model/aerialManifest.js';
import { AerialModels } from './learning/aerialModels.js';
import { detectFrame } from './pipeline/detectFrame.js';
import { JobEvents } from './jobs/events.js';
import { bridgeJobEvents, type PgEventsBridge } from './jobs/pgEvents.js';
import { WorkerPool, type FrameProcessor } from './jobs/worker.js';
import { ThreadedFrameProcessor } from './jobs/threadedProcessor.js';
import { ingestPath } from './jobs/ingest.js';
import { SseHub } from './http/sse.js';
import { precomputeDerived } from './images/derived.js';
import { ensureDemoUsers, formatDemoUsers } from './auth/demoUsers.js';
import { applyServerLimits } from './http/serverLimits.js';
import { loadTls } from './http/tls.js';
import { modelVersionOf } from './domain/modelVersion.js';

const DEMO_FLIGHT_NAME = 'Demo flight';
const FRAME_FILE = /\.(jpe?g|png|tiff?|webp)$/i;

/** Creates the demo flight and feeds samples/demo-flight through the normal ingest path (once per data dir). */
async function loadDemoFlight(store: Store, events: JobEvents, config: Config, logger: Logger): Promise<void> {
  if ((await store.flights.list()).some((f) => f.isDemo)) return;
  if (!fs.existsSync(config.samplesDir)) {
    logger.warn({ dir: config.samplesDir }, 'no demo flight frames (run npm run samples); the demo starts without a flight');
    return;
  }
  const frames = fs
    .readdirSync(config.samplesDir)
    .filter((f) => FRAME_FILE.test(f))
    .sort();
  if (frames.length === 0) {
    logger.warn({ dir: config.samplesDir }, 'the demo flight folder has no frames');
    return;
  }
  const flight = await store.flights.create({ name: DEMO_FLIGHT_NAME, isDemo: true, createdBy: 'demo' });
  let accepted = 0;
  for (const f of frames) {
    const r = await ingestPath(store, events, path.join(config.samplesDir, f), { flightId: flight.id, uploadedBy: 'demo' });
    if ('accepted' in r) accepted++;
    else logger.warn({ file: f, reason: r.rejected.error }, 'demo frame refused');
  }
  logger.info({ flightId: flight.id, frames: accepted }, 'demo flight queued');
}

async function loadClassifier(config: Config, logger: Logger): Promise<Classifier | null> {
  try {
    return await Classifier.load({ manifestPath: config.modelPath, threads: config.ortThreads });
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'no model loaded: frames stay queued and snaps answer 503 until one is installed');
    return null;
  }
}

/** The promoted head, if any; a version that cannot be read (file gone, other network) falls back to the shipped one. */
async function promotedHead(models: AerialModels, logger: Logger): Promise<AerialHead | undefined> {
  try {
    return await models.activeHead();
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'the promoted aerial head cannot be used; frames are processed with the shipped head');
    return undefined;
  }
}

async function startFrameThreads(config: Config, logger: Logger, head: AerialHead | undefined): Promise<ThreadedFrameProcessor | null> {
  let manifestPath: string;
  try {
    manifestPath = config.aerialModelPath ?? defaultAerialManifestPath();
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'no aerial model: frames stay queued until one is installed');
    return null;
  }
  try {
    return await ThreadedFrameProcessor.start({ manifestPath, ortThreads: config.ortThreads, count: config.workers, logger, head });
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'frame threads failed to start; frames are processed in the main thread');
    return null;
  }
}

/** Without threads still correct, only less responsive: inference then shares the event loop with HTTP. */
async function mainThreadFrames(config: Config, logger: Logger, head: AerialHead | undefined, models: AerialModels): Promise<FrameProcessor | null> {
  try {
    const model = await AerialModel.load({ manifestPath: config.aerialModelPath, threads: config.ortThreads, head });
    models.applyHeadWith(async (h) => {
      model.head = h;
    });
    return (file, overrides) => detectFrame(file, overrides, model);
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'no aerial model loaded: frames stay queued until one is installed');
    return null;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const storeOptions = {
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
    blobDir: config.blobDir,
    // a worker holds one connection per frame slot (claim, commit) plus lease renewals: PostgreSQL's 100 default
    // connections then serve dozens of worker processes; API servers keep a pool of 10 for concurrent requests
    maxConnections: config.role === 'worker' ? config.workers + 2 : 10,
  };
  const store = await openStore(storeOptions);
  // a first start (this process made the schema) brings the demo unless POPPY_DEMO says otherwise
  const demo = config.role !== 'worker' && (config.demo ?? store.created);
  // partial uploads of a previous process (this machine's own; never on the shared blob volume)
  fs.rmSync(path.join(store.dataDir, 'tmp'), { recursive: true, force: true });
  const events = new JobEvents();
  // several processes share the PostgreSQL store: progress and wake-ups cross between them
  const bridge: PgEventsBridge | null = config.databaseUrl
    ? await bridgeJobEvents(events, { url: config.databaseUrl, schema: config.databaseSchema, logger })
    : null;

  // versions of the aerial head retrained from reviews: new frames are made with the promoted one
  const models = new AerialModels(store, { manifestPath: config.aerialModelPath });
  const processesFrames = config.role !== 'api';
  const head = processesFrames ? await promotedHead(models, logger) : undefined;
  // the main-thread classifier (snaps) and the frame threads' sessions load in parallel
  const [classifier, threads] = await Promise.all([
    config.role === 'worker' ? null : loadClassifier(config, logger),
    processesFrames ? startFrameThreads(config, logger, head) : null,
  ]);
  if (threads) models.applyHeadWith((h) => threads.setHead(h));

  const frameProcessor: FrameProcessor | null = !processesFrames ? null : threads ? threads.process : await mainThreadFrames(config, logger, head, models);
  const pool = frameProcessor
    ? new WorkerPool({
        store,
        events,
        logger,
        concurrency: config.workers,
        process: frameProcessor,
        leaseMs: config.leaseMs,
        soleWorker: config.role === 'all' && store.dialect === 'sqlite',
        // a head promoted through another process (API server, CLI) is picked up before the next frame
        beforeFrame: () => models.followActiveHead(),
        onFrameDone: (image, detections) => precomputeDerived(store.blobs.derived, store.blobs.originals, image.sha256, detections),
      })
    : null;

  let stopping = false;
  const stopWork = async () => {
    await pool?.stop();
    await threads?.close();
    await bridge?.close();
  };

  if (config.role === 'worker') {
    if (!pool) throw new Error('no aerial model could be loaded: a worker without one has nothing to do');
    await pool.start();
    logger.info({ role: 'worker', workers: config.workers, store: store.dialect, blobDir: store.blobs.root, model: head ? 'promoted head' : 'shipped head' }, 'worker started');
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      await stopWork();
      await store.close();
      logger.info('stopped');
      process.exit(0);
    };
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig));
    if (process.send) process.on('disconnect', () => void shutdown('parent exited'));
    return;
  }

  const sse = new SseHub();
  const app = createApp({ config, store, logger, model: classifier?.manifest ?? null, classifier, events, sse, models });

  if (demo) {
    const users = await ensureDemoUsers(store, config.demoPassword);
    console.log(formatDemoUsers(users));
    await loadDemoFlight(store, events, config, logger);
  }
  await pool?.start();

  const tls = await loadTls(config, store.dataDir);
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, app) : http.createServer(app);
  applyServerLimits(server, config);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  if (tls) {
    // on stdout as plain text too: officers compare it with the fingerprint their phone shows for the certificate
    console.log(`HTTPS certificate (${tls.source}, ${tls.certFile})\n  SHA-256 fingerprint ${tls.fingerprint256}`);
    logger.info({ certFile: tls.certFile, source: tls.source, fingerprint256: tls.fingerprint256 }, 'https');
  }
  logger.info(
    { port, host: config.host, protocol: tls ? 'https' : 'http', role: config.role, store: store.dialect, dataDir: config.dataDir, model: classifier ? modelVersionOf(classifier.manifest) : null, workers: pool ? config.workers : 0, demo },
    'listening',
  );

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    sse.closeAll();
    server.closeIdleConnections();
    await stopWork();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000).unref())]);
    server.closeAllConnections();
    await store.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
  // started by scripts/start.mjs with an IPC channel: if that parent dies, even by SIGKILL, do not live on orphaned
  if (process.send) process.on('disconnect', () => void shutdown('parent exited'));
}

main().catch((err) => {
  console.error(`poppywatch failed to start: ${(err as Error).message}`);
  process.exit(1);
});
