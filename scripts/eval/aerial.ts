import path from 'node:path';
import type { Classifier } from '../../server/src/model/classifier.js';
import { cameraModel, type FlightOverrides } from '../../server/src/pipeline/camera.js';
import { readMetadata } from '../../server/src/pipeline/metadata.js';
import { resampleFrame } from '../../server/src/pipeline/resample.js';
import { cutTile, planTiles } from '../../server/src/pipeline/tilePlan.js';
import type { SplitRow } from './split.js';

export interface FrameEval {
  file: string;
  camera: string | null;
  frameGsdCmPerPx: number;
  gsdSource: string;
  tiles: number;
  falsePositiveTiles: number;
  maxPoppy: number;
  /** the highest-scoring tiles: where a false alarm would come from */
  worst: { col: number; row: number; poppy: number; top: string }[];
}

export interface AerialEval {
  frames: FrameEval[];
  tiles: number;
  falsePositiveTiles: number;
  falsePositiveTilesPerFrame: number;
  threshold: number;
  /** flight values given to the camera model (frames without a height use altitudeAglM, as training assumed) */
  overrides: FlightOverrides;
  seconds: number;
}

/**
 * Held-out real aerial frames (no poppies in them) scanned the way the pipeline scans a frame: camera model →
 * ground resolution → resample to the model's resolution → tiles with the manifest overlap → classifyPixels at
 * thresholds.droneTile. Every positive tile is a false positive.
 */
export async function evalAerial(
  classifier: Classifier,
  rows: SplitRow[],
  sharedDir: string,
  overrides: FlightOverrides,
): Promise<AerialEval> {
  const { labels, drone, thresholds } = classifier.manifest;
  const backgroundLabels = new Set(labels.filter((l) => l.kind === 'background').map((l) => l.id));
  const test = rows.filter((r) => r.split === 'test' && backgroundLabels.has(r.label) && /^data\/aerial\//.test(r.file));
  const started = performance.now();
  const frames: FrameEval[] = [];
  for (const row of test) {
    const file = path.join(sharedDir, row.file);
    const meta = await readMetadata(file);
    const camera = cameraModel(meta, overrides);
    const plan = planTiles({
      width: meta.width,
      height: meta.height,
      frameGsdCmPerPx: camera.scanGsdCmPerPx,
      modelGsdCmPerPx: drone.groundResolutionCmPerPx,
      tileSize: drone.tileSize,
      overlap: drone.tileOverlap,
    });
    const frame = await resampleFrame(file, plan.resampledWidth, plan.resampledHeight);
    const tiles = plan.tiles.map((t) => cutTile(frame.data, frame.width, frame.height, t.rect));
    const results = await classifier.classifyPixels(tiles, { topK: 1, threshold: thresholds.droneTile });
    const scored = results.map((r, i) => ({ col: plan.tiles[i].col, row: plan.tiles[i].row, poppy: r.poppy, top: r.top[0].label }));
    frames.push({
      file: row.file,
      camera: meta.model,
      frameGsdCmPerPx: camera.scanGsdCmPerPx,
      gsdSource: camera.gsdCmPerPx !== null ? `${camera.heightSource}, sensor ${camera.sensorSource}` : `fallback: ${camera.unscaledReason}`,
      tiles: tiles.length,
      falsePositiveTiles: results.filter((r) => r.isPoppy).length,
      maxPoppy: Math.max(...results.map((r) => r.poppy)),
      worst: scored.sort((a, b) => b.poppy - a.poppy).slice(0, 3),
    });
  }
  const tiles = frames.reduce((a, f) => a + f.tiles, 0);
  const falsePositiveTiles = frames.reduce((a, f) => a + f.falsePositiveTiles, 0);
  return {
    frames,
    tiles,
    falsePositiveTiles,
    falsePositiveTilesPerFrame: falsePositiveTiles / Math.max(1, frames.length),
    threshold: thresholds.droneTile,
    overrides,
    seconds: (performance.now() - started) / 1000,
  };
}
