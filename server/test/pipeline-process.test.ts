import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { distanceM } from '../src/pipeline/geodesy.js';
import { latLonToPixel } from '../src/pipeline/groundPosition.js';
import { detectFrame } from '../src/pipeline/detectFrame.js';
import { planWindows, type CellMaps, type DenseModel, type RawRgb, type Window } from '../src/pipeline/denseModel.js';
import { isPetalColour } from '../src/pipeline/colourGate.js';
import { DEMO_DIR, demoTruth } from './helpers/demoFlight.js';

/**
 * Test double for the aerial model: a cell's poppy presence and head count come from its petal-coloured pixels. It
 * knows nothing of poppies (cosmos and chilli count too); it checks the pipeline's geometry apart from the model.
 */
class PetalColourModel implements DenseModel {
  readonly manifest = { name: 'petal-colour-test-double', groundResolutionCmPerPx: 2, stride: 8, thresholds: { presence: 0.5, minHeads: 3, minScore: 0.5 } };
  readonly version = '0';
  windowsRun = 0;

  async infer(frame: RawRgb, gate: (w: Window) => boolean): Promise<CellMaps & { windows: number; gatedWindows: number }> {
    const { stride } = this.manifest;
    const cols = Math.ceil(frame.width / stride);
    const rows = Math.ceil(frame.height / stride);
    const n = cols * rows;
    const maps: CellMaps = { cols, rows, stride, channels: 1, presence: new Float32Array(n), poppyHeads: new Float32Array(n), otherHeads: new Float32Array(n), features: new Float32Array(n), scanned: new Uint8Array(n) };
    const windows = planWindows(frame.width, frame.height, stride);
    let gated = 0;
    for (const w of windows) {
      if (!gate(w)) {
        gated++;
        continue;
      }
      this.windowsRun++;
      for (let y = w.core.y; y < w.core.y + w.core.h; y++) {
        for (let x = w.core.x; x < w.core.x + w.core.w; x++) {
          const cell = Math.floor(y / stride) * cols + Math.floor(x / stride);
          maps.scanned[cell] = 1;
          const o = (y * frame.width + x) * 3;
          if (isPetalColour(frame.data[o], frame.data[o + 1], frame.data[o + 2])) maps.features[cell]++;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      maps.presence[i] = Math.min(1, maps.features[i] / 4);
      maps.poppyHeads[i] = maps.features[i] / 10;
    }
    return { ...maps, windows: windows.length, gatedWindows: gated };
  }
}

describe('detectFrame', () => {
  const truth = demoTruth().filter((t) => t.kind === 'poppy');

  it('finds and places the demo plots (median ≤ 1.2 m) through resample, gate, blobs and camera model', async () => {
    const model = new PetalColourModel();
    const errors: Record<string, number> = {};
    for (const name of fs.readdirSync(DEMO_DIR).filter((f) => /^DJI_\d{4}\.JPG$/.test(f)).sort()) {
      const r = await detectFrame(path.join(DEMO_DIR, name), {}, model);
      expect(r.camera.precise).toBe(true);
      expect(r.footprint).toHaveLength(5);
      expect(r.plan.scale).toBeCloseTo(r.camera.gsdCmPerPx! / 2, 2);
      for (const k of ['metadataMs', 'decodeResampleMs', 'gateMs', 'inferMs', 'blobMs', 'locateMs', 'totalMs'] as const) expect(r.stats[k]).toBeGreaterThanOrEqual(0);
      for (const t of truth) {
        const p = latLonToPixel(r.camera, t)!;
        const margin = ((t.radiusM + 1) * 100) / r.camera.gsdCmPerPx!;
        if (p.x < margin || p.y < margin || p.x > r.camera.width - margin || p.y > r.camera.height - margin) continue;
        const nearest = Math.min(...r.detections.map((d) => distanceM({ lat: d.lat!, lon: d.lon! }, t)));
        errors[`${t.id}@${name}`] = nearest;
        const d = r.detections.find((x) => distanceM({ lat: x.lat!, lon: x.lon! }, t) === nearest)!;
        expect(d.locateMethod).toBe('camera');
        expect(d.errorRadiusM!).toBeGreaterThan(3);
        expect(d.outline!.length).toBeGreaterThanOrEqual(4);
        expect(d.areaM2).toBeGreaterThan(0.1); // a plot at the frame's edge is seen in part
        expect(d.features.cells).toBeGreaterThan(0);
        // the box holds the plot's centre (both in stored pixels)
        expect(d.box.x).toBeLessThanOrEqual(d.centre.x);
        expect(d.box.x + d.box.w).toBeGreaterThanOrEqual(d.centre.x);
        expect(d.box.y).toBeLessThanOrEqual(d.centre.y);
        expect(d.box.y + d.box.h).toBeGreaterThanOrEqual(d.centre.y);
      }
    }
    console.log('[detectFrame geometry] nearest detection to each plot (m):', errors);
    expect(Object.keys(errors).length).toBeGreaterThanOrEqual(5);
    // the colour stand-in also sees the rose bed and pots beside some plots and merges them into one blob, which moves
    // the centre; the shipped model's own centre errors on the demo are in npm run eval:aerial (0.04–0.67 m)
    const sorted = Object.values(errors).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(1.2);
    for (const e of sorted) expect(e).toBeLessThan(5);
  });

  it('skips the model on windows without petal colours without changing what is found', async () => {
    const gated = new PetalColourModel();
    const all = new PetalColourModel();
    const file = path.join(DEMO_DIR, 'DJI_0028.JPG');
    const a = await detectFrame(file, {}, gated);
    const b = await detectFrame(file, {}, all, { colourGate: false });
    expect(b.stats.gatedWindows).toBe(0);
    expect(gated.windowsRun).toBe(a.stats.windows - a.stats.gatedWindows);
    expect(a.detections.map((d) => [d.box, d.score])).toEqual(b.detections.map((d) => [d.box, d.score]));
  });

  it('still scans a frame without metadata, and says why it is unlocated', async () => {
    const bare = await sharp(path.join(DEMO_DIR, 'DJI_0028.JPG')).jpeg({ quality: 90 }).toBuffer(); // sharp drops metadata
    const model = new PetalColourModel();
    const r = await detectFrame(bare, {}, model);
    expect(r.camera.position).toBeNull();
    expect(r.camera.fallbackReason).toMatch(/^unlocated: no GPS position/);
    expect(r.footprint).toBeNull();
    expect(model.windowsRun).toBeGreaterThan(0);
    expect(r.detections.length).toBeGreaterThan(0);
    expect(r.detections.every((d) => d.lat === null && d.errorRadiusM === null && d.outline === null)).toBe(true);
  });

  it('rejects bytes that are not an image, and truncated JPEGs', async () => {
    await expect(detectFrame(Buffer.from('garbage'), {}, new PetalColourModel())).rejects.toThrow();
    const truncated = fs.readFileSync(path.join(DEMO_DIR, 'DJI_0024.JPG')).subarray(0, 200_000);
    await expect(detectFrame(truncated, {}, new PetalColourModel())).rejects.toThrow(/premature|truncated|end of|corrupt/i);
  });
});
