import { cameraModel, scanSize, type CameraResult, type FlightOverrides } from './camera.js';
import type { AerialThresholds } from '../model/aerialManifest.js';
import { findBlobs, type Blob } from './blobs.js';
import { petalCounts } from './colourGate.js';
import { frameFootprint, locatePixel } from './groundPosition.js';
import { planWindows, type CellMaps, type DenseModel, type Window } from './denseModel.js';
import { readMetadata, type FrameMetadata } from './metadata.js';
import { resampleFrame } from './resample.js';
import type { LabelScore } from '../domain/vocabulary.js';

/** A window is sent to the model only when it shows at least this many petal-coloured pixels (colourGate.ts). */
export const GATE_MIN_PIXELS_PER_WINDOW = 6;
/** Head inputs kept per detection (its most confident cells) and per frame (background cells) for retraining. */
export const FEATURE_CELLS_PER_DETECTION = 48;
export const BACKGROUND_CELLS_PER_FRAME = 64;

export type { LabelScore } from '../domain/vocabulary.js';

/** Per-cell head inputs: `cells` rows of `channels` floats. */
export interface CellFeatures {
  cells: number;
  channels: number;
  data: Float32Array;
}

export interface AerialDetection {
  /** ORIGINAL STORED pixels (before EXIF orientation), like every box in the store */
  box: { x: number; y: number; w: number; h: number };
  centre: { x: number; y: number };
  /** outline in stored pixels, not closed */
  outlinePx: Array<[number, number]>;
  /** highest cell presence in the plot */
  score: number;
  top: LabelScore[];
  /** ground area of the plot's flowering cells, m² */
  areaM2: number;
  /** visible flower heads the density map sums to; an estimate, not a count */
  estimatedHeads: number;
  otherHeads: number;
  lat: number | null;
  lon: number | null;
  errorRadiusM: number | null;
  locateMethod: 'camera' | 'photoPosition' | null;
  /** closed GeoJSON ring [lon, lat] of the outline on the ground; null when the frame cannot be projected */
  outline: Array<[number, number]> | null;
  features: CellFeatures;
}

export interface FrameStats {
  metadataMs: number;
  /** decode and resample are one libvips pipeline (shrink-on-load), timed together */
  decodeResampleMs: number;
  gateMs: number;
  inferMs: number;
  blobMs: number;
  locateMs: number;
  totalMs: number;
  windows: number;
  gatedWindows: number;
}

export interface FrameResult {
  metadata: FrameMetadata;
  camera: CameraResult;
  footprint: Array<[number, number]> | null;
  plan: { scale: number; resampledWidth: number; resampledHeight: number; cols: number; rows: number };
  detections: AerialDetection[];
  /** head inputs of cells away from every detection (negatives for retraining) */
  background: CellFeatures;
  model: { name: string; version: string; threshold: number };
  stats: FrameStats;
  /** with keepMaps */
  maps?: CellMaps;
  geometry?: FrameGeometry;
}

export interface DetectOptions {
  /** skip windows without petal colours (default true) */
  colourGate?: boolean;
  /** also return the cell maps (threshold calibration re-reads them without running the model again) */
  keepMaps?: boolean;
}

/** How a frame's resampled pixels map back to stored pixels and the ground. */
export interface FrameGeometry {
  camera: CameraResult;
  storedWidth: number;
  storedHeight: number;
  resampledWidth: number;
  resampledHeight: number;
}

const now = () => performance.now();

/**
 * One drone frame, as the data flows: metadata → camera → resample to the model's ground resolution → colour
 * gate → dense model → blobs → ground positions. Frames that cannot be located or scaled are still scanned (at the
 * documented fallback scale) and say why in camera.fallbackReason.
 */
export async function detectFrame(input: string | Buffer, overrides: FlightOverrides, model: DenseModel, opts: DetectOptions = {}): Promise<FrameResult> {
  const t0 = now();
  const { manifest } = model;
  const metadata = await readMetadata(input);
  const camera = cameraModel(metadata, overrides, { modelGsdCmPerPx: manifest.groundResolutionCmPerPx });
  const t1 = now();

  // camera.ts bounds the scan (enlargement and megapixels), so absurd metadata cannot make this allocate gigabytes
  const scale = camera.scanGsdCmPerPx / manifest.groundResolutionCmPerPx;
  const size = scanSize(metadata.width, metadata.height, camera.scanGsdCmPerPx, manifest.groundResolutionCmPerPx);
  const frame = await resampleFrame(input, size.width, size.height);
  const t2 = now();

  const gate = opts.colourGate === false ? () => true : colourGate(frame, manifest.stride);
  const t3 = now();
  const maps = await model.infer(frame, gate);
  const t4 = now();

  const geometry: FrameGeometry = { camera, storedWidth: metadata.width, storedHeight: metadata.height, resampledWidth: frame.width, resampledHeight: frame.height };
  const { blobs, detections } = detectionsFromMaps(maps, manifest.thresholds, geometry, manifest);
  const t5 = now();
  const footprint = frameFootprint(camera);
  const t6 = now();

  return {
    metadata,
    camera,
    footprint,
    plan: { scale, resampledWidth: frame.width, resampledHeight: frame.height, cols: maps.cols, rows: maps.rows },
    detections,
    background: backgroundFeatures(maps, blobs),
    model: { name: manifest.name, version: model.version, threshold: manifest.thresholds.presence },
    stats: {
      metadataMs: t1 - t0,
      decodeResampleMs: t2 - t1,
      gateMs: t3 - t2,
      inferMs: t4 - t3,
      blobMs: t5 - t4,
      locateMs: t6 - t5,
      totalMs: t6 - t0,
      windows: maps.windows,
      gatedWindows: maps.gatedWindows,
    },
    ...(opts.keepMaps ? { maps, geometry } : {}),
  };
}

