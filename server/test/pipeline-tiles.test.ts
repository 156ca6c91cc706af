import { describe, expect, it } from 'vitest';
import { mergeDetections, type TileScore } from '../src/pipeline/detections.js';
import { axisOffsets, cutTile, planTiles } from '../src/pipeline/tilePlan.js';

describe('planTiles', () => {
  const plan = planTiles({ width: 4000, height: 2250, frameGsdCmPerPx: 1.7006, modelGsdCmPerPx: 2, tileSize: 224, overlap: 0.25 });

  it('resamples to the model ground resolution', () => {
    expect(plan.scale).toBeCloseTo(0.8503, 4);
    expect(plan.resampledWidth).toBe(Math.round(4000 * 0.8503));
    expect(plan.resampledHeight).toBe(Math.round(2250 * 0.8503));
  });

  it('covers every resampled pixel with full-size tiles inside the frame, with at least the overlap', () => {
    const covered = new Uint8Array(plan.resampledWidth * plan.resampledHeight);
    for (const t of plan.tiles) {
      expect(t.rect.w).toBe(224);
      expect(t.rect.h).toBe(224);
      expect(t.rect.x).toBeGreaterThanOrEqual(0);
      expect(t.rect.y).toBeGreaterThanOrEqual(0);
      expect(t.rect.x + t.rect.w).toBeLessThanOrEqual(plan.resampledWidth);
      expect(t.rect.y + t.rect.h).toBeLessThanOrEqual(plan.resampledHeight);
      for (let y = t.rect.y; y < t.rect.y + 224; y++) covered.fill(1, y * plan.resampledWidth + t.rect.x, y * plan.resampledWidth + t.rect.x + 224);
    }
    expect(covered.every((v) => v === 1)).toBe(true);
    const xs = axisOffsets(plan.resampledWidth, 224, 0.25);
    for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeLessThanOrEqual(168);
    expect(plan.tiles.length).toBe(plan.cols * plan.rows);
  });

  it('maps tiles back to original pixels covering the whole frame', () => {
    const last = plan.tiles[plan.tiles.length - 1];
    expect(last.original.x + last.original.w).toBe(4000);
    expect(last.original.y + last.original.h).toBe(2250);
    expect(plan.tiles[0].original).toEqual({ x: 0, y: 0, w: Math.ceil(224 / plan.scaleX), h: Math.ceil(224 / plan.scaleY) });
  });

  it('handles frames smaller than a tile and rejects bad input', () => {
    const small = planTiles({ width: 100, height: 80, frameGsdCmPerPx: 2, modelGsdCmPerPx: 2, tileSize: 224, overlap: 0.25 });
    expect(small.tiles).toHaveLength(1);
    expect(small.tiles[0].original).toEqual({ x: 0, y: 0, w: 100, h: 80 });
    expect(() => planTiles({ width: 0, height: 80, frameGsdCmPerPx: 2, modelGsdCmPerPx: 2, tileSize: 224, overlap: 0.25 })).toThrow();
    expect(() => planTiles({ width: 10, height: 80, frameGsdCmPerPx: NaN, modelGsdCmPerPx: 2, tileSize: 224, overlap: 0.25 })).toThrow();
  });
});

describe('cutTile', () => {
  it('copies the exact pixels and repeats edges outside the frame', () => {
    const w = 5;
    const h = 4;
    const raw = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) raw.fill(i, i * 3, i * 3 + 3);
    const inside = cutTile(raw, w, h, { x: 1, y: 1, w: 2, h: 2 });
    expect([...inside.filter((_, i) => i % 3 === 0)]).toEqual([6, 7, 11, 12]);
    const outside = cutTile(raw, w, h, { x: 3, y: 2, w: 3, h: 3 });
    expect([...outside.filter((_, i) => i % 3 === 0)]).toEqual([13, 14, 14, 18, 19, 19, 18, 19, 19]);
  });
});

describe('mergeDetections', () => {
  const plan = planTiles({ width: 1000, height: 1000, frameGsdCmPerPx: 1, modelGsdCmPerPx: 2, tileSize: 100, overlap: 0 });
  const score = (poppy: number): TileScore => ({ poppy, isPoppy: poppy >= 0.5, top: [{ label: poppy >= 0.5 ? 'poppy' : 'field', score: poppy }] });

  it('unites touching positive tiles into one box in original pixels and keeps separate ones apart', () => {
    // resampled 500×500, 5×5 tiles of 100 px; positives at (1,1),(2,1) adjacent and (4,4) alone
    const scores = plan.tiles.map((t) => score((t.col === 1 && t.row === 1) ? 0.9 : (t.col === 2 && t.row === 1) ? 0.7 : (t.col === 4 && t.row === 4) ? 0.6 : 0.1));
    const dets = mergeDetections(plan, scores, 0.5, { width: 1000, height: 1000 });
    expect(dets).toHaveLength(2);
    expect(dets[0]).toMatchObject({ box: { x: 200, y: 200, w: 400, h: 200 }, score: 0.9, tileCount: 2 });
    expect(dets[0].top[0].label).toBe('poppy');
    // weighted toward the stronger tile (centre x 300) rather than the box centre (400)
    expect(dets[0].centre.x).toBeGreaterThan(300);
    expect(dets[0].centre.x).toBeLessThan(400);
    expect(dets[1]).toMatchObject({ box: { x: 800, y: 800, w: 200, h: 200 }, score: 0.6, centre: { x: 900, y: 900 } });
    expect(mergeDetections(plan, plan.tiles.map(() => score(0.2)), 0.5, { width: 1000, height: 1000 })).toEqual([]);
    expect(() => mergeDetections(plan, [], 0.5, { width: 1000, height: 1000 })).toThrow(/scores/);
  });
});
