import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from './pixelLimit.js';

export const DERIVED_SIZES = { thumb: 320, preview: 1600 } as const;
export type DerivedKind = keyof typeof DERIVED_SIZES;

const inFlight = new Map<string, Promise<string>>();

/** Builds a derived file once (atomic write), sharing the work between concurrent requests. */
async function cached(file: string, build: () => Promise<Buffer>): Promise<string> {
  if (fs.existsSync(file)) return file;
  const pending = inFlight.get(file);
  if (pending) return pending;
  const p = (async () => {
    const bytes = await build();
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${crypto.randomUUID()}.tmp`;
    await fs.promises.writeFile(tmp, bytes);
    await fs.promises.rename(tmp, file);
    return file;
  })().finally(() => inFlight.delete(file));
  inFlight.set(file, p);
  return p;
}

/** A JPEG thumbnail or preview of an original, the right way up, cached under derived/<sha256>/. */
const derivedPath = (derivedDir: string, sha256: string, kind: DerivedKind) => path.join(derivedDir, sha256.slice(0, 2), sha256, `${kind}.jpg`);
const cropPath = (derivedDir: string, detectionId: number) => path.join(derivedDir, 'crops', `${detectionId}.jpg`);

export function derivedImage(derivedDir: string, originalsDir: string, sha256: string, kind: DerivedKind): Promise<string> {
  const size = DERIVED_SIZES[kind];
  return cached(derivedPath(derivedDir, sha256, kind), () =>
    sharp(path.join(originalsDir, sha256), { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: kind === 'thumb' ? 75 : 85, mozjpeg: false })
      .toBuffer(),
  );
}

/** Longest side of the map overlay of a frame (downscaled, in the stored pixel orientation). */
export const OVERLAY_MAX_PX = 1024;
const overlayPath = (derivedDir: string, sha256: string) => path.join(derivedDir, sha256.slice(0, 2), sha256, 'overlay.jpg');

/**
 * A downscaled frame for the map, NOT turned by its EXIF orientation: the footprint's corners are the stored
 * pixel corners (top-left, top-right, bottom-right, bottom-left), so the browser places these pixels as they are.
 */
export function overlayImage(derivedDir: string, originalsDir: string, sha256: string): Promise<string> {
  return cached(overlayPath(derivedDir, sha256), () =>
    sharp(path.join(originalsDir, sha256), { limitInputPixels: MAX_INPUT_PIXELS })
      .resize(OVERLAY_MAX_PX, OVERLAY_MAX_PX, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 78 })
      .toBuffer(),
  );
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Context around a detection box in a crop: this fraction of the box on every side, at least MIN_MARGIN_PX. */
export const CROP_MARGIN = 0.5;
const MIN_MARGIN_PX = 24;
const CROP_MAX_PX = 512;

/** The box grown by the context margin and clamped to the image. */
export function cropRect(box: Box, width: number, height: number): { left: number; top: number; width: number; height: number } {
  const mx = Math.max(MIN_MARGIN_PX, box.w * CROP_MARGIN);
  const my = Math.max(MIN_MARGIN_PX, box.h * CROP_MARGIN);
  const left = Math.max(0, Math.floor(box.x - mx));
  const top = Math.max(0, Math.floor(box.y - my));
  const right = Math.min(width, Math.ceil(box.x + box.w + mx));
  const bottom = Math.min(height, Math.ceil(box.y + box.h + my));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/**
 * A detection crop with context, the right way up. The box is in the stored image's pixel grid (as decoded before
 * EXIF rotation), so the crop is cut first and rotated after.
 */
export function detectionCrop(derivedDir: string, originalsDir: string, sha256: string, detectionId: number, box: Box): Promise<string> {
  return cached(cropPath(derivedDir, detectionId), async () => {
    const src = path.join(originalsDir, sha256);
    const meta = await sharp(src, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const rect = cropRect(box, meta.width ?? 1, meta.height ?? 1);
    const { angle, flop, flip } = orientationOps(meta.orientation ?? 1);
    const cut = await sharp(src, { limitInputPixels: MAX_INPUT_PIXELS }).extract(rect).png({ compressionLevel: 0 }).toBuffer();
    let img = sharp(cut);
    if (flop) img = img.flop();
    if (flip) img = img.flip();
    if (angle) img = img.rotate(angle);
    return img.resize(CROP_MAX_PX, CROP_MAX_PX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
  });
}

/** How to bring a pixel grid stored with an EXIF orientation the right way up (sharp mirrors before rotating). */
export function orientationOps(orientation: number): { angle: number; flop: boolean; flip: boolean } {
  switch (orientation) {
    case 2: return { angle: 0, flop: true, flip: false };
    case 3: return { angle: 180, flop: false, flip: false };
    case 4: return { angle: 0, flop: false, flip: true };
    case 5: return { angle: 270, flop: true, flip: false };
    case 6: return { angle: 90, flop: false, flip: false };
    case 7: return { angle: 90, flop: true, flip: false };
    case 8: return { angle: 270, flop: false, flip: false };
    default: return { angle: 0, flop: false, flip: false };
  }
}

/** Mirrors/rotates an image the right way up per its EXIF orientation (for pixels that lost their metadata). */
function upright(img: sharp.Sharp, orientation: number): sharp.Sharp {
  const { angle, flop, flip } = orientationOps(orientation);
  if (flop) img = img.flop();
  if (flip) img = img.flip();
  return angle ? img.rotate(angle) : img;
}

/**
 * Builds a processed frame's thumbnail, preview and detection crops from ONE decode of the original, so the review
 * app finds them ready (a crop made on request decodes the whole frame). Skips what is already cached.
 */
export async function precomputeDerived(
  derivedDir: string,
  originalsDir: string,
  sha256: string,
  detections: { id: number; box: Box }[],
): Promise<void> {
  const todoKinds = (Object.keys(DERIVED_SIZES) as DerivedKind[]).filter((k) => !fs.existsSync(derivedPath(derivedDir, sha256, k)));
  const todoCrops = detections.filter((d) => !fs.existsSync(cropPath(derivedDir, d.id)));
  if (todoKinds.length === 0 && todoCrops.length === 0) return;
  const src = path.join(originalsDir, sha256);
  const orientation = (await sharp(src, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).orientation ?? 1;
  const { data, info } = await sharp(src, { limitInputPixels: MAX_INPUT_PIXELS }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  for (const kind of todoKinds) {
    const size = DERIVED_SIZES[kind];
    await cached(derivedPath(derivedDir, sha256, kind), () =>
      upright(sharp(data, raw), orientation)
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: kind === 'thumb' ? 75 : 85 })
        .toBuffer(),
    );
  }
  for (const d of todoCrops) {
    await cached(cropPath(derivedDir, d.id), async () => {
      const cut = await sharp(data, raw).extract(cropRect(d.box, info.width, info.height)).png({ compressionLevel: 0 }).toBuffer();
      return upright(sharp(cut), orientation).resize(CROP_MAX_PX, CROP_MAX_PX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
    });
  }
}

/** Drops the cached crops of deleted detections: SQLite may hand a deleted detection's id to a new one. */
export function removeCrops(derivedDir: string, detectionIds: number[]): void {
  for (const id of detectionIds) fs.rmSync(cropPath(derivedDir, id), { force: true });
}
