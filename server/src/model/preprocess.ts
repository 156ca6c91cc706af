import sharp from 'sharp';
import type { ModelManifest } from './manifest.js';

/** Refuse images whose pixel count would exhaust memory (decompression bombs); 100 MP covers 48 MP phones. */
export const MAX_INPUT_PIXELS = 100_000_000;

/**
 * Close-up preprocessing, the single definition shared by training data preparation, evaluation and serving:
 * EXIF-rotate, resize to size×size (fit cover, centre, lanczos3), sRGB, 3 channels, raw uint8 HWC.
 */
export async function closeupPixels(input: string | Buffer, size: number): Promise<Buffer> {
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** Packs raw RGB HWC uint8 images (size×size each) into one normalised NCHW float32 batch. */
export function toNchwTensor(images: Buffer[], manifest: Pick<ModelManifest, 'input'>): Float32Array {
  const { size, scale, mean, std } = manifest.input;
  const plane = size * size;
  const out = new Float32Array(images.length * 3 * plane);
  images.forEach((rgb, n) => {
    if (rgb.length !== plane * 3) throw new Error(`image ${n} has ${rgb.length} bytes, expected ${plane * 3}`);
    const base = n * 3 * plane;
    for (let c = 0; c < 3; c++) {
      const m = mean[c];
      const s = std[c];
      const o = base + c * plane;
      for (let i = 0; i < plane; i++) out[o + i] = (rgb[i * 3 + c] / scale - m) / s;
    }
  });
  return out;
}
