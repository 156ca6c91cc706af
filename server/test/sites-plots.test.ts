import { describe, expect, it } from 'vitest';
import { offsetToLatLon } from '../src/pipeline/geodesy.js';
import { assignToSites, insideRing, type LocatedDetection, type Ring } from '../src/sites/assign.js';

const origin = { lat: 46.83, lon: 7.1 };

/** A square plot outline of side `sideM` centred `eastM` east of the origin, as a closed ring. */
function square(eastM: number, sideM: number): Ring {
  const h = sideM / 2;
  const pts = [[-h, -h], [h, -h], [h, h], [-h, h], [-h, -h]].map(([e, n]) => offsetToLatLon(origin, eastM + e, n));
  return pts.map((p) => [p.lon, p.lat]);
}

function plot(id: string, frameId: string, eastM: number, heads: number, areaM2: number, outline: Ring | null = null): LocatedDetection {
  return { id, frameId, ...offsetToLatLon(origin, eastM, 0), errorRadiusM: 2, score: 0.9, estimatedHeads: heads, areaM2, outline };
}

describe('plots seen by overlapping frames', () => {
  it('merge into one site that keeps the largest view instead of adding the frames up', () => {
    const { sites } = assignToSites([], [plot('a', 'f1', 0, 400, 30, square(0, 5.5)), plot('b', 'f2', 1, 520, 36, square(1, 6)), plot('c', 'f3', 0.5, 480, 33)]);
    expect(sites).toHaveLength(1);
    expect(sites[0]).toMatchObject({ estimatedHeads: 520, areaM2: 36, detectionCount: 3, frameIds: ['f1', 'f2', 'f3'] });
    expect(sites[0].outline).toEqual(square(1, 6));
  });

  it('joins a partial view whose centre is beyond the join distance but inside the plot outline', () => {
    const big = square(0, 30);
    expect(insideRing(big, offsetToLatLon(origin, 12, 3))).toBe(true);
    expect(insideRing(big, offsetToLatLon(origin, 16, 0))).toBe(false);
    const { sites } = assignToSites([], [plot('whole', 'f1', 0, 5000, 900, big), plot('edge', 'f2', 12, 800, 120)]);
    expect(sites).toHaveLength(1);
    expect(sites[0].estimatedHeads).toBe(5000);
    const apart = assignToSites([], [plot('p', 'f1', 0, 100, 4, square(0, 2)), plot('q', 'f2', 12, 100, 4, square(12, 2))]);
    expect(apart.sites).toHaveLength(2);
  });
});
