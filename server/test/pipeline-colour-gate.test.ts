import { describe, expect, it } from 'vitest';
import { hasPetalColours, isPetalColour } from '../src/pipeline/colourGate.js';

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
});
