import { describe, expect, it } from 'vitest';
import { hasPetalColours, isPetalColour, petalCounts } from '../src/pipeline/colourGate.js';

describe('colour gate', () => {
  it('passes poppy petal colours and refuses foliage, soil, tarmac and water', () => {
    for (const hex of ['#c8161d', '#e0342a', '#e58bb4', '#d16fa5', '#b07cc6', '#f4f1ee', '#f08020']) {
      const n = parseInt(hex.slice(1), 16);
      expect(isPetalColour(n >> 16, (n >> 8) & 255, n & 255), hex).toBe(true);
    }
    for (const hex of ['#2f5a22', '#6d8d6b', '#8a6a4a', '#6e5238', '#7a7a7a', '#3d5d8a', '#d6c23a', '#a2a85c']) {
      const n = parseInt(hex.slice(1), 16);
      expect(isPetalColour(n >> 16, (n >> 8) & 255, n & 255), hex).toBe(false);
    }
  });

  it('needs a few petal pixels in a tile', () => {
    const tile = Buffer.alloc(224 * 224 * 3);
    for (let i = 0; i < tile.length; i += 3) tile.set([60, 110, 50], i);
    expect(hasPetalColours(tile)).toBe(false);
    tile.set([200, 30, 30, 200, 30, 30, 200, 30, 30], 3000);
    expect(hasPetalColours(tile)).toBe(false);
    tile.set([200, 30, 30], 6000);
    expect(hasPetalColours(tile)).toBe(true);
  });

  it('counts petal pixels per rectangle exactly as a direct scan does, clipping rectangles to the frame', () => {
    const w = 97;
    const h = 61;
    const raw = Buffer.alloc(w * h * 3);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let i = 0; i < raw.length; i++) raw[i] = rand();
    const rects = [
      { x: 0, y: 0, w: 97, h: 61 },
      { x: 10, y: 5, w: 30, h: 20 },
      { x: 80, y: 50, w: 40, h: 40 },
      { x: 96, y: 60, w: 1, h: 1 },
    ];
    const direct = rects.map((r) => {
      let n = 0;
      for (let y = r.y; y < Math.min(h, r.y + r.h); y++) {
        for (let x = r.x; x < Math.min(w, r.x + r.w); x++) {
          const p = (y * w + x) * 3;
          if (isPetalColour(raw[p], raw[p + 1], raw[p + 2])) n++;
        }
      }
      return n;
    });
    expect(petalCounts(raw, w, h, rects)).toEqual(direct);
    expect(direct[0]).toBeGreaterThan(0);
  });
});
