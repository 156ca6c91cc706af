import sharp from 'sharp';

/** Largest image decoded anywhere (frames, snaps, evidence photos, derived images): a decompression bomb stops here. */
export const MAX_INPUT_PIXELS = 100_000_000;

/** The sentence for an image over the pixel limit, or null when it is within it. */
export function pixelLimitProblem(width: number, height: number, what = 'image'): string | null {
  if (width * height <= MAX_INPUT_PIXELS) return null;
  const megapixels = ((width * height) / 1e6).toFixed(0);
  return `The ${what} is ${width}×${height} px, ${megapixels} megapixels; the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels.`;
}

export type SizeCheck =
  | { ok: true; width: number; height: number; orientation: number | null }
  | { ok: false; code: 'unreadable_image' | 'image_too_large'; reason: string };

/** Reads only the header (no pixels): the size, or why the image cannot be read or is too large to decode. */
export async function checkImageSize(input: string | Buffer, what = 'image'): Promise<SizeCheck> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    return { ok: false, code: 'unreadable_image', reason: `The ${what} cannot be read: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!meta.width || !meta.height) return { ok: false, code: 'unreadable_image', reason: `The ${what} has no readable size.` };
  const tooLarge = pixelLimitProblem(meta.width, meta.height, what);
  if (tooLarge) return { ok: false, code: 'image_too_large', reason: tooLarge };
  return { ok: true, width: meta.width, height: meta.height, orientation: meta.orientation ?? null };
}