/** Cell maps → plots on the ground: blobs at the given thresholds, placed through the frame's camera. */
export function detectionsFromMaps(
  maps: CellMaps,
  thresholds: AerialThresholds,
  g: FrameGeometry,
  model: { stride: number; groundResolutionCmPerPx: number },
): { blobs: Blob[]; detections: AerialDetection[] } {
  const blobs = findBlobs(maps, thresholds);
  const sx = g.resampledWidth / g.storedWidth;
  const sy = g.resampledHeight / g.storedHeight;
  const toStored = ([x, y]: [number, number]): [number, number] => [Math.min(g.storedWidth, x / sx), Math.min(g.storedHeight, y / sy)];
  const cellAreaM2 = ((model.stride * model.groundResolutionCmPerPx) / 100) ** 2;
  return { blobs, detections: blobs.map((b) => locate(b, g.camera, toStored, cellAreaM2, maps)) };
}

/**
 * Gate on the petal-coloured pixel count of each window's input, all windows counted in one pass over the frame
 * (petalCounts builds one integral image), before the model runs.
 */
function colourGate(frame: { data: Buffer; width: number; height: number }, stride: number): (w: Window) => boolean {
  const windows = planWindows(frame.width, frame.height, stride);
  const counts = petalCounts(frame.data, frame.width, frame.height, windows.map((w) => w.input));
  const pass = new Map(windows.map((w, i) => [`${w.input.x},${w.input.y}`, counts[i] >= GATE_MIN_PIXELS_PER_WINDOW]));
  return (w) => pass.get(`${w.input.x},${w.input.y}`) ?? true;
}

function locate(b: Blob, camera: CameraResult, toStored: (p: [number, number]) => [number, number], cellAreaM2: number, maps: CellMaps): AerialDetection {
  const [cx, cy] = toStored([b.centre.x, b.centre.y]);
  const [bx0, by0] = toStored([b.box.x, b.box.y]);
  const [bx1, by1] = toStored([b.box.x + b.box.w, b.box.y + b.box.h]);
  const outlinePx = b.outline.map(toStored);
  const g = locatePixel(camera, cx, cy);
  let outline: Array<[number, number]> | null = null;
  if (g?.method === 'camera') {
    const ring = outlinePx.map(([x, y]) => locatePixel(camera, x, y));
    if (ring.every((p) => p !== null)) {
      outline = ring.map((p) => [p!.lon, p!.lat] as [number, number]);
      outline.push(outline[0]);
    }
  }
  const heads = Math.round(b.heads);
  return {
    box: { x: Math.floor(bx0), y: Math.floor(by0), w: Math.ceil(bx1 - bx0), h: Math.ceil(by1 - by0) },
    centre: { x: cx, y: cy },
    outlinePx,
    score: b.score,
    top: [
      { label: 'poppy_flowers', score: b.score },
      { label: 'other_flowers', score: b.otherHeads / Math.max(1, b.otherHeads + b.heads) },
    ],
    areaM2: Math.round(b.cells.length * cellAreaM2 * 100) / 100,
    estimatedHeads: heads,
    otherHeads: Math.round(b.otherHeads),
    lat: g?.lat ?? null,
    lon: g?.lon ?? null,
    errorRadiusM: g?.errorRadiusM ?? null,
    locateMethod: g?.method ?? null,
    outline,
    features: cellFeatures(maps, [...b.cells].sort((i, j) => maps.presence[j] - maps.presence[i]).slice(0, FEATURE_CELLS_PER_DETECTION)),
  };
}

function cellFeatures(maps: CellMaps, cells: number[]): CellFeatures {
  const { channels } = maps;
  const data = new Float32Array(cells.length * channels);
  cells.forEach((cell, k) => data.set(maps.features.subarray(cell * channels, (cell + 1) * channels), k * channels));
  return { cells: cells.length, channels, data };
}

/** Evenly spaced scanned cells at least two cells away from every blob: what the model should keep calling empty. */
function backgroundFeatures(maps: CellMaps, blobs: Blob[]): CellFeatures {
  const near = new Uint8Array(maps.cols * maps.rows);
  for (const b of blobs) {
    for (const i of b.cells) {
      const r = Math.floor(i / maps.cols);
      const c = i - r * maps.cols;
      for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) {
        const rr = r + dr;
        const cc = c + dc;
        if (rr >= 0 && cc >= 0 && rr < maps.rows && cc < maps.cols) near[rr * maps.cols + cc] = 1;
      }
    }
  }
  const candidates: number[] = [];
  for (let i = 0; i < near.length; i++) if (maps.scanned[i] && !near[i]) candidates.push(i);
  // the most flower-like background cells teach the most; half of the sample, the other half evenly spread
  const byPresence = [...candidates].sort((a, b) => maps.presence[b] - maps.presence[a]).slice(0, BACKGROUND_CELLS_PER_FRAME / 2);
  const step = Math.max(1, Math.floor(candidates.length / (BACKGROUND_CELLS_PER_FRAME / 2)));
  const spread = candidates.filter((_, k) => k % step === 0).slice(0, BACKGROUND_CELLS_PER_FRAME / 2);
  return cellFeatures(maps, [...new Set([...byPresence, ...spread])]);
}
