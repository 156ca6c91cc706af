import { EventEmitter } from 'node:events';

export interface FrameEvent {
  flightId: number;
  imageId: number;
  status: 'queued' | 'processing' | 'done' | 'failed';
  error?: string | null;
  detections?: number;
}

/** In-process notifications from ingest and workers to SSE streams and idle workers. */
export class JobEvents {
  private emitter = new EventEmitter();

  constructor() {
    // one listener per open SSE stream
    this.emitter.setMaxListeners(0);
  }

  frame(e: FrameEvent): void {
    this.emitter.emit('frame', e);
  }

  onFrame(fn: (e: FrameEvent) => void): () => void {
    this.emitter.on('frame', fn);
    return () => this.emitter.off('frame', fn);
  }

  /** New work is queued: idle workers wake up. */
  workAvailable(): void {
    this.emitter.emit('work');
  }

  onWork(fn: () => void): () => void {
    this.emitter.on('work', fn);
    return () => this.emitter.off('work', fn);
  }
}
