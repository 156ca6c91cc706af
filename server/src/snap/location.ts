import exifr from 'exifr';
import { isUsablePosition } from '../domain/position.js';
import type { SentPosition, SnapLocation } from '../domain/contract.js';

export type { LocationSource, SnapLocation } from '../domain/contract.js';

export interface PhotoExif {
  gps: { lat: number; lon: number; accuracyM: number | null } | null;
  takenAt: string | null;
  make: string | null;
  model: string | null;
}

/** Reads GPS and capture details; a photo with garbage or no EXIF simply has none (never throws). */
export async function readPhotoExif(photo: Buffer): Promise<PhotoExif> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(photo, {
      gps: true,
      tiff: true,
      ifd0: { pick: ['Make', 'Model'] } as never,
      exif: { pick: ['DateTimeOriginal'] } as never,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: false,
    });
  } catch {
    tags = undefined;
  }
  const lat = tags?.latitude;
  const lon = tags?.longitude;
  const hErr = tags?.GPSHPositioningError;
  const gps =
    typeof lat === 'number' && typeof lon === 'number' && isUsablePosition(lat, lon)
      ? { lat, lon, accuracyM: typeof hErr === 'number' && Number.isFinite(hErr) && hErr >= 0 ? hErr : null }
      : null;
  const taken = tags?.DateTimeOriginal;
  return {
    gps,
    takenAt: taken instanceof Date && !Number.isNaN(taken.getTime()) ? taken.toISOString() : null,
    make: typeof tags?.Make === 'string' ? tags.Make.trim() : null,
    model: typeof tags?.Model === 'string' ? tags.Model.trim() : null,
  };
}

export type { SentPosition } from '../domain/contract.js';

/** The photo's own GPS wins and is used exactly as written; otherwise what the phone sent; otherwise none. */
export function chooseLocation(exif: PhotoExif, sent: SentPosition | null): SnapLocation | null {
  if (exif.gps) return { lat: exif.gps.lat, lon: exif.gps.lon, source: 'exif', accuracyM: exif.gps.accuracyM };
  if (sent) return { lat: sent.lat, lon: sent.lon, source: sent.source, accuracyM: sent.accuracyM };
  return null;
}
