import { EventEmitter } from 'node:events';

export interface FrameEvent {
  flightId: number;
  imageId: number;
  status: 'queued' | 'processing' | 'done' | 'failed';
  error?: string | null;
  detections?: number;
}

/** What crosses processes: a frame's progress, or "new work is queued". */
export type JobEvent = { kind: 'frame'; frame: FrameEvent } | { kind: 'work' };

/**
 * Notifications from ingest and workers to SSE streams and idle workers. In one process they are plain events; with
 * several processes (PostgreSQL) a relay (jobs/pgEvents.ts) sends each one to the others, which `receive` it.
 */
export class JobEvents {
  private emitter = new EventEmitter();
  private relay: ((e: JobEvent) => void) | null = null;

  constructor() {
    // one listener per open SSE stream
    this.emitter.setMaxListeners(0);
  }

  frame(e: FrameEvent): void {
    this.emitter.emit('frame', e);
    this.relay?.({ kind: 'frame', frame: e });
  }

  onFrame(fn: (e: FrameEvent) => void): () => void {
    this.emitter.on('frame', fn);
    return () => this.emitter.off('frame', fn);
  }

  /** New work is queued: idle workers wake up. */
  workAvailable(): void {
    this.emitter.emit('work');
    this.relay?.({ kind: 'work' });
  }

  onWork(fn: () => void): () => void {
    this.emitter.on('work', fn);
    return () => this.emitter.off('work', fn);
  }

  /** Sends every event raised here to other processes too. */
  relayTo(send: ((e: JobEvent) => void) | null): void {
    this.relay = send;
  }

  /** An event raised in another process: delivered here, not relayed again. */
  receive(e: JobEvent): void {
    if (e.kind === 'frame') this.emitter.emit('frame', e.frame);
    else this.emitter.emit('work');
  }
}
