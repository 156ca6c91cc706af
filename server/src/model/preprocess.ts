import sharp from 'sharp';
import type { ModelManifest } from './manifest.js';
import { MAX_INPUT_PIXELS } from '../images/pixelLimit.js';


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
  const plane = manifest.input.size * manifest.input.size;
  const out = new Float32Array(images.length * 3 * plane);
  fillNchw(images, normalisationTable(manifest), plane, out);
  return out;
}

/** Normalised value of every byte per channel: table[c * 256 + v] = (v / scale - mean[c]) / std[c]. */
export function normalisationTable(manifest: Pick<ModelManifest, 'input'>): Float32Array {
  const { scale, mean, std } = manifest.input;
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / scale - mean[c]) / std[c];
  return table;
}

/** Writes raw RGB HWC images into `out` (NCHW, at least images.length × 3 × plane floats) without allocating. */
export function fillNchw(images: Buffer[], table: Float32Array, plane: number, out: Float32Array): void {
  if (out.length < images.length * 3 * plane) throw new Error(`output buffer holds ${out.length} floats, need ${images.length * 3 * plane}`);
  images.forEach((rgb, n) => {
    if (rgb.length !== plane * 3) throw new Error(`image ${n} has ${rgb.length} bytes, expected ${plane * 3}`);
    const base = n * 3 * plane;
    for (let c = 0; c < 3; c++) {
      const o = base + c * plane;
      const t = c * 256;
      for (let i = 0, j = c; i < plane; i++, j += 3) out[o + i] = table[t + rgb[j]];
    }
  });
}
