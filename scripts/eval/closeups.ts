import path from 'node:path';
import type { Classifier } from '../../server/src/model/classifier.js';
import { bestRecallWithinFpr, macro, perClass, ratesAt, rocAuc, wilson, type BinaryRates, type ClassRow } from './metrics.js';
import type { SplitRow } from './split.js';

export interface CloseupEval {
  images: number;
  failed: { file: string; error: string }[];
  perClass: ClassRow[];
  top1Accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  poppyRocAuc: number;
  atThreshold: BinaryRates & { recallCi95: [number, number]; fprCi95: [number, number] };
  /** best recall reachable while keeping FPR ≤ 0.05 (what a retuned threshold could give) */
  bestAtFpr05: BinaryRates;
  /** poppy-group images scored below the threshold, and other images at or above it */
  misses: { file: string; label: string; poppy: number; top: string }[];
  falseAlarms: { file: string; label: string; poppy: number; top: string }[];
  seconds: number;
}

/** Real close-up photos of the test split, classified exactly as served (classifyFiles), poppy group vs rest. */
export async function evalCloseups(classifier: Classifier, rows: SplitRow[], sharedDir: string): Promise<CloseupEval> {
  const { labels, thresholds } = classifier.manifest;
  const kind = new Map(labels.map((l) => [l.id, l.kind]));
  const group = new Map(labels.map((l) => [l.id, l.group]));
  const test = rows.filter((r) => r.split === 'test' && kind.get(r.label) === 'closeup');
  const unknown = rows.filter((r) => r.split === 'test' && !kind.has(r.label));
  if (unknown.length > 0) throw new Error(`split labels not in the manifest: ${[...new Set(unknown.map((r) => r.label))].join(', ')}`);

  const started = performance.now();
  const settled = await classifier.classifyFilesSettled(
    test.map((r) => path.join(sharedDir, r.file)),
    { topK: 1 },
  );
  const seconds = (performance.now() - started) / 1000;
  const failed: CloseupEval['failed'] = [];
  const truth: string[] = [];
  const predicted: string[] = [];
  const scores: number[] = [];
  const positive: boolean[] = [];
  const kept: SplitRow[] = [];
  settled.forEach((s, i) => {
    if (!s.ok) {
      failed.push({ file: test[i].file, error: s.error.message });
      return;
    }
    kept.push(test[i]);
    truth.push(test[i].label);
    predicted.push(s.result.top[0].label);
    scores.push(s.result.poppy);
    positive.push(group.get(test[i].label) === 'poppy');
  });

  const rowsOut = perClass(truth, predicted, labels);
  const at = ratesAt(scores, positive, thresholds.closeup);
  const describe = (i: number) => ({ file: kept[i].file, label: truth[i], poppy: scores[i], top: predicted[i] });
  return {
    images: kept.length,
    failed,
    perClass: rowsOut,
    top1Accuracy: truth.filter((t, i) => t === predicted[i]).length / Math.max(1, truth.length),
    macroPrecision: macro(rowsOut, 'precision'),
    macroRecall: macro(rowsOut, 'recall'),
    poppyRocAuc: rocAuc(scores, positive),
    atThreshold: {
      ...at,
      recallCi95: wilson(at.truePositives, at.positives),
      fprCi95: wilson(at.falsePositives, at.negatives),
    },
    bestAtFpr05: bestRecallWithinFpr(scores, positive, 0.05),
    misses: scores.flatMap((s, i) => (positive[i] && s < thresholds.closeup ? [describe(i)] : [])),
    falseAlarms: scores.flatMap((s, i) => (!positive[i] && s >= thresholds.closeup ? [describe(i)] : [])),
    seconds,
  };
}
