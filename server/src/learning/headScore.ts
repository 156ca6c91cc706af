import type { AerialHead, AerialThresholds } from '../model/aerialManifest.js';
import type { CellGroup } from './cells.js';
import type { HeadFigures } from '../domain/contract.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** The presence a head gives a group's best cell: a site is kept when this reaches thresholds.minScore. */
export function bestPresence(head: Pick<AerialHead, 'weights' | 'bias'>, cells: Float32Array, count: number, channels: number): number {
  const w = head.weights[0];
  let best = -Infinity;
  for (let i = 0; i < count; i++) {
    let z = head.bias[0];
    const o = i * channels;
    for (let k = 0; k < channels; k++) z += w[k] * cells[o + k];
    if (z > best) best = z;
  }
  return count === 0 ? 0 : sigmoid(best);
}

/** Recall, false sites and precision of a head over labelled groups (1 = poppy plot, 0 = anything else). */
export type Figures = HeadFigures;

export function figuresOf(head: Pick<AerialHead, 'weights' | 'bias'>, groups: CellGroup[], channels: number, thresholds: Pick<AerialThresholds, 'minScore'>): Figures {
  let positives = 0;
  let negatives = 0;
  let found = 0;
  let falseSites = 0;
  for (const g of groups) {
    const kept = bestPresence(head, g.cells, g.count, channels) >= thresholds.minScore;
    if (g.label === 1) {
      positives++;
      if (kept) found++;
    } else {
      negatives++;
      if (kept) falseSites++;
    }
  }
  return {
    positives,
    negatives,
    found,
    falseSites,
    recall: positives ? found / positives : null,
    precision: found + falseSites ? found / (found + falseSites) : null,
  };
}
