import type { AerialThresholds } from '../model/aerialManifest.js';

/** Per-cell output of a dense model over a whole resampled frame (row-major cells, `stride` px each). */
export interface CellMaps {
  cols: number;
  rows: number;
  stride: number;
  /** probability that the cell holds (or borders) a poppy flower */
  presence: Float32Array;
  /** estimated poppy heads in the cell (the map sums to a count) */
  poppyHeads: Float32Array;
  otherHeads: Float32Array;
  /** head input per cell: features[cell * channels + c]; zero where the model did not run */
  features: Float32Array;
  channels: number;
  /** 1 where the model ran, 0 where the colour gate skipped the window */
  scanned: Uint8Array;
}

export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

export interface Window {
  /** core: the cells this window answers for; input: core plus margin (clipped), both in resampled px */
  core: { x: number; y: number; w: number; h: number };
  input: { x: number; y: number; w: number; h: number };
}

/** What detectFrame needs of the aerial model (server/src/model/aerialModel.ts implements it; tests use stand-ins). */
export interface DenseModel {
  readonly manifest: {
    name: string;
    groundResolutionCmPerPx: number;
    stride: number;
    thresholds: AerialThresholds;
  };
  /** version of the head in use (retrained heads differ from the shipped one) */
  readonly version: string;
  infer(frame: RawRgb, gate: (w: Window) => boolean): Promise<CellMaps & { windows: number; gatedWindows: number }>;
}

/** Window core size and context margin (px): a whole 6 MP frame at once would need ~1 GB more peak memory. */
export const WINDOW_CORE_PX = 768;
export const WINDOW_MARGIN_PX = 32;

/** Windows covering a frame: cores tile the frame on the stride grid, inputs add a margin for context. */
export function planWindows(width: number, height: number, stride: number, core = WINDOW_CORE_PX, margin = WINDOW_MARGIN_PX): Window[] {
  if (core % stride) throw new Error('window cores must start on the stride grid');
  const out: Window[] = [];
  for (let y = 0; y < height; y += core) {
    for (let x = 0; x < width; x += core) {
      const c = { x, y, w: Math.min(core, width - x), h: Math.min(core, height - y) };
      const x0 = Math.max(0, x - margin);
      const y0 = Math.max(0, y - margin);
      const x1 = Math.min(width, x + c.w + margin);
      const y1 = Math.min(height, y + c.h + margin);
      out.push({ core: c, input: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } });
    }
  }
  return out;
}
