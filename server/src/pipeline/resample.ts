import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from '../images/pixelLimit.js';

export interface RawFrame {
  data: Buffer;
  width: number;
  height: number;
}

/** Resampling kernel for drone frames; training tiles are cut from frames resampled by this same function. */
export const FRAME_KERNEL = 'lanczos3';

/**
 * Decodes a frame and resamples it to width × height in one libvips pipeline (JPEG shrink-on-load when it
 * shrinks ≥2×), as stored: no EXIF rotation, so tile coordinates stay in the file's own pixel axes.
 */
export async function resampleFrame(input: string | Buffer, width: number, height: number): Promise<RawFrame> {
  const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .resize(width, height, { fit: 'fill', kernel: FRAME_KERNEL })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded frame has ${info.channels} channels, expected 3`);
  return { data, width: info.width, height: info.height };
}
