import { describe, expect, it } from 'vitest';
import { groundToPixel, uprightSize, uprightTransform } from './zoomGeometry.js';

describe('zoom viewer geometry', () => {
  it('projects ground points into the frame through its footprint (rotated by yaw)', () => {
    // a 4000×3000 frame at 1 cm/px whose top edge faces east (yaw 90°)
    const lat0 = 25;
    const lon0 = 102.6;
    const m = 1 / 111_320;
    const k = 1 / Math.cos((lat0 * Math.PI) / 180);
    const at = (east: number, north: number): [number, number] => [lon0 + east * m * k, lat0 + north * m];
    const footprint = [at(15, 20), at(15, -20), at(-15, -20), at(-15, 20), at(15, 20)];
    const toPx = groundToPixel(footprint, 4000, 3000)!;
    const [cx, cy] = toPx(at(0, 0));
    expect(cx).toBeCloseTo(2000, 1);
    expect(cy).toBeCloseTo(1500, 1);
    const [x, y] = toPx(at(5, 10)); // x grows southward (40 m over 4000 px), y grows westward (30 m over 3000 px)
    expect(x).toBeCloseTo(1000, 0);
    expect(y).toBeCloseTo(1000, 0);
  });
  it('turns stored pixels the right way up', () => {
    expect(uprightSize(4000, 3000, 6)).toEqual({ width: 3000, height: 4000 });
    expect(uprightSize(4000, 3000, 1)).toEqual({ width: 4000, height: 3000 });
    expect(uprightTransform(4000, 3000, 6)).toBe('translate(3000px, 0px) rotate(90deg)');
    expect(uprightTransform(4000, 3000, 1)).toBe('none');
  });
});
