import type { FrameMetadata } from './metadata.js';
import { lookupSensor } from './sensors.js';

/** Per-flight values an operator may give when the frames lack them (see POST /api/flights). */
export interface FlightOverrides {
  /** flight height above the ground, used when a frame has no DJI RelativeAltitude */
  altitudeAglM?: number | null;
  /** ground elevation above sea level; height = GPS altitude − this */
  groundElevationM?: number | null;
  /** sensor width (long side) in mm; wins over the table when set: the operator knows the camera */
  sensorWidthMm?: number | null;
}

export type HeightSource = 'relativeAltitude' | 'gpsAltitudeMinusGround' | 'flightAltitudeAgl';
export type SensorSource = 'flightOverride' | 'table' | 'focalPlaneResolution' | 'focalLength35mm';
export type YawSource = 'gimbal' | 'flight' | 'none';

/** Gimbal pitch at or below which a frame counts as nadir (straight down is −90°). */
export const NADIR_MAX_PITCH_DEG = -70;
/**
 * Documented fallback scale: a frame whose ground resolution is unknown is scanned as if its long side covered
 * this many metres of ground, which is what a 1/2.3" drone camera (the commonest) sees from ~45 m AGL.
 */
export const FALLBACK_FOOTPRINT_LONG_SIDE_M = 60;
/** Heights outside this range are treated as wrong metadata rather than as a scale. */
export const MIN_HEIGHT_M = 2;
export const MAX_HEIGHT_M = 1500;

/**
 * Bounds on the scan, so a tiny frame with absurd metadata (a 64×64 JPEG claiming a 1 mm lens at 10 m, or 1500 m
 * of height) cannot make the pipeline allocate gigabytes:
 * - the resampled frame never has more than MAX_SCAN_MEGAPIXELS (3 bytes a pixel: ≤ 300 MB of decoded frame);
 * - a frame is never enlarged more than MAX_UPSCALE times: enlarged pixels show nothing the camera resolved;
 * - an implied ground resolution that would need more enlargement than that, or a lens wider than
 *   MAX_FIELD_OF_VIEW_DEG, is wrong metadata: treated as unknown (unscaledReason says why) and the frame is scanned at
 *   the bounded fallback scale.
 * Every pipeline entry must resample at `scanGsdCmPerPx` from cameraModel(meta, overrides, {modelGsdCmPerPx}), and
 * may check itself with scanSize().
 */
export const MAX_SCAN_MEGAPIXELS = 100;
export const MAX_UPSCALE = 4;
export const MAX_FIELD_OF_VIEW_DEG = 150;
/** The drone models' ground resolution (manifest drone.groundResolutionCmPerPx of the shipped model) when a caller does not pass its own. */
export const DEFAULT_MODEL_GSD_CM_PER_PX = 2;

export interface ScanOptions {
  /** ground resolution the frame will be resampled to (the model's manifest drone.groundResolutionCmPerPx) */
  modelGsdCmPerPx?: number;
}

/** The coarsest scan resolution (cm/px) allowed for a frame of this size: bounds both the enlargement and the megapixels. */
export function maxScanGsdCmPerPx(width: number, height: number, modelGsdCmPerPx: number): number {
  const limit = MAX_SCAN_MEGAPIXELS * 1e6;
  let k = Math.min(MAX_UPSCALE, Math.sqrt(limit / Math.max(1, width * height)));
  // the resampled size is rounded to whole pixels, which may round it just over the cap: step back until it fits
  for (let i = 0; i < 50 && Math.round(width * k) * Math.round(height * k) > limit; i++) k *= 1 - 1e-4;
  return modelGsdCmPerPx * k;
}

/** Resampled size of a frame scanned at `scanGsd` for a model at `modelGsd` (as the tile plan rounds it). */
export function scanSize(width: number, height: number, scanGsdCmPerPx: number, modelGsdCmPerPx: number): { width: number; height: number; megapixels: number } {
  const k = scanGsdCmPerPx / modelGsdCmPerPx;
  const w = Math.max(1, Math.round(width * k));
  const h = Math.max(1, Math.round(height * k));
  return { width: w, height: h, megapixels: (w * h) / 1e6 };
}

/** Typical heading uncertainty (deg): DJI gimbal yaw ±3°, body yaw used for the camera ±5°, unknown: anything. */
export const YAW_ERROR_DEG: Record<YawSource, number> = { gimbal: 3, flight: 5, none: 180 };

