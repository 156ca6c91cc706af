import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { FlightOverrides } from '../pipeline/camera.js';
import type { FrameResult } from '../pipeline/detectFrame.js';
import type { FrameThreadData, FrameThreadReply, FrameThreadRequest } from './frameThread.js';
import type { FrameProcessor } from './worker.js';
import type { AerialHead } from '../model/aerialManifest.js';

const BOOT = new URL('./frameThread.boot.mjs', import.meta.url);

interface Pending {
  resolve: (r: FrameResult) => void;
  reject: (e: Error) => void;
}

/** One worker thread with its own model session; restarted if it dies. */
class FrameThread {
  private worker!: Worker;
  private pending = new Map<number, Pending>();
  private headAcks: Array<() => void> = [];
  private nextId = 1;
  private closing = false;
  ready!: Promise<void>;

  constructor(
    private data: FrameThreadData,
    private readonly logger: Logger,
  ) {
    this.spawn();
  }

  get load(): number {
    return this.pending.size;
  }

  private spawn(): void {
    const worker = new Worker(BOOT, { workerData: this.data, name: 'poppywatch-frames' });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: FrameThreadReply) => {
        if ('type' in m && m.type === 'ready') resolve();
        else if ('type' in m && m.type === 'loadError') reject(new Error(m.message));
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`frame thread exited with code ${code} while loading`)));
    });
    this.ready.catch(() => undefined);
    worker.on('message', (m: FrameThreadReply) => {
      if ('type' in m && m.type === 'head') this.headAcks.shift()?.();
      if (!('id' in m)) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result as FrameResult);
      else p.reject(new Error(m.message));
    });
    worker.on('error', (err) => this.logger.error({ err }, 'frame thread error'));
    worker.on('exit', (code) => {
      const lost = [...this.pending.values()];
      this.pending.clear();
      for (const p of lost) p.reject(new Error(`the frame thread stopped (exit code ${code}) while processing this frame`));
      if (!this.closing && worker === this.worker) {
        this.logger.warn({ code }, 'frame thread stopped; starting a new one');
        this.spawn();
      }
    });
  }

  async process(file: string, overrides: FlightOverrides): Promise<FrameResult> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, file, overrides } satisfies FrameThreadRequest);
    });
  }

  /** The thread uses `head` from its next frame on (and again after a restart). */
  async setHead(head: AerialHead): Promise<void> {
    this.data = { ...this.data, head };
    await this.ready;
    await new Promise<void>((resolve) => {
      this.headAcks.push(resolve);
      this.worker.postMessage({ type: 'head', head } satisfies FrameThreadRequest);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

/** Frame processing on `count` worker threads (one model session each), least-busy first. */
export class ThreadedFrameProcessor {
  private constructor(private readonly threads: FrameThread[]) {}

  static async start(opts: { manifestPath: string; ortThreads: number; count: number; logger: Logger; head?: AerialHead }): Promise<ThreadedFrameProcessor> {
    const threads = Array.from({ length: Math.max(1, opts.count) }, () => new FrameThread({ manifestPath: opts.manifestPath, threads: opts.ortThreads, head: opts.head }, opts.logger));
    try {
      await Promise.all(threads.map((t) => t.ready));
    } catch (err) {
      await Promise.all(threads.map((t) => t.close()));
      throw err;
    }
    return new ThreadedFrameProcessor(threads);
  }

  readonly process: FrameProcessor = (file, overrides) => {
    const t = this.threads.reduce((a, b) => (b.load < a.load ? b : a));
    return t.process(file, overrides);
  };

  /** Every thread makes its next frames with `head` (a promoted or rolled-back version). */
  async setHead(head: AerialHead): Promise<void> {
    await Promise.all(this.threads.map((t) => t.setHead(head)));
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
