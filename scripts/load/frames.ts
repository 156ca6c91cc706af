import sharp from 'sharp';

export interface FrameOptions {
  /** decimal degrees */
  lat: number;
  lon: number;
  width?: number;
  height?: number;
  /** makes each frame's bytes (and so its sha256) different */
  seed?: number;
  /** raw EXIF GPS rationals instead of lat/lon (hostile-input tests: "0/0 0/0 0/0" is NaN) */
  rawGps?: { lat: string; lon: string };
  /** no EXIF at all */
  noExif?: boolean;
}

/** EXIF rational "d/1 m/1 s*100/100" for a decimal degree value. */
function dms(value: number): string {
  const v = Math.abs(value);
  const d = Math.floor(v);
  const mFloat = (v - d) * 60;
  const m = Math.floor(mFloat);
  const s = Math.round((mFloat - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${s}/10000`;
}

/**
 * A small nadir drone-like JPEG with DJI FC6310 EXIF and GPS: field stripes with noise so it compresses like a
 * photo, different for every seed. Used by the load script and the crash/hostile tests (no shared data needed).
 */
export async function makeFrame(o: FrameOptions): Promise<Buffer> {
  const width = o.width ?? 800;
  const height = o.height ?? 600;
  const seed = o.seed ?? 0;
  const px = Buffer.alloc(width * height * 3);
  let state = (seed * 2654435761 + 12345) >>> 0;
  const rand = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const stripe = 40 + (seed % 7) * 9;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const band = Math.floor((x + y * 0.3 + seed * 13) / stripe) % 3;
      const n = rand() * 30;
      const i = (y * width + x) * 3;
      px[i] = [90, 120, 150][band] + n;
      px[i + 1] = [130, 110, 140][band] + n;
      px[i + 2] = [60, 70, 90][band] + n;
    }
  }
  // red flower-like speckles, so the pipeline's petal-colour gate lets tiles through to inference as in a real field
  for (let k = 0; k < 40; k++) {
    const cx = Math.floor(rand() * width);
    const cy = Math.floor(rand() * height);
    for (let y = Math.max(0, cy - 3); y < Math.min(height, cy + 4); y++) {
      for (let x = Math.max(0, cx - 3); x < Math.min(width, cx + 4); x++) {
        const i = (y * width + x) * 3;
        px[i] = 215;
        px[i + 1] = 40;
        px[i + 2] = 35;
      }
    }
  }
  const img = sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 });
  if (o.noExif) return img.toBuffer();
  return img
    .withExif({
      IFD0: { Make: 'DJI', Model: 'FC6310' },
      IFD2: { FocalLength: '88/10', DateTimeOriginal: '2026:05:01 10:00:00' },
      IFD3: {
        GPSLatitudeRef: o.lat >= 0 ? 'N' : 'S',
        GPSLatitude: o.rawGps?.lat ?? dms(o.lat),
        GPSLongitudeRef: o.lon >= 0 ? 'E' : 'W',
        GPSLongitude: o.rawGps?.lon ?? dms(o.lon),
      },
    })
    .toBuffer();
}

/** `count` frames along a short track; the flight must be created with altitudeAglM (no RelativeAltitude here). */
export async function makeFlightFrames(count: number, opts: { seed?: number; width?: number; height?: number } = {}): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const seed = (opts.seed ?? 0) * 100_000 + i;
    out.push(await makeFrame({ lat: 34.5 + i * 0.00005, lon: 69.1 + (seed % 97) * 0.00001, seed, width: opts.width, height: opts.height }));
  }
  return out;
}
