/**
 * A worker thread that runs detectFrame with its own aerial model session. onnxruntime-node's session.run() is synchronous
 * on the calling thread (its Promise only defers the call), so inference in the main thread would stall every
 * HTTP request for whole batches; here it stalls only this thread.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AerialModel } from '../model/aerialModel.js';
import type { AerialHead } from '../model/aerialManifest.js';
import { detectFrame } from '../pipeline/detectFrame.js';
import type { FlightOverrides } from '../pipeline/camera.js';

export interface FrameThreadData {
  manifestPath: string;
  threads: number;
  /** the promoted head, when it is not the manifest's own */
  head?: AerialHead;
}

export type FrameThreadRequest = { id: number; file: string; overrides: FlightOverrides } | { type: 'head'; head: AerialHead };
export type FrameThreadReply =
  | { type: 'ready' }
  | { type: 'head'; version: string }
  | { type: 'loadError'; message: string }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; message: string };

const port = parentPort!;
const data = workerData as FrameThreadData;

// Batch inference yields the CPU to the HTTP thread (reviewers keep ~ms answers while a flight is processed). On
// Linux the nice value is per thread, and onnxruntime's intra-op threads, created by AerialModel.load below,
// inherit it.
try {
  os.setPriority(0, 10);
} catch {
  // not permitted on this system: runs at normal priority
}

let model: AerialModel;
try {
  model = await AerialModel.load({ manifestPath: data.manifestPath, threads: data.threads, head: data.head });
  port.postMessage({ type: 'ready' } satisfies FrameThreadReply);
} catch (err) {
  port.postMessage({ type: 'loadError', message: (err as Error).message } satisfies FrameThreadReply);
  process.exit(1);
}

// one frame at a time: the thread's CPU goes to onnxruntime, concurrency comes from more threads
let chain: Promise<void> = Promise.resolve();
// a new head (a promoted version) takes effect between frames: each frame's detections name the head that made them
port.on('message', (req: FrameThreadRequest) => {
  chain = chain.then(async () => {
    if ('type' in req) {
      model.head = req.head;
      port.postMessage({ type: 'head', version: req.head.version } satisfies FrameThreadReply);
      return;
    }
    try {
      const result = await detectFrame(req.file, req.overrides, model);
      port.postMessage({ id: req.id, ok: true, result } satisfies FrameThreadReply);
    } catch (err) {
      port.postMessage({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies FrameThreadReply);
    }
  });
});
