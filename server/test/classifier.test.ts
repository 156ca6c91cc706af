import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier, softmax } from '../src/model/classifier.js';
import { alteredManifest, encodeTile, syntheticTiles, testManifestPath } from './helpers/model.js';

const manifestPath = testManifestPath();
if (!manifestPath) console.warn('[skip] classifier tests: no models/*.json and no ../shared backbone to test with');

describe('softmax', () => {
  it('is stable for large logits and sums to 1', () => {
    const p = softmax([1000, 1000, -1000]);
    expect(p[0]).toBeCloseTo(0.5, 12);
    expect(p[1]).toBeCloseTo(0.5, 12);
    expect(p[2]).toBe(0);
    const q = softmax(new Float32Array([0, 1, 2, 3]), 1, 3);
    expect(q.length).toBe(3);
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(q[2] / q[1]).toBeCloseTo(Math.E, 10);
  });
});

describe.skipIf(!manifestPath)('Classifier', () => {
  let classifier: Classifier;
  let size: number;
  let tiles: Buffer[];

  beforeAll(async () => {
    classifier = await Classifier.load({ manifestPath: manifestPath!, batchSize: 4, threads: 2 });
    size = classifier.manifest.input.size;
    tiles = syntheticTiles(10, size, 7);
  });
  afterAll(() => classifier?.dispose());

  it('gives the same probabilities in batches as one tile at a time', async () => {
    const batched = await classifier.probabilities(tiles);
    expect(batched).toHaveLength(tiles.length);
    for (let i = 0; i < tiles.length; i++) {
      const [single] = await classifier.probabilities([tiles[i]]);
      const maxDelta = Math.max(...single.map((p, j) => Math.abs(p - batched[i][j])));
      expect(maxDelta).toBeLessThan(1e-5);
    }
    // Tiles are different pictures, so a batching bug that repeated one tile would show here.
    expect(Math.max(...batched[0].map((p, j) => Math.abs(p - batched[1][j])))).toBeGreaterThan(1e-6);
  });

  it('returns top-k labels in descending order of score, matching the probabilities', async () => {
    const probs = await classifier.probabilities(tiles.slice(0, 3));
    const results = await classifier.classifyPixels(tiles.slice(0, 3), { topK: 5 });
    const ids = classifier.manifest.labels.map((l) => l.id);
    results.forEach((r, n) => {
      expect(r.top).toHaveLength(Math.min(5, ids.length));
      for (let i = 1; i < r.top.length; i++) expect(r.top[i - 1].score).toBeGreaterThanOrEqual(r.top[i].score);
      const best = Math.max(...probs[n]);
      expect(r.top[0].score).toBe(best);
      for (const t of r.top) expect(t.score).toBe(probs[n][ids.indexOf(t.label)]);
    });
    const all = await classifier.classifyPixels(tiles.slice(0, 1), { topK: 100_000 });
    expect(all[0].top).toHaveLength(ids.length);
    expect(all[0].top.reduce((a, t) => a + t.score, 0)).toBeCloseTo(1, 6);
  });

  it('scores poppy as the summed probability of the poppy group and applies the threshold', async () => {
    const probs = await classifier.probabilities(tiles);
    const poppyIdx = classifier.manifest.labels.flatMap((l, i) => (l.group === 'poppy' ? [i] : []));
    expect(poppyIdx.length).toBeGreaterThan(0);
    const scores = probs.map((p) => poppyIdx.reduce((a, i) => a + p[i], 0));
    const threshold = [...scores].sort((a, b) => a - b)[Math.floor(scores.length / 2)];
    const results = await classifier.classifyPixels(tiles, { threshold });
    results.forEach((r, i) => {
      expect(r.poppy).toBeCloseTo(scores[i], 12);
      expect(r.isPoppy).toBe(scores[i] >= threshold);
    });
    const byDefault = await classifier.classifyPixels(tiles.slice(0, 2));
    byDefault.forEach((r) => expect(r.isPoppy).toBe(r.poppy >= classifier.manifest.thresholds.droneTile));
  });

  it('keeps results apart when calls overlap', async () => {
    const sequential: Float64Array[][] = [];
    for (const part of [tiles.slice(0, 5), tiles.slice(5), tiles.slice(2, 9)]) sequential.push(await classifier.probabilities(part));
    const concurrent = await Promise.all([
      classifier.probabilities(tiles.slice(0, 5)),
      classifier.probabilities(tiles.slice(5)),
      classifier.probabilities(tiles.slice(2, 9)),
    ]);
    concurrent.forEach((res, k) =>
      res.forEach((p, i) => p.forEach((v, j) => expect(Math.abs(v - sequential[k][i][j])).toBeLessThan(1e-6))),
    );
  });

  it('classifies encoded files and buffers the same way, at the close-up threshold', async () => {
    const png = await encodeTile(tiles[0], size, 'png');
    const [fromFile] = await classifier.classifyFiles([png], { topK: 2 });
    const [fromPixels] = await classifier.classifyPixels([tiles[0]], { topK: 2, threshold: classifier.manifest.thresholds.closeup });
    expect(fromFile.top.map((t) => t.label)).toEqual(fromPixels.top.map((t) => t.label));
    expect(Math.abs(fromFile.poppy - fromPixels.poppy)).toBeLessThan(1e-6);
    expect(fromFile.isPoppy).toBe(fromFile.poppy >= classifier.manifest.thresholds.closeup);
  });

  it('rejects bad tiles and options with clear errors', async () => {
    await expect(classifier.classifyPixels([Buffer.alloc(10)])).rejects.toThrow(/tile #0 has 10 bytes/);
    await expect(classifier.classifyPixels([tiles[0], 'x' as unknown as Buffer])).rejects.toThrow(/tile #1 is not a Buffer/);
    await expect(classifier.classifyPixels(tiles.slice(0, 1), { topK: 0 })).rejects.toThrow(/topK must be a positive integer/);
    await expect(classifier.classifyPixels(tiles.slice(0, 1), { threshold: 1.5 })).rejects.toThrow(/threshold must be a number in \[0, 1\]/);
    await expect(classifier.classifyPixels([])).resolves.toEqual([]);
  });

  it('reports each unreadable file on its own and still classifies the rest', async () => {
    const png = await encodeTile(tiles[1], size, 'png');
    const jpeg = await encodeTile(tiles[2], size, 'jpeg');
    const inputs = [png, Buffer.from('not an image'), jpeg.subarray(0, jpeg.length >> 1), '/nonexistent/x.jpg'];
    const settled = await classifier.classifyFilesSettled(inputs);
    expect(settled.map((s) => s.ok)).toEqual([true, false, false, false]);
    const errors = settled.flatMap((s) => (s.ok ? [] : [s.error.message]));
    expect(errors[0]).toMatch(/cannot read image buffer #1: .*unsupported image format/);
    expect(errors[1]).toMatch(/cannot read image buffer #2: .*(premature end|truncated|corrupt)/i);
    expect(errors[2]).toMatch(/cannot read image \/nonexistent\/x\.jpg: .*missing/);
    await expect(classifier.classifyFiles(inputs)).rejects.toThrow(/cannot read image buffer #1/);
  });
});

describe.skipIf(!manifestPath)('Classifier.load', () => {
  it('refuses an ONNX file whose sha256 differs from the manifest', async () => {
    const bad = alteredManifest(manifestPath!, (m) => (m.sha256 = '0'.repeat(64)));
    await expect(Classifier.load({ manifestPath: bad })).rejects.toThrow(/has sha256 [0-9a-f]{64} but manifest .* expects 0{64}/);
  });

  it('names a missing ONNX file, a broken manifest and a wrong input name', async () => {
    const missing = alteredManifest(manifestPath!, (m) => (m.file = '/nonexistent/model.onnx'));
    await expect(Classifier.load({ manifestPath: missing })).rejects.toThrow(/model file \/nonexistent\/model\.onnx .* does not exist/);
    const broken = alteredManifest(manifestPath!, (m) => delete m.labels);
    await expect(Classifier.load({ manifestPath: broken })).rejects.toThrow(/cannot load model manifest .*labels/s);
    const wrongInput = alteredManifest(manifestPath!, (m) => ((m.input as { name: string }).name = 'pixels'));
    await expect(Classifier.load({ manifestPath: wrongInput })).rejects.toThrow(/manifest names input "pixels"/);
    await expect(Classifier.load({ manifestPath: manifestPath!, threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
  });

  it('fails clearly when the labels or the input size do not match the model', async () => {
    const fewer = alteredManifest(manifestPath!, (m) => ((m.labels as unknown[]).length = 2));
    await expect(Classifier.load({ manifestPath: fewer })).rejects.toThrow(/has \d+ classes but the manifest lists 2 labels/);
    const smaller = alteredManifest(manifestPath!, (m) => ((m.input as { size: number }).size = 100));
    await expect(Classifier.load({ manifestPath: smaller })).rejects.toThrow(/manifest expects \[N, 3, 100, 100\]/);
  });
});
