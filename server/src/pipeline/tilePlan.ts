export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Tile {
  index: number;
  col: number;
  row: number;
  /** rectangle in the resampled frame, always tileSize × tileSize (may stick out of a frame smaller than a tile) */
  rect: Rect;
  /** the same rectangle in original (stored) pixels, clipped to the frame */
  original: Rect;
}

export interface TilePlanInput {
  /** stored pixel size of the frame */
  width: number;
  height: number;
  /** ground resolution of the frame as taken */
  frameGsdCmPerPx: number;
  /** ground resolution the model expects (manifest drone.groundResolutionCmPerPx) */
  modelGsdCmPerPx: number;
  tileSize: number;
  /** fraction of a tile shared with its neighbour (manifest drone.tileOverlap) */
  overlap: number;
}

export interface TilePlan {
  /** resampled pixels per original pixel (frame GSD / model GSD); <1 shrinks */
  scale: number;
  resampledWidth: number;
  resampledHeight: number;
  /** exact per-axis factors after rounding the resampled size: original = resampled / scaleX */
  scaleX: number;
  scaleY: number;
  tileSize: number;
  cols: number;
  rows: number;
  tiles: Tile[];
}

/**
 * Tile start offsets along one axis: as few tiles as the overlap allows, spread evenly so the first starts at 0
 * and the last ends exactly at the edge (the edge tiles overlap a little more instead of sticking out).
 */
export function axisOffsets(length: number, tileSize: number, overlap: number): number[] {
  if (length <= tileSize) return [0];
  const stride = Math.max(1, Math.round(tileSize * (1 - overlap)));
  const n = Math.ceil((length - tileSize) / stride) + 1;
  const span = length - tileSize;
  return Array.from({ length: n }, (_, i) => Math.round((i * span) / (n - 1)));
}

/** Resample size and tile rectangles that cover the whole resampled frame at the model's ground resolution. */
export function planTiles(input: TilePlanInput): TilePlan {
  const { width, height, frameGsdCmPerPx, modelGsdCmPerPx, tileSize, overlap } = input;
  if (!(width > 0 && height > 0)) throw new Error(`bad frame size ${width}×${height}`);
  if (!(frameGsdCmPerPx > 0 && modelGsdCmPerPx > 0)) throw new Error('ground resolutions must be positive');
  if (!(tileSize > 0) || !(overlap >= 0 && overlap < 1)) throw new Error('bad tile size or overlap');
  const scale = frameGsdCmPerPx / modelGsdCmPerPx;
  const resampledWidth = Math.max(1, Math.round(width * scale));
  const resampledHeight = Math.max(1, Math.round(height * scale));
  const scaleX = resampledWidth / width;
  const scaleY = resampledHeight / height;
  const xs = axisOffsets(resampledWidth, tileSize, overlap);
  const ys = axisOffsets(resampledHeight, tileSize, overlap);
  const tiles: Tile[] = [];
  ys.forEach((y, row) =>
    xs.forEach((x, col) => {
      const rect = { x, y, w: tileSize, h: tileSize };
      tiles.push({ index: tiles.length, col, row, rect, original: toOriginal(rect, scaleX, scaleY, width, height) });
    }),
  );
  return { scale, resampledWidth, resampledHeight, scaleX, scaleY, tileSize, cols: xs.length, rows: ys.length, tiles };
}

/** A rectangle in resampled pixels → original pixels, clipped to the frame. */
export function toOriginal(r: Rect, scaleX: number, scaleY: number, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor(r.x / scaleX));
  const y0 = Math.max(0, Math.floor(r.y / scaleY));
  const x1 = Math.min(width, Math.ceil((r.x + r.w) / scaleX));
  const y1 = Math.min(height, Math.ceil((r.y + r.h) / scaleY));
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/**
 * Copies one tile out of a raw interleaved RGB frame (resampledWidth × resampledHeight × 3).
 * Parts outside the frame (frames smaller than a tile) are filled by repeating the edge pixels.
 */
export function cutTile(raw: Buffer, frameWidth: number, frameHeight: number, rect: Rect, channels = 3): Buffer {
  const out = Buffer.allocUnsafe(rect.w * rect.h * channels);
  const inside = rect.x >= 0 && rect.y >= 0 && rect.x + rect.w <= frameWidth && rect.y + rect.h <= frameHeight;
  const rowBytes = rect.w * channels;
  for (let ty = 0; ty < rect.h; ty++) {
    const sy = Math.min(frameHeight - 1, Math.max(0, rect.y + ty));
    if (inside) {
      const start = (sy * frameWidth + rect.x) * channels;
      raw.copy(out, ty * rowBytes, start, start + rowBytes);
      continue;
    }
    for (let tx = 0; tx < rect.w; tx++) {
      const sx = Math.min(frameWidth - 1, Math.max(0, rect.x + tx));
      const s = (sy * frameWidth + sx) * channels;
      const d = (ty * rect.w + tx) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = raw[s + c];
    }
  }
  return out;
}