export interface CameraResult {
  /** stored pixel size of the frame; all geometry is in stored (pre-EXIF-orientation) pixel axes */
  width: number;
  height: number;
  position: { lat: number; lon: number } | null;
  unlocatedReason: string | null;
  /** GPS altitude above sea level of the camera, when known */
  gpsAltitudeM: number | null;
  heightAboveGroundM: number | null;
  heightSource: HeightSource | null;
  sensorWidthMm: number | null;
  sensorSource: SensorSource | null;
  focalLengthMm: number | null;
  /** ground resolution from the camera model; null when it cannot be computed */
  gsdCmPerPx: number | null;
  unscaledReason: string | null;
  pitchDeg: number | null;
  nadir: boolean;
  /** 'gimbal' when the pitch was read, 'assumed' when the file has none (mapping cameras without a gimbal log) */
  nadirSource: 'gimbal' | 'assumed';
  /** bearing of the stored image's top edge, degrees clockwise from true north */
  yawDeg: number;
  yawSource: YawSource;
  yawErrorDeg: number;
  /** true when detections can be placed through the camera model: located, scaled and nadir */
  precise: boolean;
  /** why detections of this frame are placed at the photo position with a large radius instead */
  fallbackReason: string | null;
  /** the ground resolution the frame is scanned at: the camera's, or the documented fallback, within the scan bounds */
  scanGsdCmPerPx: number;
  /** why the frame is scanned coarser than its own (or the fallback) resolution: the scan bounds; null when not limited */
  scanLimitReason: string | null;
  /** ground size covered by the frame along stored width/height, when scaled */
  footprintM: { width: number; height: number } | null;
}

