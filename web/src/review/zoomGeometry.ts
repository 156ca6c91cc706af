// Geometry of the full-resolution viewer: stored pixels ⇄ upright pixels (EXIF orientation) and ground → pixels.
import { apply, homography, type Pt } from '../map/homography.js';

/** Size of the frame the right way up. */
export function uprightSize(width: number, height: number, orientation: number | null | undefined): { width: number; height: number } {
  return orientation === 6 || orientation === 8 ? { width: height, height: width } : { width, height };
}

/** CSS transform that turns a layer in stored pixels the right way up (origin 0 0). */
export function uprightTransform(width: number, height: number, orientation: number | null | undefined): string {
  switch (orientation) {
    case 3:
      return `translate(${width}px, ${height}px) rotate(180deg)`;
    case 6:
      return `translate(${height}px, 0px) rotate(90deg)`;
    case 8:
      return `translate(0px, ${width}px) rotate(-90deg)`;
    default:
      return 'none';
  }
}

const M_PER_DEG = 111_320;

/**
 * Ground [lon, lat] → stored pixel of a frame, through the projective map from its footprint (ground under the
 * stored corners TL, TR, BR, BL). Coordinates are taken to local metres first so the solve is well conditioned.
 */
export function groundToPixel(footprint: [number, number][], width: number, height: number): ((lonLat: [number, number]) => Pt) | null {
  if (footprint.length < 4) return null;
  const [lon0, lat0] = footprint[0];
  const k = Math.cos((lat0 * Math.PI) / 180);
  const local = ([lon, lat]: [number, number]): Pt => [(lon - lon0) * M_PER_DEG * k, (lat - lat0) * M_PER_DEG];
  const h = homography(footprint.slice(0, 4).map(local), [[0, 0], [width, 0], [width, height], [0, height]]);
  return h ? (p) => apply(h, local(p)) : null;
}
