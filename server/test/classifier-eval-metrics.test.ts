import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestRecallWithinFpr, macro, perClass, ratesAt, rocAuc, wilson } from '../../scripts/eval/metrics.js';
import type { CloseupEval } from '../../scripts/eval/closeups.js';
import { closeupGoal, throughputGoal } from '../../scripts/eval/goals.js';
import type { EvalResult } from '../../scripts/eval/report.js';
import type { ThroughputEval } from '../../scripts/eval/throughput.js';
import { writeCardSection, writeManifestMetrics } from '../../scripts/eval/write.js';
import { loadManifest } from '../src/model/manifest.js';

describe('evaluation metrics', () => {
  it('computes ROC AUC as the probability a positive outranks a negative, ties counting half', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0);
    // positives 0.9, 0.4 vs negatives 0.5, 0.4: pairs (0.9>0.5) (0.9>0.4) (0.4<0.5) (0.4=0.4 → ½) = 2.5 / 4
    expect(rocAuc([0.9, 0.4, 0.5, 0.4], [true, true, false, false])).toBeCloseTo(0.625, 12);
    expect(rocAuc([0.5, 0.6], [true, true])).toBeNaN();
  });

  it('counts recall and false-positive rate at a threshold (score ≥ threshold is positive)', () => {
    const r = ratesAt([0.9, 0.5, 0.3, 0.5, 0.1], [true, true, true, false, false], 0.5);
    expect(r).toMatchObject({ positives: 3, negatives: 2, truePositives: 2, falsePositives: 1 });
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.falsePositiveRate).toBe(0.5);
    expect(r.precision).toBeCloseTo(2 / 3, 12);
  });

  it('finds the best recall that keeps the false-positive rate within a bound', () => {
    const scores = [0.95, 0.9, 0.85, 0.7, 0.6, 0.3, 0.2, 0.1];
    const positive = [true, true, false, true, false, true, false, false];
    const best = bestRecallWithinFpr(scores, positive, 0.25);
    expect(best.threshold).toBe(0.7);
    expect(best.recall).toBe(0.75);
    expect(best.falsePositiveRate).toBe(0.25);
  });

  it('gives per-class precision and recall of top-1 predictions', () => {
    const labels = [
      { id: 'corn_poppy', group: 'poppy' as const },
      { id: 'daisy', group: 'other' as const },
      { id: 'rose', group: 'other' as const },
      { id: 'tulip', group: 'other' as const },
    ];
    const rows = perClass(['corn_poppy', 'corn_poppy', 'daisy', 'rose'], ['corn_poppy', 'daisy', 'daisy', 'corn_poppy'], labels);
    const by = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(Object.keys(by).sort()).toEqual(['corn_poppy', 'daisy', 'rose']); // tulip: neither truth nor prediction
    expect(by.corn_poppy).toMatchObject({ support: 2, predicted: 2, truePositives: 1, precision: 0.5, recall: 0.5 });
    expect(by.daisy).toMatchObject({ support: 1, predicted: 2, precision: 0.5, recall: 1 });
    expect(by.rose).toMatchObject({ support: 1, predicted: 0, precision: null, recall: 0 });
    expect(macro(rows, 'precision')).toBe(0.5);
    expect(macro(rows, 'recall')).toBeCloseTo(0.5, 12);
  });

  it('gives Wilson intervals that contain the observed proportion', () => {
    const [lo, hi] = wilson(5, 5);
    expect(hi).toBe(1);
    expect(lo).toBeCloseTo(0.566, 2);
    const [lo2, hi2] = wilson(50, 100);
    expect(lo2).toBeLessThan(0.5);
    expect(hi2).toBeGreaterThan(0.5);
  });
});

describe('model card evaluation section', () => {
  it('replaces only the text between the eval markers, and appends the section when markers are missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-card-'));
    const card = path.join(dir, 'README.md');
    fs.writeFileSync(card, '# Model\nintro\n<!-- eval:start -->\nold figures\n<!-- eval:end -->\n## Failure modes\nkept\n');
    writeCardSection(card, '## Evaluation\nnew figures');
    expect(fs.readFileSync(card, 'utf8')).toBe(
      '# Model\nintro\n<!-- eval:start -->\n## Evaluation\nnew figures\n<!-- eval:end -->\n## Failure modes\nkept\n',
    );
    fs.writeFileSync(card, '# Model\n');
    writeCardSection(card, 'figures');
    expect(fs.readFileSync(card, 'utf8')).toBe('# Model\n\n## Evaluation\n\n<!-- eval:start -->\nfigures\n<!-- eval:end -->\n');
    expect(writeCardSection(path.join(dir, 'missing.md'), 'x')).toMatch(/does not exist/);
  });
});

