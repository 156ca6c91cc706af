import { describe, expect, it } from 'vitest';
import { apply, homography, type Pt } from './homography.js';

describe('homography', () => {
  it('maps the four corners exactly and a rotated rectangle affinely', () => {
    const src: Pt[] = [[0, 0], [100, 0], [100, 50], [0, 50]];
    const a = (30 * Math.PI) / 180;
    const rot = (p: Pt): Pt => [p[0] * Math.cos(a) - p[1] * Math.sin(a) + 10, p[0] * Math.sin(a) + p[1] * Math.cos(a) + 20];
    const h = homography(src, src.map(rot))!;
    for (const p of [...src, [50, 25] as Pt, [13, 41] as Pt]) {
      const [x, y] = apply(h, p);
      expect(x).toBeCloseTo(rot(p)[0], 6);
      expect(y).toBeCloseTo(rot(p)[1], 6);
    }
  });
  it('handles a keystone (oblique frame) and its inverse', () => {
    const src: Pt[] = [[0, 0], [4000, 0], [4000, 3000], [0, 3000]];
    const dst: Pt[] = [[102.001, 25.002], [102.003, 25.002], [102.0025, 25.0005], [102.0015, 25.0005]];
    const h = homography(src, dst)!;
    const inv = homography(dst, src)!;
    const p = apply(h, [1234, 2345]);
    const back = apply(inv, p);
    expect(back[0]).toBeCloseTo(1234, 3);
    expect(back[1]).toBeCloseTo(2345, 3);
  });
  it('refuses degenerate corners', () => {
    expect(homography([[0, 0], [1, 0], [2, 0], [3, 0]], [[0, 0], [1, 0], [2, 0], [3, 0]])).toBeNull();
  });
});
