/**
 * What an image file really is, judged by its first bytes (never by its name or the client's Content-Type).
 * Frames accept JPEG, PNG, TIFF and WebP (`sniffImage`); snap and evidence photos JPEG, PNG and WebP
 * (`sniffPhotoType` + ACCEPTED_PHOTO_TYPES). HEIC/HEIF and AVIF are recognised so both can say how to send JPEG.
 */
export type ImageType = 'jpeg' | 'png' | 'tiff' | 'webp' | 'heic' | 'avif' | 'unknown';
export type PhotoType = ImageType;
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/tiff' | 'image/webp';

/** Bytes read for sniffing: enough for an ISO-BMFF ftyp box with its compatible brands. */
export const SNIFF_BYTES = 64;

export const MIME: Record<'jpeg' | 'png' | 'tiff' | 'webp', ImageMime> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  webp: 'image/webp',
};

export const ACCEPTED_PHOTO_TYPES: readonly ImageType[] = ['jpeg', 'png', 'webp'];
const ACCEPTED_FRAME_TYPES: readonly ImageType[] = ['jpeg', 'png', 'tiff', 'webp'];

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sniffType(buf: Buffer): ImageType {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (buf.length >= 4 && ((buf[0] === 0x49 && buf[1] === 0x49 && buf[2] === 0x2a && buf[3] === 0x00) || (buf[0] === 0x4d && buf[1] === 0x4d && buf[2] === 0x00 && buf[3] === 0x2a))) {
    return 'tiff';
  }
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (buf.length >= 12 && buf.toString('latin1', 4, 8) === 'ftyp') {
    // ISO-BMFF: the major brand, then compatible brands until the end of the ftyp box.
    const boxSize = Math.min(buf.readUInt32BE(0), buf.length);
    const brands = [buf.toString('latin1', 8, 12)];
    for (let o = 16; o + 4 <= boxSize; o += 4) brands.push(buf.toString('latin1', o, o + 4));
    if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
    if (brands.some((b) => HEIF_BRANDS.has(b))) return 'heic';
  }
  return 'unknown';
}

/** Snap and evidence photos: the type; the caller refuses what is not in ACCEPTED_PHOTO_TYPES. */
export const sniffPhotoType = sniffType;

export type Sniffed = { ok: true; mime: ImageMime } | { ok: false; code: string; reason: string };

/** Frames of a flight: accepted with their MIME type, or refused with a code and a sentence. */
export function sniffImage(head: Buffer): Sniffed {
  if (head.length === 0) return { ok: false, code: 'empty_file', reason: 'The file is empty.' };
  const type = sniffType(head);
  if (ACCEPTED_FRAME_TYPES.includes(type)) return { ok: true, mime: MIME[type as keyof typeof MIME] };
  if (type === 'heic' || type === 'avif') {
    return {
      ok: false,
      code: 'unsupported_type',
      reason: `HEIC/HEIF/AVIF images (${head.toString('latin1', 8, 12).trim()}) are not supported; export the photos as JPEG (on iPhone: Settings → Camera → Formats → Most Compatible).`,
    };
  }
  return { ok: false, code: 'unsupported_type', reason: 'Not a JPEG, PNG, TIFF or WebP image (checked by content, not by name).' };
}
