import { cameraModel, type CameraResult, type FlightOverrides } from './camera.js';
import { GATE_MIN_PIXELS, petalCounts } from './colourGate.js';
import { mergeDetections, type FrameDetection, type TileScore } from './detections.js';
import { frameFootprint, locatePixel } from './groundPosition.js';
import { readMetadata, type FrameMetadata } from './metadata.js';
import { resampleFrame } from './resample.js';
import { cutTile, planTiles, type Rect, type TilePlan } from './tilePlan.js';
import { WeightedCentre } from '../util/weightedCentre.js';

/** The part of the model's Classifier the pipeline needs (server/src/model/classifier.ts implements it). */
export interface TileClassifier {
  readonly manifest: {
    name: string;
    version: string;
    input: { size: number };
    thresholds: { droneTile: number };
    drone: { groundResolutionCmPerPx: number; tileSize: number; tileOverlap: number };
  };
  classifyPixels(rgbTiles: Buffer[], opts?: { topK?: number; threshold?: number }): Promise<TileScore[]>;
}

export interface ProcessFrameOptions {
  /** tiles cut and handed to the classifier at a time (bounds memory) */
  chunkTiles?: number;
  topK?: number;
  /** tile hit threshold; default the manifest's thresholds.droneTile */
  threshold?: number;
  /** re-centre each detection with a 3×3 grid of extra tiles a quarter tile apart (default true) */
  refine?: boolean;
  /** skip inference on tiles without petal colours (colourGate.ts; default true) */
  colourGate?: boolean;
}

/** Detections re-centred per frame at most (the strongest first); refinement costs 9 tiles each. */
export const MAX_REFINED_DETECTIONS = 20;
/** Refinement tiles scoring above this fraction of the hit threshold pull the centre, weighted by the excess. */
export const REFINE_EVIDENCE_FRACTION = 0.5;

export interface LocatedDetection extends FrameDetection {
  /** null for frames without a usable GPS position */
  lat: number | null;
  lon: number | null;
  errorRadiusM: number | null;
  locateMethod: 'camera' | 'photoPosition' | null;
}

export interface FrameStats {
  /** EXIF/XMP and header */
  metadataMs: number;
  /** decode and resample run fused in one libvips pipeline (shrink-on-load), so they are timed together */
  decodeResampleMs: number;
  tileMs: number;
  inferMs: number;
  locateMs: number;
  totalMs: number;
  tiles: number;
  /** extra tiles classified to re-centre detections (their time is in tileMs/inferMs) */
  refineTiles: number;
  /** tiles not sent to the model because they show no petal colours */
  gatedTiles: number;
}

export interface FrameResult {
  metadata: FrameMetadata;
  camera: CameraResult;
  /** closed ring of [lon, lat]; null for frames that cannot be projected (fallback frames) */
  footprint: Array<[number, number]> | null;
  plan: { scale: number; resampledWidth: number; resampledHeight: number; tileSize: number; tiles: number };
  detections: LocatedDetection[];
  model: { name: string; version: string; threshold: number };
  stats: FrameStats;
}

const now = () => performance.now();

/** Score of a tile the colour gate kept from the model: no flower colours, so no flowering poppy. */
const NO_PETALS: TileScore = Object.freeze({ poppy: 0, isPoppy: false, top: [] }) as TileScore;

/**
 * One frame end to end: metadata → camera model → resample to the model's ground resolution → tiles →
 * batched classification → merged boxes → ground positions. Frames that cannot be located or scaled are still
 * scanned (at the documented fallback scale) and say why in camera.fallbackReason.
 */
