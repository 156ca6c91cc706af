import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../src/model/classifier.js';
import { defaultManifestPath } from '../src/model/manifest.js';
import { distanceM } from '../src/pipeline/geodesy.js';
import { latLonToPixel } from '../src/pipeline/groundPosition.js';
import { processFrame, type FrameResult } from '../src/pipeline/processFrame.js';
import { resampleFrame } from '../src/pipeline/resample.js';
import { cutTile } from '../src/pipeline/tilePlan.js';
import { DEMO_DIR, demoTruth, type TruthTarget } from './helpers/demoFlight.js';

function trainedModel(): string | null {
  try {
    return defaultManifestPath();
  } catch {
    return null;
  }
}

const manifestPath = trainedModel();
if (!manifestPath) console.warn('[skip] "trained model on the demo flight": no models/*.json manifest yet (npm run train)');

/** Two frames that between them show three of the five drawn plots (red, white/mauve, red/pink). */
const FRAMES = ['DJI_0003.JPG', 'DJI_0006.JPG'];

interface Sighting {
  plot: TruthTarget;
  frame: string;
  nearestM: number | null;
  score: number | null;
}

describe.skipIf(!manifestPath)('trained model on the demo flight', () => {
  let classifier: Classifier;
  const results = new Map<string, FrameResult>();
  const sightings: Sighting[] = [];
  const truth = demoTruth().filter((t) => t.kind === 'poppy');

  beforeAll(async () => {
    classifier = await Classifier.load({ manifestPath: manifestPath! });
    for (const name of FRAMES) {
      const r = await processFrame(path.join(DEMO_DIR, name), {}, classifier);
      results.set(name, r);
      for (const t of truth) {
        const p = latLonToPixel(r.camera, t)!;
        const margin = (t.radiusM * 100) / r.camera.gsdCmPerPx!;
        if (p.x < margin || p.y < margin || p.x > r.camera.width - margin || p.y > r.camera.height - margin) continue;
        const near = r.detections.map((d) => ({ d, m: distanceM({ lat: d.lat!, lon: d.lon! }, t) })).sort((a, b) => a.m - b.m)[0];
        sightings.push({ plot: t, frame: name, nearestM: near?.m ?? null, score: near?.d.score ?? null });
      }
    }
  }, 180_000);
  afterAll(async () => classifier?.dispose());

  it('places every detection made on a drawn plot within 1.5 m of the plot centre', () => {
    for (const [name, r] of results) {
      for (const d of r.detections) {
        const plot = truth.find((t) => distanceM({ lat: d.lat!, lon: d.lon! }, t) <= t.radiusM + 3);
        if (plot) expect(distanceM({ lat: d.lat!, lon: d.lon! }, plot), `${plot.id} in ${name}`).toBeLessThanOrEqual(1.5);
      }
    }
  });

  // The shipped model scores the drawn plots 0.28–0.38, below its drone tile threshold (0.54): it does not yet
  // recognise these drawn opium poppies (models/README.md says so). This test prints recall and every score, keeps
  // the drawn plots ranked as candidates (a regression floor), and checks that nothing is detected away from them.
  it('scores every drawn plot in view as a candidate and detects nothing away from them (recall printed)', async () => {
    const lines: string[] = [];
    const plotTileScores = new Map<string, number>();
    for (const s of sightings) {
      const r = results.get(s.frame)!;
      let line = `${s.plot.id} (${s.plot.description}) in ${s.frame}: ${s.nearestM === null ? 'no detection in the frame' : `nearest detection ${s.nearestM.toFixed(2)} m, score ${s.score!.toFixed(3)}`}`;
      if (s.nearestM === null || s.nearestM > 1.5) {
        // what the model says about a tile centred on the plot, so a miss is reported with its score
        const f = await resampleFrame(path.join(DEMO_DIR, s.frame), r.plan.resampledWidth, r.plan.resampledHeight);
        const p = latLonToPixel(r.camera, s.plot)!;
        const size = r.plan.tileSize;
        const x = Math.max(0, Math.min(f.width - size, Math.round((p.x * f.width) / r.camera.width - size / 2)));
        const y = Math.max(0, Math.min(f.height - size, Math.round((p.y * f.height) / r.camera.height - size / 2)));
        const [c] = await classifier.classifyPixels([cutTile(f.data, f.width, f.height, { x, y, w: size, h: size })]);
        plotTileScores.set(`${s.plot.id}@${s.frame}`, c.poppy);
        line += `; tile centred on it: poppy ${c.poppy.toFixed(3)} (threshold ${r.model.threshold}), top ${c.top.map((l) => `${l.label} ${l.score.toFixed(2)}`).join(', ')}`;
      }
      lines.push(line);
    }
    for (const [name, r] of results) {
      const away = r.detections.filter((d) => truth.every((t) => distanceM({ lat: d.lat!, lon: d.lon! }, t) > t.radiusM + 3));
      lines.push(`${name}: ${r.detections.length} detections, ${away.length} away from every poppy plot; ${r.stats.gatedTiles}/${r.stats.tiles} tiles gated; ${r.stats.totalMs.toFixed(0)} ms`);
    }
    console.log(`[model ${classifier.manifest.name}-${classifier.manifest.version} on the drawn demo plots]\n  ${lines.join('\n  ')}`);
    expect(sightings.length).toBeGreaterThanOrEqual(3);
    const found = sightings.filter((s) => s.nearestM !== null && s.nearestM <= 1.5).length;
    console.log(`  recall on drawn plots: ${found}/${sightings.length}`);
    for (const s of sightings) {
      if (s.nearestM !== null && s.nearestM <= 1.5) continue;
      expect(plotTileScores.get(`${s.plot.id}@${s.frame}`), lines.join('\n')).toBeGreaterThanOrEqual(0.2);
    }
    for (const [name, r] of results) {
      const away = r.detections.filter((d) => truth.every((t) => distanceM({ lat: d.lat!, lon: d.lon! }, t) > t.radiusM + 3));
      expect(away.length, `${name}: detections away from every poppy plot`).toBe(0);
    }
  });
});
