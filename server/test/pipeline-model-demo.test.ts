import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../src/model/classifier.js';
import { defaultManifestPath } from '../src/model/manifest.js';
import { distanceM } from '../src/pipeline/geodesy.js';
import { latLonToPixel } from '../src/pipeline/groundPosition.js';
import { processFrame } from '../src/pipeline/processFrame.js';
import { resampleFrame } from '../src/pipeline/resample.js';
import { cutTile } from '../src/pipeline/tilePlan.js';
import { DEMO_DIR, demoTruth } from './helpers/demoFlight.js';

function trainedModel(): string | null {
  try {
    return defaultManifestPath();
  } catch {
    return null;
  }
}

const manifestPath = trainedModel();
if (!manifestPath) console.warn('[skip] "trained model on the demo flight": no models/*.json manifest yet (npm run train)');

/** Two frames that between them show four of the five drawn plots. */
const FRAMES = ['DJI_0003.JPG', 'DJI_0006.JPG'];

describe.skipIf(!manifestPath)('trained model on the demo flight', () => {
  let classifier: Classifier;
  beforeAll(async () => {
    classifier = await Classifier.load({ manifestPath: manifestPath! });
  });
  afterAll(async () => classifier?.dispose());

  it('detects the drawn poppy plots and places them within 1.5 m of the truth', { timeout: 180_000 }, async () => {
    const truth = demoTruth().filter((t) => t.kind === 'poppy');
    const report: string[] = [];
    const misses: string[] = [];
    for (const name of FRAMES) {
      const r = await processFrame(path.join(DEMO_DIR, name), {}, classifier);
      for (const t of truth) {
        const p = latLonToPixel(r.camera, t)!;
        const margin = (t.radiusM * 100) / r.camera.gsdCmPerPx!;
        if (p.x < margin || p.y < margin || p.x > r.camera.width - margin || p.y > r.camera.height - margin) continue;
        const near = r.detections
          .map((d) => ({ d, dist: distanceM({ lat: d.lat!, lon: d.lon! }, t) }))
          .sort((a, b) => a.dist - b.dist)[0];
        report.push(`${t.id}@${name}: ${near ? `nearest detection ${near.dist.toFixed(2)} m, score ${near.d.score.toFixed(3)} (${near.d.top[0]?.label})` : 'no detection in frame'}`);
        if (!near || near.dist > 1.5) {
          misses.push(t.id);
          // what the model says about a tile centred on the plot, to report a miss with its score
          const f = await resampleFrame(path.join(DEMO_DIR, name), r.plan.resampledWidth, r.plan.resampledHeight);
          const size = r.plan.tileSize;
          const x = Math.max(0, Math.min(f.width - size, Math.round(p.x * r.plan.scale - size / 2)));
          const y = Math.max(0, Math.min(f.height - size, Math.round(p.y * r.plan.scale - size / 2)));
          const [c] = await classifier.classifyPixels([cutTile(f.data, f.width, f.height, { x, y, w: size, h: size })]);
          report.push(`  tile centred on ${t.id}: poppy ${c.poppy.toFixed(3)}, top ${c.top.map((l) => `${l.label} ${l.score.toFixed(2)}`).join(', ')}`);
        }
      }
      const falseHits = r.detections.filter((d) => truth.every((t) => distanceM({ lat: d.lat!, lon: d.lon! }, t) > t.radiusM + 3));
      report.push(`${name}: ${r.detections.length} detections, ${falseHits.length} away from any poppy plot (${falseHits.map((d) => d.score.toFixed(2)).join(', ')}), ${r.stats.totalMs.toFixed(0)} ms`);
    }
    console.log(`[model ${classifier.manifest.name}-${classifier.manifest.version} on demo plots]\n  ${report.join('\n  ')}`);
    expect(misses, report.join('; ')).toEqual([]);
  });
});
