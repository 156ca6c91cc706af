/**
 * Fits the presence row of the aerial head (a logistic regression over the per-cell features) to labelled cell
 * groups, starting from the shipped row and pulled towards it:
 *
 *   minimise  Σ_groups Σ_cells s·logloss(y, σ(w·x + b))  +  λ/2 · (Σ_k σ_k² (w_k − w0_k)² + (b − b0)²)
 *
 * Every group (a site, a frame's background sample) weighs 1 in all, shared by its cells, and the two classes are
 * balanced, so a site with many cells or a frame full of lawn does not outvote the rest. The pull is measured per
 * standard deviation σ_k of each feature: λ = 1 costs as much as one misjudged site for moving a feature's
 * contribution by one logit per σ. With no data the answer is the shipped row. Newton's method with a backtracking
 * line search (33 unknowns: the Hessian is tiny); converges in a handful of iterations.
 */
import type { CellGroup } from './cells.js';

export interface PresenceRow {
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** strength of the pull towards the start row, in groups (default 1) */
  lambda?: number;
  maxIterations?: number;
  /** after each iteration; may await (the fit yields to the event loop there) */
  onIteration?: (i: number, maxIterations: number, objective: number) => void | Promise<void>;
}

export interface FitResult extends PresenceRow {
  iterations: number;
  objective: number;
  converged: boolean;
  cells: number;
  groups: { positive: number; negative: number };
}

export const DEFAULT_LAMBDA = 1;
const MAX_ITERATIONS = 30;

export async function fitPresence(groups: CellGroup[], channels: number, start: PresenceRow, opts: FitOptions = {}): Promise<FitResult> {
  const lambda = opts.lambda ?? DEFAULT_LAMBDA;
  const maxIterations = opts.maxIterations ?? MAX_ITERATIONS;
  const d = channels + 1;
  const theta0 = Float64Array.from([...start.weights, start.bias]);
  const used = groups.filter((g) => g.count > 0);
  const positive = used.filter((g) => g.label === 1).length;
  const negative = used.length - positive;
  const cells = used.reduce((s, g) => s + g.count, 0);
  if (used.length === 0) return { ...start, weights: [...start.weights], iterations: 0, objective: 0, converged: true, cells: 0, groups: { positive, negative } };

  // class balance: each class carries half of the groups' total weight (when both are present)
  const classScale = (label: 0 | 1) => (positive && negative ? used.length / 2 / (label === 1 ? positive : negative) : 1);
  const scale = computeScale(used, channels);
  const prior = new Float64Array(d);
  for (let k = 0; k < channels; k++) prior[k] = lambda * scale[k] * scale[k];
  prior[channels] = lambda;

  const objective = (theta: Float64Array) => {
    let f = 0;
    forEachCell(used, channels, classScale, (x, o, y, s) => {
      const z = dot(theta, x, o, channels);
      // log(1 + e^z) − y z, computed without overflow
      f += s * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z);
    });
    for (let k = 0; k < d; k++) f += 0.5 * prior[k] * (theta[k] - theta0[k]) ** 2;
    return f;
  };

  let theta = Float64Array.from(theta0);
  let f = objective(theta);
  let iterations = 0;
  let converged = false;
  const g = new Float64Array(d);
  const H = new Float64Array(d * d);
  const xi = new Float64Array(d);
  while (iterations < maxIterations) {
    iterations++;
    g.fill(0);
    H.fill(0);
    forEachCell(used, channels, classScale, (x, o, y, s) => {
      const z = dot(theta, x, o, channels);
      const p = 1 / (1 + Math.exp(-z));
      const r = s * (p - y);
      const c = s * p * (1 - p);
      for (let k = 0; k < channels; k++) xi[k] = x[o + k];
      xi[channels] = 1;
      for (let a = 0; a < d; a++) {
        const va = xi[a];
        g[a] += r * va;
        const ca = c * va;
        const row = a * d;
        for (let b = a; b < d; b++) H[row + b] += ca * xi[b];
      }
    });
    for (let a = 0; a < d; a++) {
      g[a] += prior[a] * (theta[a] - theta0[a]);
      H[a * d + a] += prior[a];
      for (let b = 0; b < a; b++) H[a * d + b] = H[b * d + a];
    }
    const step = solveSpd(H, g, d);
    let t = 1;
    let next = theta;
    let fNext = f;
    while (t > 1e-6) {
      next = theta.map((v, k) => v - t * step[k]);
      fNext = objective(next);
      if (fNext <= f) break;
      t /= 2;
    }
    const moved = Math.max(...step.map((v) => Math.abs(v * t)));
    const gained = f - fNext;
    if (fNext <= f) {
      theta = next;
      f = fNext;
    }
    await opts.onIteration?.(iterations, maxIterations, f);
    if (moved < 1e-7 || gained <= 1e-10 * Math.max(1, Math.abs(f))) {
      converged = true;
      break;
    }
  }
  return { weights: Array.from(theta.subarray(0, channels)), bias: theta[channels], iterations, objective: f, converged, cells, groups: { positive, negative } };
}

function dot(theta: Float64Array, x: Float32Array, o: number, channels: number): number {
  let z = theta[channels];
  for (let k = 0; k < channels; k++) z += theta[k] * x[o + k];
  return z;
}

function forEachCell(groups: CellGroup[], channels: number, classScale: (l: 0 | 1) => number, fn: (x: Float32Array, offset: number, y: number, weight: number) => void): void {
  for (const grp of groups) {
    const s = classScale(grp.label) / grp.count;
    for (let i = 0; i < grp.count; i++) fn(grp.cells, i * channels, grp.label, s);
  }
}

/** Standard deviation of each feature over all cells (floored, so a constant feature is still held in place). */
function computeScale(groups: CellGroup[], channels: number): Float64Array {
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  let n = 0;
  for (const grp of groups) {
    for (let i = 0; i < grp.count; i++) {
      for (let k = 0; k < channels; k++) {
        const v = grp.cells[i * channels + k];
        sum[k] += v;
        sq[k] += v * v;
      }
      n++;
    }
  }
  return sum.map((s, k) => Math.max(1e-3, Math.sqrt(Math.max(0, sq[k] / n - (s / n) ** 2))));
}

/** Solves H x = g for a symmetric positive definite H (Cholesky). */
function solveSpd(H: Float64Array, g: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * d + j];
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * y[k];
    y[i] = s / L[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * x[k];
    x[i] = s / L[i * d + i];
  }
  return x;
}
