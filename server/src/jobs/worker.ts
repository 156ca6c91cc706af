import crypto from 'node:crypto';
import type { Logger } from '../logger.js';
import type { FlightOverrides } from '../pipeline/camera.js';
import type { FrameResult } from '../pipeline/detectFrame.js';
import { placeDetections } from '../sites/placeDetections.js';
import type { Store } from '../store/index.js';
import type { Job } from '../store/jobs.js';
import type { Detection } from '../store/types.js';
import type { JobEvents } from './events.js';
import { frameFacts } from './frameResult.js';
import { modelVersionOf } from '../domain/modelVersion.js';

/** Runs the pipeline on one stored original; main binds it to detectFrame and the loaded aerial model. */
export type FrameProcessor = (originalPath: string, overrides: FlightOverrides) => Promise<FrameResult>;

export interface WorkerPoolOptions {
  store: Store;
  events: JobEvents;
  logger: Logger;
  process: FrameProcessor;
  concurrency: number;
  /** a claimed job is someone else's after this long without renewal */
  leaseMs?: number;
  /** fallback poll when no wake-up arrives (e.g. a missed notification from another process) */
  idlePollMs?: number;
  /**
   * True only when this process is the one worker of its store (embedded SQLite, role all): jobs left running are then
   * a previous run's and go back to the queue at start. With several workers, a lease that stops being renewed does it.
   */
  soleWorker?: boolean;
  /** before each frame (e.g. follow a head promoted by another process); errors are only logged */
  beforeFrame?: () => Promise<void>;
  /** after a frame is committed (e.g. to prepare its thumbnails and crops); errors are only logged */
  onFrameDone?: (image: { id: number; sha256: string }, detections: Detection[]) => Promise<void>;
}

class LeaseLost extends Error {}

/**
 * Writes a processed frame in ONE transaction: its detections, their site assignment, the frame's facts and the
 * job's 'done'. A crash before the commit leaves nothing behind and the job is run again after restart; a crash
 * after it leaves a done job that is never run again.
 */
export async function commitFrame(store: Store, job: Job, owner: string, flightId: number, result: FrameResult, durationMs: number): Promise<Detection[]> {
  return store.tx(async () => {
    const facts = frameFacts(result);
    const modelVersion = modelVersionOf(result.model);
    const seenAt = facts.takenAt && !Number.isNaN(Date.parse(facts.takenAt)) ? new Date(facts.takenAt).toISOString() : new Date().toISOString();
    const inserted: Detection[] = [];
    for (const d of result.detections) {
      const det = await store.detections.insert({
        imageId: job.imageId,
        flightId,
        box: { x: d.box.x, y: d.box.y, w: d.box.w, h: d.box.h },
        score: d.score,
        lat: d.lat,
        lon: d.lon,
        errorRadiusM: d.errorRadiusM,
        top: d.top,
        modelVersion,
        seenAt,
        areaM2: d.areaM2,
        estimatedHeads: d.estimatedHeads,
        outline: d.outline ? { type: 'Polygon', coordinates: [d.outline] } : null,
      });
      await store.detections.saveFeatures({ imageId: job.imageId, detectionId: det.id, modelVersion, ...d.features });
      inserted.push(det);
    }
    await store.detections.saveFeatures({ imageId: job.imageId, detectionId: null, modelVersion, ...result.background });
    await placeDetections(store, flightId, inserted, seenAt);
    await store.images.saveFacts(job.imageId, facts);
    if (!(await store.jobs.markDone(job.id, owner, durationMs))) throw new LeaseLost(`job ${job.id} is no longer leased to ${owner}`);
    const out: Detection[] = [];
    for (const d of inserted) out.push((await store.detections.get(d.id))!);
    return out;
  });
}

