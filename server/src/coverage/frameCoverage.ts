// What a frame could see: height above ground, ground resolution, area covered, and whether it was placed precisely.
// Read from the camera facts the pipeline stored with each processed frame (images.camera, images.footprint).
import type { GeoJsonPolygon, ImageRecord } from '../store/types.js';
import type { FlightCoverage, FrameCoverage } from '../domain/contract.js';

/** The fields of the pipeline's CameraResult this module reads (images.camera JSON). */
interface StoredCamera {
  heightAboveGroundM?: number | null;
  gsdCmPerPx?: number | null;
  pitchDeg?: number | null;
  yawDeg?: number | null;
  nadir?: boolean;
  precise?: boolean;
  fallbackReason?: string | null;
  unscaledReason?: string | null;
  sensorWidthMm?: number | null;
  focalLengthMm?: number | null;
}

export type { FlightCoverage, FrameCoverage } from '../domain/contract.js';

function reasonCode(reason: string | null, status: string, located: boolean | null): string | null {
  if (!reason) return null;
  if (status === 'failed') return 'failed';
  if (located === false || reason.startsWith('unlocated')) return 'unlocated';
  if (reason.startsWith('oblique')) return 'oblique';
  if (reason.startsWith('unknown attitude')) return 'unknown_attitude';
  if (reason.startsWith('unscaled')) return 'unscaled';
  return 'not_placed';
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Area of a lon/lat ring in square metres (local equirectangular projection; frames are small). */
export function ringAreaM2(ring: number[][]): number {
  if (ring.length < 4) return 0;
  const lat0 = (ring.reduce((s, p) => s + p[1], 0) / ring.length) * (Math.PI / 180);
  const k = (Math.PI / 180) * EARTH_RADIUS_M;
  let twice = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = [ring[i][0] * k * Math.cos(lat0), ring[i][1] * k];
    const [x2, y2] = [ring[i + 1][0] * k * Math.cos(lat0), ring[i + 1][1] * k];
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function frameCoverage(image: Pick<ImageRecord, 'camera' | 'footprint' | 'located' | 'unlocatedReason' | 'status' | 'error'>): FrameCoverage {
  const c = (image.camera ?? {}) as StoredCamera;
  const height = num(c.heightAboveGroundM);
  const gsd = num(c.gsdCmPerPx);
  const pitch = num(c.pitchDeg);
  const footprint = image.footprint as GeoJsonPolygon | null;
  const precise = Boolean(c.precise) && footprint != null;
  let reason: string | null = null;
  if (image.status !== 'done') reason = image.status === 'failed' ? (image.error ?? 'processing failed') : null;
  else if (image.located === false) reason = image.unlocatedReason ?? 'no GPS position';
  else if (!precise) reason = c.fallbackReason ?? c.unscaledReason ?? 'the camera model could not place this frame';
  return {
    heightAboveGroundM: height == null ? null : round(height, 1),
    gsdCmPerPx: gsd == null ? null : round(gsd, 2),
    areaHa: footprint ? round(ringAreaM2(footprint.coordinates[0]) / 10_000, 3) : null,
    offNadirDeg: pitch == null ? (c.nadir ? 0 : null) : round(Math.abs(90 + pitch), 1),
    yawDeg: num(c.yawDeg),
    precise,
    reason,
    reasonCode: reasonCode(reason, image.status, image.located),
  };
}


function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function flightCoverage(frames: { image: Pick<ImageRecord, 'status' | 'located'>; coverage: FrameCoverage }[]): FlightCoverage {
  const done = frames.filter((f) => f.image.status === 'done');
  const heights = done.map((f) => f.coverage.heightAboveGroundM).filter((v): v is number => v != null);
  const gsds = done.map((f) => f.coverage.gsdCmPerPx).filter((v): v is number => v != null);
  const unlocated = done.filter((f) => f.image.located === false).length;
  const precise = done.filter((f) => f.coverage.precise).length;
  const h = median(heights);
  const g = median(gsds);
  return {
    frames: frames.length,
    processed: done.length,
    precise,
    imprecise: done.length - precise - unlocated,
    unlocated,
    heightAboveGroundM: h == null ? null : round(h, 1),
    gsdCmPerPx: g == null ? null : round(g, 2),
    maxGsdCmPerPx: gsds.length ? Math.max(...gsds) : null,
    areaHa: round(done.reduce((s, f) => s + (f.coverage.precise ? (f.coverage.areaHa ?? 0) : 0), 0), 2),
  };
}