describe('manifest metrics', () => {
  const manifest = {
    name: 'm', version: '1.0.0', file: 'm.onnx', sha256: 'a'.repeat(64), createdAt: '2026-11-30T00:00:00Z',
    input: { name: 'input', size: 224, layout: 'NCHW', channelOrder: 'RGB', scale: 255, mean: [0, 0, 0], std: [1, 1, 1], resize: { library: 'sharp', fit: 'cover', kernel: 'lanczos3' } },
    output: { name: 'logits', activation: 'softmax' },
    labels: [{ id: 'corn_poppy', en: 'corn poppy', zh: '虞美人', group: 'poppy', kind: 'closeup' }, { id: 'daisy', en: 'daisy', zh: '雏菊', group: 'other', kind: 'closeup' }],
    thresholds: { closeup: 0.3, closeupUncertainLow: 0.1, droneTile: 0.5 },
    drone: { groundResolutionCmPerPx: 2, tileSize: 224, tileOverlap: 0.25 },
    data: { note: 'kept' },
    metrics: { validation: { recall: 0.9 } },
    provenance: { seed: 1 },
  };
  const result = {
    model: { name: 'm', version: '1.0.0', sha256: 'a'.repeat(64), createdAt: null, drone: manifest.drone },
    evaluatedAt: '2026-11-30T03:00:00Z', machine: { cpus: 2, cpuModel: 'x', node: 'v20' }, split: 'models/m-1.0.0.split.tsv',
    closeups: null, aerial: null, synthetic: null, throughput: null,
    goals: [{ id: 'aerial', text: 't', measured: 'm', met: true, margin: '' }], skipped: [],
  } as EvalResult;

  it('sets metrics.test only, keeping every other field, training\'s validation figures and the indentation', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-metrics-'));
    const file = path.join(dir, 'm-1.0.0.json');
    fs.writeFileSync(file, `${JSON.stringify(manifest, null, 1)}\n`);
    writeManifestMetrics(file, 'a'.repeat(64), result);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('{\n "name"')).toBe(true);
    const written = JSON.parse(text);
    const { metrics, ...rest } = written;
    const { metrics: oldMetrics, ...oldRest } = manifest;
    expect(rest).toEqual(oldRest);
    expect(metrics.validation).toEqual(oldMetrics.validation);
    expect(metrics.test).toMatchObject({ evaluatedAt: '2026-11-30T03:00:00Z', split: 'test', closeup: null, goalsMet: { aerial: true } });
    expect(() => loadManifest(file)).not.toThrow();
    expect(() => writeManifestMetrics(file, 'b'.repeat(64), result)).toThrow(/changed during the evaluation/);
  });
});

describe('goal verdicts', () => {
  it('says by how many photos the close-up goal is missed', () => {
    const at = ratesAt([...Array(72).fill(0.9), ...Array(655).fill(0.1)], [...Array(72).fill(true), ...Array(655).fill(false)], 0.5);
    const c = { atThreshold: { ...at, truePositives: 68, recall: 68 / 72, falsePositives: 23, falsePositiveRate: 23 / 655 } } as unknown as CloseupEval;
    const g = closeupGoal(c);
    expect(g.met).toBe(false);
    expect(g.margin).toMatch(/recall 0\.6 points short of 0\.95 \(1 photo of 72 more would meet it\); FPR 1\.5 points under 0\.05/);
  });

  it('judges speed by the measured rate on an idle machine and flags an estimate on a busy one', () => {
    const base = { tileSize: 224, threads: 2, batchSize: 16, baselineBatch1TilesPerSecond: 90, speedup: 1.3, tilesPerCpuSecond: 60, idleEstimateTilesPerSecond: 120, tilesTimed: 1000, cpus: 2 };
    const idle = throughputGoal({ ...base, tilesPerSecond: 95, loadAverage1m: 0.5 } as ThroughputEval);
    expect(idle).toMatchObject({ met: false });
    expect(idle.estimated).toBeUndefined();
    const busy = throughputGoal({ ...base, tilesPerSecond: 40, loadAverage1m: 6 } as ThroughputEval);
    expect(busy).toMatchObject({ met: true, estimated: true });
    expect(busy.measured).toMatch(/busy.*estimate for 2 idle cores: 120 tiles\/s/);
  });
});
