// Issue 13's budget: a retraining on 1,000 reviewed sites (48 stored cells × 32 channels each, one frame each with
// its 64 background cells) finishes within 60 s on this 2-core machine: reading the store, fitting, reporting,
// writing the version. Reports the time it took.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrainAerialHead, type RetrainProgress } from '../src/learning/retrain.js';
import { loadAerialManifest } from '../src/model/aerialManifest.js';
import { tempDataDir } from './helpers/server.js';
import { openTestStore, type TestStore } from './helpers/testStore.js';

const C = 32;
const dir = tempDataDir('poppy-scale-');
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

function manifest32(): string {
  const file = path.join(dir, 'scale-aerial-1.0.0.json');
  const row = (s: number) => Array.from({ length: C }, (_, k) => Math.sin(k * s) * 0.2);
  fs.writeFileSync(file, JSON.stringify({
    kind: 'aerial', name: 'scale-aerial', version: '1.0.0', file: 'none.onnx', sha256: 'b'.repeat(64),
    input: { name: 'input', layout: 'NCHW', channelOrder: 'RGB', dtype: 'float32', multipleOf: 8 },
    outputs: { features: 'features', maps: 'maps', channels: ['p', 'h', 'o'] },
    groundResolutionCmPerPx: 2, stride: 8, featureChannels: C, labels: [],
    head: { version: '1.0.0', weights: [row(1), row(2), row(3)], bias: [-0.5, 0, 0] },
    thresholds: { presence: 0.5, minHeads: 3, minScore: 0.6 },
  }));
  return file;
}

async function seed(sites: number) {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cells = (n: number, shift: number) => Float32Array.from({ length: n * C }, (_, i) => rand() * 2 + (i % C === 3 ? shift : 0));
  await store.tx(async () => {
    for (let f = 0; f < 10; f++) {
      const flight = await store.flights.create({ name: `scale ${f}` });
      for (let i = 0; i < sites / 10; i++) {
        const { image } = await store.images.insertOrGet({ flightId: flight.id, name: `f${f}-${i}.jpg`, sha256: `${f}-${i}`.padStart(64, '0'), sizeBytes: 1, mime: 'image/jpeg' });
        const poppy = i % 2 === 0;
        const det = await store.detections.insert({ imageId: image.id, flightId: flight.id, box: { x: 0, y: 0, w: 1, h: 1 }, score: 0.7, lat: 24 + f, lon: 102 + i * 1e-3, errorRadiusM: 1, top: [], modelVersion: 'scale-aerial-1.0.0', seenAt: null });
        await store.detections.saveFeatures({ imageId: image.id, detectionId: det.id, modelVersion: 'scale-aerial-1.0.0', cells: 48, channels: C, data: cells(48, poppy ? 1 : -1) });
        await store.detections.saveFeatures({ imageId: image.id, detectionId: null, modelVersion: 'scale-aerial-1.0.0', cells: 64, channels: C, data: cells(64, -2) });
        const site = await store.sites.create({ flightId: flight.id, source: 'drone', lat: 24 + f, lon: 102 + i * 1e-3, errorRadiusM: 1, score: 0.7, bestDetectionId: det.id, modelVersion: 'scale-aerial-1.0.0', topLabel: null });
        await store.detections.attachToSite(det.id, site.id);
        await store.sites.review(site.id, { decision: poppy ? 'confirmed' : 'rejected', actor: { id: null, username: 'scale' } });
      }
    }
  });
}

describe('retraining at scale', () => {
  it('1,000 reviewed sites in under 60 s, with progress', async () => {
    await seed(1000);
    const progress: RetrainProgress[] = [];
    const t0 = performance.now();
    const rec = await retrainAerialHead({ store, manifest: loadAerialManifest(manifest32()), actor: null, onProgress: (p) => progress.push(p) });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`retraining on 1,000 sites (${(rec.summary as { fit: { cells: number } }).fit.cells} training cells): ${seconds.toFixed(2)} s, ${progress.length} progress reports`);
    expect(seconds).toBeLessThan(60);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['gathering', 'fitting', 'reporting', 'saving']));
    expect(progress.every((p, i) => i === 0 || p.fraction >= progress[i - 1].fraction)).toBe(true);
    const gate = (rec.report as { gate: { sites: number } }).gate;
    expect(gate.sites).toBe(200);
  }, 120_000);
});
