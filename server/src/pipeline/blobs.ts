import type { AerialThresholds } from '../model/aerialManifest.js';
import type { CellMaps } from './denseModel.js';
import { WeightedCentre } from '../util/weightedCentre.js';

/** A connected patch of poppy cells in one frame, in resampled pixels. */
export interface Blob {
  /** cell indices (row * cols + col) above the presence threshold */
  cells: number[];
  /** heads-weighted centre */
  centre: { x: number; y: number };
  box: { x: number; y: number; w: number; h: number };
  /** convex outline of the cells, clockwise in image axes */
  outline: Array<[number, number]>;
  /** estimated visible poppy heads (the density map summed over the blob and its one-cell rim) */
  heads: number;
  otherHeads: number;
  /** highest cell presence */
  score: number;
  /** mean cell presence */
  meanPresence: number;
}

const NEIGHBOURS = [-1, 0, 1];

/**
 * Presence map → blobs. Cells at or above the presence threshold are joined when they lie within two cells of each
 * other (a sparse plot is one plot); a blob is kept when it holds at least minHeads heads and reaches minScore.
 */
export function findBlobs(maps: CellMaps, t: AerialThresholds): Blob[] {
  const { cols, rows, stride, presence, poppyHeads, otherHeads } = maps;
  const n = cols * rows;
  const hot = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (presence[i] >= t.presence) hot[i] = 1;
  const label = new Int32Array(n).fill(-1);
  const blobs: Blob[] = [];
  const stack: number[] = [];
  for (let start = 0; start < n; start++) {
    if (!hot[start] || label[start] >= 0) continue;
    const id = blobs.length;
    const cells: number[] = [];
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      cells.push(i);
      const r = Math.floor(i / cols);
      const c = i - r * cols;
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if (rr < 0 || cc < 0 || rr >= rows || cc >= cols) continue;
          const j = rr * cols + cc;
          if (hot[j] && label[j] < 0) {
            label[j] = id;
            stack.push(j);
          }
        }
      }
    }
    blobs.push(describe(cells, maps));
  }
  return blobs.filter((b) => b.heads >= t.minHeads && b.score >= t.minScore).sort((a, b) => b.score - a.score || b.heads - a.heads);

  function describe(cells: number[], m: CellMaps): Blob {
    const rim = new Set<number>();
    let score = 0;
    let sumP = 0;
    let c0 = Infinity;
    let r0 = Infinity;
    let c1 = -Infinity;
    let r1 = -Infinity;
    for (const i of cells) {
      const r = Math.floor(i / cols);
      const c = i - r * cols;
      score = Math.max(score, m.presence[i]);
      sumP += m.presence[i];
      c0 = Math.min(c0, c);
      c1 = Math.max(c1, c);
      r0 = Math.min(r0, r);
      r1 = Math.max(r1, r);
      for (const dr of NEIGHBOURS) {
        for (const dc of NEIGHBOURS) {
          const rr = r + dr;
          const cc = c + dc;
          if (rr >= 0 && cc >= 0 && rr < rows && cc < cols) rim.add(rr * cols + cc);
        }
      }
    }
    let heads = 0;
    let other = 0;
    const weighted = new WeightedCentre();
    for (const i of rim) {
      const r = Math.floor(i / cols);
      const c = i - r * cols;
      heads += poppyHeads[i];
      other += otherHeads[i];
      weighted.add((c + 0.5) * stride, (r + 0.5) * stride, poppyHeads[i]);
    }
    const centre = (heads > 0 && weighted.centre()) || { x: ((c0 + c1 + 1) / 2) * stride, y: ((r0 + r1 + 1) / 2) * stride };
    return {
      cells,
      centre,
      box: { x: c0 * stride, y: r0 * stride, w: (c1 - c0 + 1) * stride, h: (r1 - r0 + 1) * stride },
      outline: convexHull(cellCorners(cells, cols, stride)),
      heads,
      otherHeads: other,
      score,
      meanPresence: sumP / cells.length,
    };
  }
}

function cellCorners(cells: number[], cols: number, stride: number): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (const i of cells) {
    const r = Math.floor(i / cols);
    const c = i - r * cols;
    pts.push([c * stride, r * stride], [(c + 1) * stride, r * stride], [(c + 1) * stride, (r + 1) * stride], [c * stride, (r + 1) * stride]);
  }
  return pts;
}

/** Andrew's monotone chain; returns the hull without repeating the first point. */
export function convexHull(points: Array<[number, number]>): Array<[number, number]> {
  const pts = [...new Map(points.map((p) => [`${p[0]},${p[1]}`, p])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Array<[number, number]> = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Array<[number, number]> = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}
