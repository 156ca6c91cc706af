import type { CameraResult, HeightSource } from './camera.js';
import { latLonToOffset, offsetToLatLon } from './geodesy.js';

/** Consumer GNSS horizontal error (m) of a drone's photo position. */
export const GPS_ERROR_M = 3;
/** Residual tilt (deg) of a gimbal that reports its pitch, and of a camera assumed to point straight down. */
export const TILT_ERROR_DEG = { gimbal: 1, assumed: 5 } as const;
/** Placement radius (m) for frames that cannot be projected and whose reach is unknown. */
export const FALLBACK_REACH_M = 200;

type Vec3 = [number, number, number];

const rad = (deg: number) => (deg * Math.PI) / 180;
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * Camera axes in east/north/up: forward (optical axis), right (image +x), up (image −y).
 * Yaw is the bearing of the image top; pitch −90 looks straight down; roll is ignored (gimbals hold it at 0).
 */
function axes(camera: CameraResult): { forward: Vec3; right: Vec3; up: Vec3 } {
  const psi = rad(camera.yawDeg);
  const p = rad(camera.pitchDeg ?? -90);
  const f: Vec3 = [Math.sin(psi), Math.cos(psi), 0];
  const right: Vec3 = [Math.cos(psi), -Math.sin(psi), 0];
  const forward: Vec3 = [Math.cos(p) * f[0], Math.cos(p) * f[1], Math.sin(p)];
  const up: Vec3 = [-Math.sin(p) * f[0], -Math.sin(p) * f[1], Math.cos(p)];
  return { forward, right, up };
}

function focalPx(camera: CameraResult): number {
  // gsd at nadir = H / focalPx
  return (camera.heightAboveGroundM! * 100) / camera.gsdCmPerPx!;
}

/** Stored-pixel coordinates (continuous, 0..width) → metres east/north of the camera; null above the horizon. */
export function pixelToOffset(camera: CameraResult, x: number, y: number): { eastM: number; northM: number } | null {
  if (camera.gsdCmPerPx === null || camera.heightAboveGroundM === null) return null;
  const { forward, right, up } = axes(camera);
  const fpx = focalPx(camera);
  const a = (x - camera.width / 2) / fpx;
  const b = (y - camera.height / 2) / fpx;
  const d: Vec3 = [0, 1, 2].map((i) => forward[i] + a * right[i] - b * up[i]) as Vec3;
  if (d[2] >= -1e-9) return null;
  const t = camera.heightAboveGroundM / -d[2];
  return { eastM: t * d[0], northM: t * d[1] };
}

/** Inverse of pixelToOffset; null when the point is behind the camera. */
export function offsetToPixel(camera: CameraResult, eastM: number, northM: number): { x: number; y: number } | null {
  if (camera.gsdCmPerPx === null || camera.heightAboveGroundM === null) return null;
  const { forward, right, up } = axes(camera);
  const g: Vec3 = [eastM, northM, -camera.heightAboveGroundM];
  const z = dot(g, forward);
  if (z <= 1e-9) return null;
  const fpx = focalPx(camera);
  return { x: camera.width / 2 + (dot(g, right) / z) * fpx, y: camera.height / 2 - (dot(g, up) / z) * fpx };
}

export function pixelToLatLon(camera: CameraResult, x: number, y: number): { lat: number; lon: number } | null {
  const o = camera.position ? pixelToOffset(camera, x, y) : null;
  return o ? offsetToLatLon(camera.position!, o.eastM, o.northM) : null;
}

export function latLonToPixel(camera: CameraResult, p: { lat: number; lon: number }): { x: number; y: number } | null {
  if (!camera.position) return null;
  const o = latLonToOffset(camera.position, p);
  return offsetToPixel(camera, o.eastM, o.northM);
}

function heightError(h: number, source: HeightSource | null): number {
  // RelativeAltitude is above the take-off point, which need not be the ground under the frame.
  if (source === 'relativeAltitude') return Math.max(1, 0.05 * h);
  if (source === 'gpsAltitudeMinusGround') return 10;
  return Math.max(3, 0.1 * h);
}

export interface GroundPoint {
  lat: number;
  lon: number;
  errorRadiusM: number;
  /** 'camera': projected through the camera model; 'photoPosition': fallback at the GPS position */
  method: 'camera' | 'photoPosition';
}

/** Error radius (m) of a point `distanceM` from the nadir point: GPS, height (scale), yaw and tilt combined. */
export function errorRadiusM(camera: CameraResult, distanceM: number): number {
  const h = camera.heightAboveGroundM ?? 0;
  const scale = h > 0 ? (distanceM * heightError(h, camera.heightSource)) / h : 0;
  const yaw = 2 * distanceM * Math.sin(rad(Math.min(180, camera.yawErrorDeg)) / 2);
  const tilt = h * Math.tan(rad(TILT_ERROR_DEG[camera.nadirSource]));
  return Math.hypot(GPS_ERROR_M, scale, yaw, tilt);
}

/** How far from the photo position a fallback frame can see. */
function fallbackReachM(camera: CameraResult): number {
  const h = camera.heightAboveGroundM;
  if (h !== null && camera.pitchDeg !== null && !camera.nadir) {
    // the centre of an oblique view lies h·tan(90°+pitch) ahead; allow twice that for its far half
    return Math.min(FALLBACK_REACH_M * 2.5, 2 * h * Math.tan(rad(Math.min(80, 90 + camera.pitchDeg))));
  }
  const longSide = Math.max(camera.width, camera.height);
  const diagonalM = (Math.hypot(camera.width, camera.height) / longSide) * ((camera.scanGsdCmPerPx * longSide) / 100);
  return camera.nadir ? Math.max(diagonalM / 2, 30) : FALLBACK_REACH_M;
}

/** Where on the ground a pixel of this frame is, with an error radius; null for unlocated frames. */
export function locatePixel(camera: CameraResult, x: number, y: number): GroundPoint | null {
  if (!camera.position) return null;
  if (camera.precise) {
    const o = pixelToOffset(camera, x, y);
    if (o) {
      const p = offsetToLatLon(camera.position, o.eastM, o.northM);
      return { ...p, errorRadiusM: errorRadiusM(camera, Math.hypot(o.eastM, o.northM)), method: 'camera' };
    }
  }
  return { ...camera.position, errorRadiusM: GPS_ERROR_M + fallbackReachM(camera), method: 'photoPosition' };
}

/** Ground outline of a projected frame as a closed GeoJSON ring of [lon, lat]; null when it cannot be projected. */
export function frameFootprint(camera: CameraResult): Array<[number, number]> | null {
  if (!camera.precise || !camera.position) return null;
  const corners: Array<[number, number]> = [
    [0, 0],
    [camera.width, 0],
    [camera.width, camera.height],
    [0, camera.height],
  ];
  const ring: Array<[number, number]> = [];
  for (const [x, y] of corners) {
    const p = pixelToLatLon(camera, x, y);
    if (!p) return null;
    ring.push([p.lon, p.lat]);
  }
  ring.push(ring[0]);
  return ring;
}