export async function processFrame(
  input: string | Buffer,
  overrides: FlightOverrides,
  classifier: TileClassifier,
  opts: ProcessFrameOptions = {},
): Promise<FrameResult> {
  const t0 = now();
  const { manifest } = classifier;
  const { tileSize, tileOverlap, groundResolutionCmPerPx } = manifest.drone;
  if (tileSize !== manifest.input.size) throw new Error(`manifest drone.tileSize ${tileSize} differs from input.size ${manifest.input.size}`);
  const threshold = opts.threshold ?? manifest.thresholds.droneTile;
  const chunkTiles = opts.chunkTiles ?? 64;

  const metadata = await readMetadata(input);
  const camera = cameraModel(metadata, overrides);
  const t1 = now();

  const plan = planTiles({
    width: metadata.width,
    height: metadata.height,
    frameGsdCmPerPx: camera.scanGsdCmPerPx,
    modelGsdCmPerPx: groundResolutionCmPerPx,
    tileSize,
    overlap: tileOverlap,
  });
  const frame = await resampleFrame(input, plan.resampledWidth, plan.resampledHeight);
  const t2 = now();

  let tileMs = 0;
  let inferMs = 0;
  let gatedTiles = 0;
  const gateStart = now();
  const counts = opts.colourGate === false ? null : petalCounts(frame.data, frame.width, frame.height, plan.tiles.map((t) => t.rect));
  tileMs += now() - gateStart;
  const scores: TileScore[] = [];
  for (let start = 0; start < plan.tiles.length; start += chunkTiles) {
    const ta = now();
    const chunk = plan.tiles.slice(start, start + chunkTiles);
    const keep = chunk.map((t) => counts === null || counts[t.index] >= GATE_MIN_PIXELS);
    const pixels = chunk.filter((_, i) => keep[i]).map((t) => cutTile(frame.data, frame.width, frame.height, t.rect));
    const tb = now();
    const classified = pixels.length > 0 ? await classifier.classifyPixels(pixels, { topK: opts.topK, threshold }) : [];
    let k = 0;
    for (const kept of keep) scores.push(kept ? classified[k++] : NO_PETALS);
    gatedTiles += chunk.length - pixels.length;
    tileMs += tb - ta;
    inferMs += now() - tb;
  }
  const t3 = now();
  const merged = mergeDetections(plan, scores, threshold, metadata);
  let refineMs = 0;
  let refineTiles = 0;
  if (opts.refine !== false) {
    const ta = now();
    const rectsPer = merged.slice(0, MAX_REFINED_DETECTIONS).map((d) => refinementRects(d, plan, frame));
    const flat = rectsPer.flat();
    const pixels = flat.map((r) => cutTile(frame.data, frame.width, frame.height, r));
    const tb = now();
    const refined = flat.length > 0 ? await classifier.classifyPixels(pixels, { topK: opts.topK, threshold }) : [];
    tileMs += tb - ta;
    inferMs += now() - tb;
    rectsPer.forEach((rects, i) => recentre(merged[i], rects, refined.slice(i * 9, i * 9 + 9), threshold, plan, metadata));
    refineMs = now() - ta;
    refineTiles = flat.length;
  }
  frame.data = Buffer.alloc(0); // let the frame go before locating
  const detections: LocatedDetection[] = merged.map((d) => {
    const g = locatePixel(camera, d.centre.x, d.centre.y);
    return { ...d, lat: g?.lat ?? null, lon: g?.lon ?? null, errorRadiusM: g?.errorRadiusM ?? null, locateMethod: g?.method ?? null };
  });
  const footprint = frameFootprint(camera);
  const t4 = now();
  const locateMs = t4 - t3 - refineMs; // merge + ground positions + footprint

  return {
    metadata,
    camera,
    footprint,
    plan: {
      scale: plan.scale,
      resampledWidth: plan.resampledWidth,
      resampledHeight: plan.resampledHeight,
      tileSize,
      tiles: plan.tiles.length,
    },
    detections,
    model: { name: manifest.name, version: manifest.version, threshold },
    stats: {
      metadataMs: t1 - t0,
      decodeResampleMs: t2 - t1,
      tileMs,
      inferMs,
      locateMs,
      totalMs: t4 - t0,
      tiles: plan.tiles.length,
      refineTiles,
      gatedTiles,
    },
  };
}

/** Nine tile rectangles (resampled pixels) a quarter tile apart around a detection's centre, kept inside the frame. */
function refinementRects(d: FrameDetection, plan: TilePlan, frame: { width: number; height: number }): Rect[] {
  const size = plan.tileSize;
  const step = size / 4;
  const cx = d.centre.x * plan.scaleX;
  const cy = d.centre.y * plan.scaleY;
  const clamp = (v: number, max: number) => Math.max(0, Math.min(Math.max(0, max - size), Math.round(v)));
  const rects: Rect[] = [];
  for (const dy of [-step, 0, step]) {
    for (const dx of [-step, 0, step]) rects.push({ x: clamp(cx + dx - size / 2, frame.width), y: clamp(cy + dy - size / 2, frame.height), w: size, h: size });
  }
  return rects;
}

/** Moves the centre to the evidence-weighted centre of the refinement tiles; keeps it when none has any. */
function recentre(d: FrameDetection, rects: Rect[], scores: TileScore[], threshold: number, plan: TilePlan, frame: { width: number; height: number }): void {
  const weighted = new WeightedCentre();
  rects.forEach((r, i) => {
    const s = scores[i];
    if (!s) return;
    // graded evidence: tiles half way to the threshold still say which side of the box the plants are on
    const weight = s.poppy - threshold * REFINE_EVIDENCE_FRACTION;
    if (weight <= 0) return;
    weighted.add(r.x + r.w / 2, r.y + r.h / 2, weight);
    if (s.poppy > d.score) {
      d.score = s.poppy;
      d.top = s.top;
    }
  });
  const c = weighted.centre();
  if (!c) return;
  d.centre = {
    x: Math.min(frame.width, Math.max(0, c.x / plan.scaleX)),
    y: Math.min(frame.height, Math.max(0, c.y / plan.scaleY)),
  };
}
