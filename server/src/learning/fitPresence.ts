/**
 * Fits the presence row of the aerial head (a logistic regression over the per-cell features) to labelled groups of
 * cells, starting from the shipped row and pulled towards it. A site is kept when its BEST cell reaches the score, so
 * the loss is on each group's best cell, smoothed: Z = τ·log Σ exp(z_i/τ) over the group's cell logits z_i = w·x_i + b
 * (a soft maximum, τ = 0.5 logit), and
 *
 *   minimise  Σ_groups s_g · logloss(y_g, σ(Z_g − c))  +  λ/2 · (Σ_k σ_k² (w_k − w0_k)² + (b − b0)²)
 *
 * with c the logit of the score a site must reach (thresholds.minScore): the fit learns on which side of the
 * operating point each site falls, not a probability around 0.5 that the threshold would then misread. A confirmed
 * plot needs one convincing cell; a rejected look-alike or a frame's background must have none. Every group
 * (a site, a frame's background sample) weighs 1, and the two classes are balanced, so a large site or a frame full
 * of lawn does not outvote the rest. The pull is measured per standard deviation σ_k of each feature: λ = 1 costs as
 * much as one misjudged site for moving a feature's contribution by one logit per σ. With no data the answer is the
 * shipped row. Gauss–Newton steps (33 unknowns: the matrix is tiny) with a backtracking line search.
 */
import type { CellGroup } from './cells.js';

export interface PresenceRow {
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** strength of the pull towards the start row, in groups (default 1) */
  lambda?: number;
  /** logit of the score a group's best cell must reach to count as found (default 0: presence 0.5) */
  offset?: number;
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
const MAX_ITERATIONS = 50;
/** softness of the maximum over a group's cells, in logits */
const TAU = 0.5;

export async function fitPresence(groups: CellGroup[], channels: number, start: PresenceRow, opts: FitOptions = {}): Promise<FitResult> {
  const lambda = opts.lambda ?? DEFAULT_LAMBDA;
  const offset = opts.offset ?? 0;
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

  /** the group's soft-maximum logit Z and (into v) its gradient Σ a_i x̃_i, a = softmax(z/τ) */
  const z = new Float64Array(Math.max(1, ...used.map((g) => g.count)));
  const pooled = (theta: Float64Array, grp: CellGroup, v: Float64Array | null): number => {
    let top = -Infinity;
    for (let i = 0; i < grp.count; i++) {
      z[i] = dot(theta, grp.cells, i * channels, channels);
      if (z[i] > top) top = z[i];
    }
    let sum = 0;
    for (let i = 0; i < grp.count; i++) sum += Math.exp((z[i] - top) / TAU);
    if (v) {
      v.fill(0);
      for (let i = 0; i < grp.count; i++) {
        const a = Math.exp((z[i] - top) / TAU) / sum;
        const o = i * channels;
        for (let k = 0; k < channels; k++) v[k] += a * grp.cells[o + k];
        v[channels] += a;
      }
    }
    return top + TAU * Math.log(sum);
  };
  // log(1 + e^Z) − y Z, computed without overflow
  const loss = (Z: number, y: number) => (Z > 0 ? Z + Math.log1p(Math.exp(-Z)) : Math.log1p(Math.exp(Z))) - y * Z;

  const objective = (theta: Float64Array) => {
    let f = 0;
    for (const grp of used) f += classScale(grp.label) * loss(pooled(theta, grp, null) - offset, grp.label);
    for (let k = 0; k < d; k++) f += 0.5 * prior[k] * (theta[k] - theta0[k]) ** 2;
    return f;
  };

  let theta = Float64Array.from(theta0);
  let f = objective(theta);
  let iterations = 0;
  let converged = false;
  const g = new Float64Array(d);
  const H = new Float64Array(d * d);
  const v = new Float64Array(d);
  while (iterations < maxIterations) {
    iterations++;
    g.fill(0);
    H.fill(0);
    for (const grp of used) {
      const s = classScale(grp.label);
      const p = 1 / (1 + Math.exp(-(pooled(theta, grp, v) - offset)));
      const r = s * (p - grp.label);
      const c = s * p * (1 - p);
      for (let a = 0; a < d; a++) {
        g[a] += r * v[a];
        const ca = c * v[a];
        const row = a * d;
        for (let b = a; b < d; b++) H[row + b] += ca * v[b];
      }
    }
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
      next = theta.map((val, k) => val - t * step[k]);
      fNext = objective(next);
      if (fNext <= f) break;
      t /= 2;
    }
    const moved = Math.max(...step.map((val) => Math.abs(val * t)));
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
