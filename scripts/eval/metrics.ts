/** Plain evaluation arithmetic: no I/O, no model. */

export interface ClassRow {
  label: string;
  group: 'poppy' | 'other';
  /** test images whose true label this is */
  support: number;
  /** test images predicted (top-1) as this label */
  predicted: number;
  truePositives: number;
  /** null when the class was never predicted (precision undefined) */
  precision: number | null;
  /** null when the class has no test images */
  recall: number | null;
}

/** Per-class precision and recall of top-1 predictions, for every label that occurs as truth or prediction. */
export function perClass(truth: string[], predicted: string[], labels: { id: string; group: 'poppy' | 'other' }[]): ClassRow[] {
  const rows = new Map(labels.map((l) => [l.id, { label: l.id, group: l.group, support: 0, predicted: 0, truePositives: 0 }]));
  truth.forEach((t, i) => {
    const p = predicted[i];
    rows.get(t)!.support++;
    rows.get(p)!.predicted++;
    if (t === p) rows.get(t)!.truePositives++;
  });
  return [...rows.values()]
    .filter((r) => r.support > 0 || r.predicted > 0)
    .map((r) => ({
      ...r,
      precision: r.predicted > 0 ? r.truePositives / r.predicted : null,
      recall: r.support > 0 ? r.truePositives / r.support : null,
    }));
}

/** Mean of the defined values of one column (macro average). */
export function macro(rows: ClassRow[], key: 'precision' | 'recall'): number {
  const values = rows.map((r) => r[key]).filter((v): v is number => v !== null);
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** ROC AUC = P(score of a random positive > score of a random negative), ties counted half (Mann–Whitney). */
export function rocAuc(scores: number[], positive: boolean[]): number {
  const order = scores.map((s, i) => ({ s, p: positive[i] })).sort((a, b) => a.s - b.s);
  let rankSumPositives = 0;
  let nPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].s === order[i].s) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k].p) {
      rankSumPositives += averageRank;
      nPos++;
    }
    i = j;
  }
  const nNeg = order.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPositives - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface BinaryRates {
  threshold: number;
  positives: number;
  negatives: number;
  truePositives: number;
  falsePositives: number;
  recall: number;
  falsePositiveRate: number;
  precision: number | null;
}

/** Recall and false-positive rate when scores ≥ threshold are called positive. */
export function ratesAt(scores: number[], positive: boolean[], threshold: number): BinaryRates {
  let tp = 0;
  let fp = 0;
  let pos = 0;
  scores.forEach((s, i) => {
    if (positive[i]) pos++;
    if (s >= threshold) positive[i] ? tp++ : fp++;
  });
  const neg = scores.length - pos;
  return {
    threshold,
    positives: pos,
    negatives: neg,
    truePositives: tp,
    falsePositives: fp,
    recall: pos > 0 ? tp / pos : NaN,
    falsePositiveRate: neg > 0 ? fp / neg : NaN,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
  };
}

/** The operating point with the highest recall whose false-positive rate stays within maxFpr. */
export function bestRecallWithinFpr(scores: number[], positive: boolean[], maxFpr: number): BinaryRates {
  const candidates = [...new Set(scores)].sort((a, b) => b - a);
  let best = ratesAt(scores, positive, Infinity);
  for (const t of candidates) {
    const r = ratesAt(scores, positive, t);
    if (r.falsePositiveRate > maxFpr) break;
    best = r;
  }
  return best;
}

/** Wilson score interval (95 %) of a proportion k/n, so small test sets are read with their uncertainty. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [NaN, NaN];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
