import type { FrameProcessor } from '../../src/jobs/worker.js';
import type { FrameResult } from '../../src/pipeline/detectFrame.js';
import { readMetadata } from '../../src/pipeline/metadata.js';
import { sha256OfFile } from '../../src/util/sha256.js';

export interface FakeDetection {
  /** metres east/north of the frame's GPS position */
  eastM?: number;
  northM?: number;
  score: number;
  errorRadiusM?: number;
  box?: { x: number; y: number; w: number; h: number };
}

const M_PER_DEG = 111_320;

/**
 * A frame processor without a model, for queue/API tests: real metadata, detections as planned per sha256 (default
 * one detection at the GPS position), and an optional delay or failure. Counts how often each frame ran.
 */
export function fakeProcessor(opts: {
  plan?: Map<string, FakeDetection[]>;
  delayMs?: number;
  failWhen?: (sha256: string) => string | null;
} = {}) {
  const runs = new Map<string, number>();
  const process: FrameProcessor = async (file) => {
    const sha = await sha256OfFile(file);
    runs.set(sha, (runs.get(sha) ?? 0) + 1);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const failure = opts.failWhen?.(sha);
    if (failure) throw new Error(failure);
    const metadata = await readMetadata(file);
    const pos = metadata.gps ? { lat: metadata.gps.lat, lon: metadata.gps.lon } : null;
    const planned = opts.plan?.get(sha) ?? [{ score: 0.9 }];
    const detections = planned.map((d) => {
      const lat = pos ? pos.lat + (d.northM ?? 0) / M_PER_DEG : null;
      const lon = pos ? pos.lon + (d.eastM ?? 0) / (M_PER_DEG * Math.cos((pos.lat * Math.PI) / 180)) : null;
      const box = d.box ?? { x: 8, y: 8, w: 16, h: 16 };
      return {
        box,
        centre: { x: box.x + box.w / 2, y: box.y + box.h / 2 },
        score: d.score,
        top: [{ label: 'papaver_somniferum', score: d.score }],
        outlinePx: [],
        areaM2: 4,
        estimatedHeads: 60,
        otherHeads: 0,
        outline: null,
        features: { cells: 1, channels: 2, data: new Float32Array([1, 0]) },
        lat,
        lon,
        errorRadiusM: pos ? (d.errorRadiusM ?? 2) : null,
        locateMethod: pos ? ('camera' as const) : null,
      };
    });
    const d = 0.0002;
    const result = {
      metadata,
      camera: { position: pos, unlocatedReason: pos ? null : 'no GPS in EXIF' },
      footprint: pos
        ? [[pos.lon - d, pos.lat - d], [pos.lon + d, pos.lat - d], [pos.lon + d, pos.lat + d], [pos.lon - d, pos.lat + d], [pos.lon - d, pos.lat - d]]
        : null,
      plan: { scale: 1, resampledWidth: metadata.width, resampledHeight: metadata.height, cols: 1, rows: 1 },
      detections,
      background: { cells: 1, channels: 2, data: new Float32Array([0, 1]) },
      model: { name: 'fake', version: '0.0.1', threshold: 0.5 },
      stats: { metadataMs: 1, decodeResampleMs: 1, gateMs: 0, inferMs: 1, blobMs: 0, locateMs: 1, totalMs: 5, windows: 1, gatedWindows: 0 },
    };
    return result as unknown as FrameResult;
  };
  return { process, runs };
}

/** Polls until fn() is truthy (or throws after timeoutMs). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