function positive(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function heightAboveGround(
  meta: FrameMetadata,
  o: FlightOverrides,
): { value: number | null; source: HeightSource | null; reason: string | null } {
  const candidates: Array<[HeightSource, number | null, string]> = [];
  if (finite(meta.relativeAltitudeM)) candidates.push(['relativeAltitude', meta.relativeAltitudeM, 'DJI RelativeAltitude']);
  if (finite(meta.gps?.altitudeM) && finite(o.groundElevationM)) {
    candidates.push(['gpsAltitudeMinusGround', meta.gps!.altitudeM! - o.groundElevationM, 'GPS altitude − flight groundElevationM']);
  }
  if (finite(o.altitudeAglM)) candidates.push(['flightAltitudeAgl', o.altitudeAglM, 'flight altitudeAglM']);
  const rejected: string[] = [];
  for (const [source, value, label] of candidates) {
    if (value !== null && value >= MIN_HEIGHT_M && value <= MAX_HEIGHT_M) return { value, source, reason: null };
    rejected.push(`${label} = ${value?.toFixed(1)} m is outside ${MIN_HEIGHT_M}–${MAX_HEIGHT_M} m`);
  }
  if (rejected.length > 0) return { value: null, source: null, reason: rejected.join('; ') };
  return {
    value: null,
    source: null,
    reason:
      'height above ground unknown: no DJI RelativeAltitude in the file; give the flight altitudeAglM, or groundElevationM for frames with GPS altitude',
  };
}

function sensorWidth(
  meta: FrameMetadata,
  o: FlightOverrides,
): { widthMm: number | null; focalMm: number | null; source: SensorSource | null; reason: string | null } {
  const focal = positive(meta.focalLengthMm) ? meta.focalLengthMm : null;
  if (positive(o.sensorWidthMm) && focal) return { widthMm: o.sensorWidthMm, focalMm: focal, source: 'flightOverride', reason: null };
  const entry = lookupSensor(meta.model);
  if (entry && focal) return { widthMm: entry.widthMm, focalMm: focal, source: 'table', reason: null };
  if (positive(meta.focalPlaneSensorWidthMm) && focal) {
    return { widthMm: meta.focalPlaneSensorWidthMm, focalMm: focal, source: 'focalPlaneResolution', reason: null };
  }
  if (positive(meta.focalLength35mm)) {
    // The 35 mm equivalent fixes the field of view; with no real focal length use the equivalent 36 mm-wide camera.
    if (focal) return { widthMm: (36 * focal) / meta.focalLength35mm, focalMm: focal, source: 'focalLength35mm', reason: null };
    return { widthMm: 36, focalMm: meta.focalLength35mm, source: 'focalLength35mm', reason: null };
  }
  if (!focal) return { widthMm: null, focalMm: null, source: null, reason: 'no focal length in EXIF' };
  return {
    widthMm: null,
    focalMm: focal,
    source: null,
    reason: `sensor width unknown for camera "${meta.model ?? 'unknown'}" (not in the table, no 35 mm equivalent); set the flight sensorWidthMm`,
  };
}

/** A heading or attitude angle as written by a camera: ±360° at most. EXIF can say 1e308; that is no angle. */
const isAngle = (v: number | null | undefined): v is number => finite(v) && Math.abs(v) <= 360;

function yaw(meta: FrameMetadata): { deg: number; source: YawSource } {
  if (isAngle(meta.gimbal.yawDeg)) return { deg: normaliseDeg(meta.gimbal.yawDeg), source: 'gimbal' };
  if (isAngle(meta.flight.yawDeg)) return { deg: normaliseDeg(meta.flight.yawDeg), source: 'flight' };
  return { deg: 0, source: 'none' };
}

const deg = (rad: number) => (rad * 180) / Math.PI;

export function normaliseDeg(deg: number): number {
  return ((deg % 360) + 360) % 360;
}

/** Camera model of one frame: where it was, how high, at what ground resolution, facing where, or why not. */
export function cameraModel(meta: FrameMetadata, overrides: FlightOverrides = {}, scan: ScanOptions = {}): CameraResult {
  const modelGsd = positive(scan.modelGsdCmPerPx) ? scan.modelGsdCmPerPx : DEFAULT_MODEL_GSD_CM_PER_PX;
  const longSide = Math.max(meta.width, meta.height);
  const h = heightAboveGround(meta, overrides);
  const s = sensorWidth(meta, overrides);
  let gsdCmPerPx: number | null = null;
  let unscaledReason: string | null = null;
  if (h.value === null) unscaledReason = h.reason;
  else if (s.widthMm === null || s.focalMm === null) unscaledReason = s.reason;
  else {
    const fovDeg = deg(2 * Math.atan(s.widthMm / (2 * s.focalMm)));
    const implied = (s.widthMm * h.value * 100) / (s.focalMm * longSide);
    if (fovDeg > MAX_FIELD_OF_VIEW_DEG) {
      unscaledReason = `implied field of view ${fovDeg.toFixed(0)}° (sensor ${round(s.widthMm)} mm, focal length ${round(s.focalMm)} mm) is wider than any mapping camera (${MAX_FIELD_OF_VIEW_DEG}°): the focal length metadata is taken as wrong`;
    } else if (implied > MAX_UPSCALE * modelGsd) {
      unscaledReason = `implied ground resolution ${round(implied)} cm/px (${round(h.value)} m, ${longSide} px) would need a ${round(implied / modelGsd)}× enlargement to the model's ${modelGsd} cm/px, more than the ${MAX_UPSCALE}× a frame can show: the scale is taken as unknown`;
    } else {
      gsdCmPerPx = implied;
    }
  }

  const rawPitch = meta.gimbal.pitchDeg;
  const pitchIsAngle = !finite(rawPitch) || Math.abs(rawPitch) <= 180;
  const pitch = pitchIsAngle && finite(rawPitch) ? rawPitch : null;
  const nadir = pitchIsAngle && (pitch === null || pitch <= NADIR_MAX_PITCH_DEG);
  const y = yaw(meta);
  const position = meta.gps ? { lat: meta.gps.lat, lon: meta.gps.lon } : null;
  const unlocatedReason = position ? null : (meta.gpsReason ?? 'no GPS position');

  let fallbackReason: string | null = null;
  if (!position) fallbackReason = `unlocated: ${unlocatedReason}`;
  else if (!pitchIsAngle) fallbackReason = `unknown attitude: gimbal pitch ${String(rawPitch)} is not an angle`;
  else if (!nadir) fallbackReason = `oblique frame: gimbal pitch ${pitch!.toFixed(1)}° is above ${NADIR_MAX_PITCH_DEG}°`;
  else if (gsdCmPerPx === null) fallbackReason = `unscaled: ${unscaledReason}`;

  // Oblique frames with a known nadir scale are scanned at it: the nearest ground in view is about that scale.
  const wanted = gsdCmPerPx ?? (FALLBACK_FOOTPRINT_LONG_SIDE_M * 100) / longSide;
  const ceiling = maxScanGsdCmPerPx(meta.width, meta.height, modelGsd);
  const scanGsdCmPerPx = Math.min(wanted, ceiling);
  const scanLimitReason =
    wanted > ceiling
      ? `scanned at ${round(ceiling)} cm/px instead of ${round(wanted)} cm/px: at most ${MAX_UPSCALE}× enlargement and ${MAX_SCAN_MEGAPIXELS} MP per frame`
      : null;
  return {
    width: meta.width,
    height: meta.height,
    position,
    unlocatedReason,
    gpsAltitudeM: meta.gps?.altitudeM ?? null,
    heightAboveGroundM: h.value,
    heightSource: h.source,
    sensorWidthMm: s.widthMm,
    sensorSource: s.source,
    focalLengthMm: s.focalMm,
    gsdCmPerPx,
    unscaledReason,
    pitchDeg: pitch,
    nadir,
    nadirSource: pitch !== null ? 'gimbal' : 'assumed',
    yawDeg: y.deg,
    yawSource: y.source,
    yawErrorDeg: YAW_ERROR_DEG[y.source],
    precise: fallbackReason === null,
    fallbackReason,
    scanGsdCmPerPx,
    scanLimitReason,
    footprintM: gsdCmPerPx === null ? null : { width: (gsdCmPerPx * meta.width) / 100, height: (gsdCmPerPx * meta.height) / 100 },
  };
}

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100);