/** Claims jobs from the durable queue and processes up to `concurrency` frames at once, in this process. */
export class WorkerPool {
  private readonly owner = `worker-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  private running = false;
  private loops: Promise<void>[] = [];
  private wakers = new Set<() => void>();
  private offWork: (() => void) | null = null;
  private readonly leaseMs: number;
  private readonly idlePollMs: number;
  readonly active = new Set<number>();

  constructor(private readonly o: WorkerPoolOptions) {
    this.leaseMs = o.leaseMs ?? 10 * 60_000;
    this.idlePollMs = o.idlePollMs ?? 2_000;
  }

  /** Puts jobs a dead process left running back in the queue (sole worker only), then starts the loops. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.o.soleWorker) {
      const recovered = await this.o.store.jobs.recoverOrphans();
      if (recovered > 0) this.o.logger.warn({ recovered }, 'requeued frames left running by a previous process');
    }
    this.o.store.flights.setWorkers(this.o.concurrency);
    this.offWork = this.o.events.onWork(() => this.wake());
    for (let i = 0; i < this.o.concurrency; i++) this.loops.push(this.loop(i));
  }

  /** Stops claiming, and waits for frames in progress (their results are committed or dropped whole). */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.running = false;
    this.offWork?.();
    this.wake();
    const all = Promise.all(this.loops);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.loops = [];
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, this.idlePollMs);
      this.wakers.add(done);
    });
  }

  private async loop(n: number): Promise<void> {
    while (this.running) {
      let job: Job | null = null;
      try {
        job = await this.o.store.jobs.claim(this.owner, this.leaseMs);
      } catch (err) {
        this.o.logger.error({ err, worker: n }, 'claiming a job failed');
      }
      if (!job) {
        await this.idle();
        continue;
      }
      if (this.o.beforeFrame) await this.o.beforeFrame().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'before-frame step failed'));
      await this.run(job);
      // let HTTP requests in between frames
      await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * One claimed frame. Only an error of the frame itself (the pipeline refusing or failing on it) fails the frame; the
   * database being unreachable or failing does not: the job goes back to the queue (or its lease runs out, when even
   * that cannot be written) and a worker tries it again.
   */
  private async run(job: Job): Promise<void> {
    const { store, logger } = this.o;
    this.active.add(job.id);
    const renew = setInterval(() => {
      store.jobs.renewLease(job.id, this.owner, this.leaseMs).catch((err: Error) => logger.warn({ err: err.message, jobId: job.id }, 'could not renew a lease'));
    }, Math.max(1000, this.leaseMs / 3));
    renew.unref();
    try {
      await this.runFrame(job);
    } catch (err) {
      logger.error({ err: (err as Error).message, jobId: job.id }, 'the database failed while handling a frame; it goes back to the queue');
      await store.jobs.release(job.id, this.owner).catch(() => logger.warn({ jobId: job.id }, 'could not release the job; it is taken again when its lease runs out'));
    } finally {
      clearInterval(renew);
      this.active.delete(job.id);
    }
  }

  private async runFrame(job: Job): Promise<void> {
    const { store, events, logger } = this.o;
    const image = await store.images.get(job.imageId);
    if (!image || image.flightId == null) {
      await store.jobs.markFailed(job.id, this.owner, 'the frame record is missing');
      return;
    }
    const flightId = image.flightId;
    events.frame({ flightId, imageId: image.id, status: 'processing' });
    const overrides = (await store.flights.overrides(flightId)) ?? {};
    const t0 = performance.now();
    let result: FrameResult;
    try {
      result = await this.o.process(store.blobs.originalPath(image.sha256), overrides);
    } catch (err) {
      if (!this.running) return; // shut down mid-frame: the job is requeued at the next start, or when its lease runs out
      const reason = frameErrorReason(err);
      logger.warn({ imageId: image.id, flightId, reason }, 'frame failed');
      if (await store.jobs.markFailed(job.id, this.owner, reason, performance.now() - t0)) {
        events.frame({ flightId, imageId: image.id, status: 'failed', error: reason });
      }
      return;
    }
    const durationMs = performance.now() - t0;
    let detections: Detection[];
    try {
      detections = await commitFrame(store, job, this.owner, flightId, result, durationMs);
    } catch (err) {
      if (!(err instanceof LeaseLost)) throw err;
      logger.warn({ jobId: job.id }, 'lease lost while processing; result dropped, the other owner finishes it');
      return;
    }
    logger.info({ imageId: image.id, flightId, detections: detections.length, ms: Math.round(durationMs) }, 'frame processed');
    events.frame({ flightId, imageId: image.id, status: 'done', detections: detections.length });
    if (this.o.onFrameDone) {
      // derived images are a cache: the next frame waits for them only so that they do not pile up in memory
      await this.o.onFrameDone(image, detections).catch((err) => logger.warn({ err, imageId: image.id }, 'preparing derived images failed'));
    }
  }
}

/** A one-line reason for the operator, without stack or paths of this server. */
export function frameErrorReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const first = msg.split('\n')[0].replace(/\/[^\s:]*originals\/[0-9a-f]{64}/g, 'the file').trim();
  return (first || 'processing failed').slice(0, 500);
}
