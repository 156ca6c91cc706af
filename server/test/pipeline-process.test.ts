import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { distanceM } from '../src/pipeline/geodesy.js';
import { latLonToPixel } from '../src/pipeline/groundPosition.js';
import { processFrame, type TileClassifier } from '../src/pipeline/processFrame.js';
import { DEMO_DIR, demoTruth } from './helpers/demoFlight.js';

/**
 * Test double for the model: scores a tile by its share of red/pink petal-coloured pixels. It knows nothing of
 * poppies (red roofs and chilli score too); it exists to check the pipeline's geometry independently of the model.
 */
class PetalColourClassifier implements TileClassifier {
  readonly manifest = {
    name: 'petal-colour-test-double',
    version: '0',
    input: { size: 224 },
    thresholds: { droneTile: 0.5 },
    drone: { groundResolutionCmPerPx: 2, tileSize: 224, tileOverlap: 0.25 },
  };
  tilesSeen = 0;

  async classifyPixels(tiles: Buffer[], opts: { threshold?: number } = {}) {
    this.tilesSeen += tiles.length;
    return tiles.map((t) => {
      let n = 0;
      for (let i = 0; i < t.length; i += 3) if (t[i] > 140 && t[i] - t[i + 1] > 40) n++;
      const poppy = Math.min(1, (n / (t.length / 3)) * 25);
      return { poppy, isPoppy: poppy >= (opts.threshold ?? 0.5), top: [{ label: 'red_petals', score: poppy }] };
    });
  }
}

describe('processFrame', () => {
  const truth = demoTruth().filter((t) => t.kind === 'poppy');

  it('finds and places the red/pink demo plots within 1.5 m through resample, tiles, merge and camera model', async () => {
    const classifier = new PetalColourClassifier();
    const errors: Record<string, number> = {};
    for (const name of ['DJI_0003.JPG', 'DJI_0004.JPG', 'DJI_0005.JPG', 'DJI_0006.JPG', 'DJI_0008.JPG']) {
      const r = await processFrame(path.join(DEMO_DIR, name), {}, classifier);
      expect(r.camera.precise).toBe(true);
      expect(r.footprint).toHaveLength(5);
      expect(r.plan.scale).toBeCloseTo(r.camera.gsdCmPerPx! / 2, 2);
      expect(r.stats.tiles).toBe(r.plan.tiles);
      for (const k of ['metadataMs', 'decodeResampleMs', 'tileMs', 'inferMs', 'locateMs', 'totalMs'] as const) expect(r.stats[k]).toBeGreaterThanOrEqual(0);
      for (const t of truth) {
        const p = latLonToPixel(r.camera, t)!;
        const margin = (t.radiusM * 100) / r.camera.gsdCmPerPx!;
        if (p.x < margin || p.y < margin || p.x > r.camera.width - margin || p.y > r.camera.height - margin) continue;
        if (t.id === 'P3') continue; // white/mauve flowers: the colour double does not see them
        const nearest = Math.min(...r.detections.map((d) => distanceM({ lat: d.lat!, lon: d.lon! }, t)));
        errors[`${t.id}@${name}`] = nearest;
        const d = r.detections.find((x) => distanceM({ lat: x.lat!, lon: x.lon! }, t) === nearest)!;
        if (nearest > 1.5) continue; // reported below
        expect(d.locateMethod).toBe('camera');
        expect(d.errorRadiusM!).toBeGreaterThan(3);
        expect(d.box.x).toBeLessThanOrEqual(p.x);
        expect(d.box.x + d.box.w).toBeGreaterThanOrEqual(p.x);
        expect(d.box.y).toBeLessThanOrEqual(p.y);
        expect(d.box.y + d.box.h).toBeGreaterThanOrEqual(p.y);
      }
    }
    console.log('[processFrame geometry] nearest detection to each plot (m):', errors);
    expect(Object.keys(errors).length).toBeGreaterThanOrEqual(4);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(1.5);
  });

  it('skips inference on tiles without petal colours without changing what is found', async () => {
    const gated = new PetalColourClassifier();
    const all = new PetalColourClassifier();
    const file = path.join(DEMO_DIR, 'DJI_0006.JPG');
    const a = await processFrame(file, {}, gated);
    const b = await processFrame(file, {}, all, { colourGate: false });
    expect(a.stats.gatedTiles).toBeGreaterThan(a.stats.tiles / 2); // farmland: most tiles show no petals
    expect(b.stats.gatedTiles).toBe(0);
    expect(gated.tilesSeen).toBe(a.stats.tiles - a.stats.gatedTiles + a.stats.refineTiles);
    expect(a.detections.map((d) => [d.box, d.score])).toEqual(b.detections.map((d) => [d.box, d.score]));
  });

  it('still scans a frame without metadata, and says why it is unlocated', async () => {
    const bare = await sharp(path.join(DEMO_DIR, 'DJI_0003.JPG')).jpeg({ quality: 90 }).toBuffer(); // sharp drops metadata
    const classifier = new PetalColourClassifier();
    const r = await processFrame(bare, {}, classifier);
    expect(r.camera.position).toBeNull();
    expect(r.camera.fallbackReason).toMatch(/^unlocated: no GPS position/);
    expect(r.footprint).toBeNull();
    expect(classifier.tilesSeen).toBeGreaterThan(0);
    expect(r.detections.length).toBeGreaterThan(0);
    expect(r.detections.every((d) => d.lat === null && d.errorRadiusM === null)).toBe(true);
  });

  it('rejects bytes that are not an image, and truncated JPEGs', async () => {
    await expect(processFrame(Buffer.from('garbage'), {}, new PetalColourClassifier())).rejects.toThrow();
    const truncated = fs.readFileSync(path.join(DEMO_DIR, 'DJI_0001.JPG')).subarray(0, 200_000);
    await expect(processFrame(truncated, {}, new PetalColourClassifier())).rejects.toThrow(/premature|truncated|end of|corrupt/i);
  });
});
