import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Classifier } from '../src/model/classifier.js';
import { defaultManifestPath, loadManifest } from '../src/model/manifest.js';
import { describeWithShared, REQUIRE_SHARED, sharedPath } from './helpers/shared.js';

/** Python (torch) probabilities for real images, written by training next to the shipped model. */
interface Reference {
  model: { name: string; version: string; sha256: string };
  /** label ids in the order of probs, when the reference names them */
  labels?: string[];
  images: { file: string; probs: number[]; poppy: number }[];
}

const TOLERANCE = 1e-3;

function shippedManifest(): string | null {
  try {
    return defaultManifestPath();
  } catch (err) {
    if (REQUIRE_SHARED) throw err;
    console.warn(`[skip] Node/Python agreement: ${(err as Error).message}`);
    return null;
  }
}

describeWithShared('Node and Python agree on the shipped model', () => {
  const manifestPath = shippedManifest();
  if (!manifestPath) {
    it.skip('needs a trained model in models/');
    return;
  }
  const manifest = loadManifest(manifestPath);
  const referencePath = path.join(path.dirname(manifestPath), `${manifest.name}-${manifest.version}.reference.json`);
  let reference: Reference;
  let classifier: Classifier;

  beforeAll(async () => {
    if (!fs.existsSync(referencePath)) throw new Error(`no Python reference outputs at ${referencePath}; rerun training`);
    reference = JSON.parse(fs.readFileSync(referencePath, 'utf8'));
    classifier = await Classifier.load({ manifestPath });
  });
  afterAll(() => classifier?.dispose());

  it('has a reference made with this very model file', () => {
    expect(reference.model.name).toBe(manifest.name);
    expect(reference.model.version).toBe(manifest.version);
    expect(reference.model.sha256, `${referencePath} is stale: it was computed with another ONNX file`).toBe(manifest.sha256);
    expect(reference.images.length).toBeGreaterThanOrEqual(5);
    if (reference.labels) expect(reference.labels, 'reference label order').toEqual(manifest.labels.map((l) => l.id));
  });

  it(`matches torch within ${TOLERANCE} on every probability of every reference image`, async () => {
    const ids = manifest.labels.map((l) => l.id);
    const files = reference.images.map((img) => sharedPath(img.file));
    for (const f of files) expect(fs.existsSync(f), `reference image ${f} missing from ../shared`).toBe(true);
    const results = await classifier.classifyFiles(files, { topK: ids.length });
    let worst = { delta: 0, file: '', label: '' };
    results.forEach((r, n) => {
      const ref = reference.images[n];
      expect(ref.probs).toHaveLength(ids.length);
      const byLabel = new Map(r.top.map((t) => [t.label, t.score]));
      ids.forEach((id, j) => {
        const delta = Math.abs(byLabel.get(id)! - ref.probs[j]);
        if (delta > worst.delta) worst = { delta, file: ref.file, label: id };
      });
      const poppyDelta = Math.abs(r.poppy - ref.poppy);
      if (poppyDelta > worst.delta) worst = { delta: poppyDelta, file: ref.file, label: 'poppy score' };
    });
    console.info(`Node vs torch on ${results.length} images: max |Δp| = ${worst.delta.toExponential(2)} (${worst.file}, ${worst.label})`);
    expect(worst.delta, `max |Δp| at ${worst.file} (${worst.label})`).toBeLessThanOrEqual(TOLERANCE);
  });
});
