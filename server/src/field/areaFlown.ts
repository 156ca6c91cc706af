import { latLonToOffset } from '../pipeline/geodesy.js';

/** Most grid cells one union may use; the cell grows past 2 m only for very large areas. */
const MAX_CELLS = 4_000_000;
const CELL_M = 2;

type Ring = number[][];

function inside(x: number, y: number, ring: { x: number; y: number }[]): boolean {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
  }
  return hit;
}

/**
 * Ground area covered by the union of frame footprints (outer rings of GeoJSON Polygons, [lon, lat]), in m².
 * Frames of a survey overlap by 60–80 %, so adding their areas would count the same field several times: the
 * footprints are rasterised on a local grid of 2 m cells instead (±1 cell along the edges).
 */
export function unionAreaM2(rings: Ring[]): number {
  const valid = rings.filter((r) => r.length >= 4);
  if (valid.length === 0) return 0;
  const origin = { lon: valid[0][0][0], lat: valid[0][0][1] };
  const planar = valid.map((r) =>
    r.map(([lon, lat]) => {
      const o = latLonToOffset(origin, { lat, lon });
      return { x: o.eastM, y: o.northM };
    }),
  );
  let bboxArea = 0;
  const boxes = planar.map((ring) => {
    const xs = ring.map((p) => p.x);
    const ys = ring.map((p) => p.y);
    const b = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    bboxArea += (b.x1 - b.x0) * (b.y1 - b.y0);
    return b;
  });
  const cell = Math.max(CELL_M, Math.sqrt(bboxArea / MAX_CELLS));
  const covered = new Set<number>();
  planar.forEach((ring, k) => {
    const b = boxes[k];
    for (let i = Math.floor(b.x0 / cell); i <= Math.floor(b.x1 / cell); i++) {
      for (let j = Math.floor(b.y0 / cell); j <= Math.floor(b.y1 / cell); j++) {
        if (inside((i + 0.5) * cell, (j + 0.5) * cell, ring)) covered.add(i * 1_000_003 + j);
      }
    }
  });
  return covered.size * cell * cell;
}
