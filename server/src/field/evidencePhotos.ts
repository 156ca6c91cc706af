import fs from 'node:fs';
import { checkImageSize } from '../images/pixelLimit.js';
import { ACCEPTED_PHOTO_TYPES, MIME, sniffPhotoType } from '../images/sniff.js';
import { cleanFileName } from '../jobs/ingest.js';
import { readPhotoExif } from '../snap/location.js';
import { HEIC_MESSAGE, PhotoRejected } from '../images/photoRejected.js';
import type { Store } from '../store/index.js';
import type { StoredPhoto } from './recordFieldChange.js';

/** A photo as the upload storage hands it over: streamed to a temp file, hashed, its first bytes kept for sniffing. */
export interface ReceivedPhoto {
  originalname: string;
  path: string | null;
  size: number;
  sha256: string;
  head: Buffer;
  /** set when the upload went over the size limit (the rest was not stored) */
  refused?: { code: string; reason: string };
}

/**
 * Checks evidence photos exactly as snaps are checked (type by content, HEIC advice, size and pixel limits) and
 * keeps them under originals/<sha256>. Any bad photo refuses the whole request with the snap error codes (PhotoRejected); the
 * temp files are always removed.
 */
export async function takeEvidencePhotos(files: ReceivedPhoto[], store: Store, limitBytes: number): Promise<StoredPhoto[]> {
  try {
    const checked: (StoredPhoto & { tmp: string })[] = [];
    for (const f of files) {
      const name = cleanFileName(f.originalname);
      if (f.refused || !f.path) {
        throw new PhotoRejected('photo_too_large', `Photo "${name}" is larger than the limit of ${Math.round(limitBytes / 1024 / 1024)} MB per photo.`);
      }
      if (f.size === 0) throw new PhotoRejected('photo_missing', `Photo "${name}" is empty (0 bytes).`);
      const type = sniffPhotoType(f.head);
      if (type === 'heic' || type === 'avif') throw new PhotoRejected('heic_not_supported', HEIC_MESSAGE);
      if (!ACCEPTED_PHOTO_TYPES.includes(type)) {
        throw new PhotoRejected('unsupported_photo_type', `Photo "${name}" is not a JPEG, PNG or WebP photo (judged by its content, not its name).`);
      }
      const meta = await checkImageSize(f.path, 'photo');
      if (!meta.ok && meta.code === 'image_too_large') throw new PhotoRejected('photo_too_large', `Photo "${name}": ${meta.reason}`);
      if (!meta.ok) throw new PhotoRejected('unreadable_photo', `Photo "${name}": ${meta.reason}`);
      // where and when the photo says it was taken: evidence next to the officer's record (never required)
      const exif = await readPhotoExif(await fs.promises.readFile(f.path));
      checked.push({
        tmp: f.path,
        sha256: f.sha256,
        sizeBytes: f.size,
        mime: MIME[type as keyof typeof MIME],
        width: meta.width,
        height: meta.height,
        orientation: meta.orientation,
        name,
        gps: exif.gps ? { lat: exif.gps.lat, lon: exif.gps.lon } : null,
        takenAt: exif.takenAt,
      });
    }
    const kept: StoredPhoto[] = [];
    for (const { tmp, ...photo } of checked) {
      await store.blobs.keepOriginal(photo.sha256, { file: tmp });
      kept.push(photo);
    }
    return kept;
  } finally {
    await Promise.all(files.map(async (f) => (f.path ? fs.promises.rm(f.path, { force: true }) : undefined)));
  }
}

/** After a refused change: originals that no images row refers to are removed again. */
export async function dropUnreferenced(store: Store, photos: StoredPhoto[]): Promise<void> {
  for (const p of photos) {
    if (!(await store.images.isShaReferenced(p.sha256))) await store.blobs.removeOriginal(p.sha256);
  }
}
