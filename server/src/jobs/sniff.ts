/** Image types accepted for frames, recognised by their first bytes rather than their names. */
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/tiff' | 'image/webp';

export type Sniffed = { ok: true; mime: ImageMime } | { ok: false; code: string; reason: string };

export const SNIFF_BYTES = 16;

export function sniffImage(head: Buffer): Sniffed {
  const b = head;
  if (b.length === 0) return { ok: false, code: 'empty_file', reason: 'The file is empty.' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { ok: true, mime: 'image/jpeg' };
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { ok: true, mime: 'image/png' };
  }
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))) {
    return { ok: true, mime: 'image/tiff' };
  }
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    return { ok: true, mime: 'image/webp' };
  }
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') {
    const brand = b.toString('latin1', 8, 12);
    if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif)$/.test(brand)) {
      return {
        ok: false,
        code: 'unsupported_type',
        reason: `HEIC/HEIF/AVIF images (${brand.trim()}) are not supported; export the photos as JPEG (on iPhone: Settings → Camera → Formats → Most Compatible).`,
      };
    }
  }
  return { ok: false, code: 'unsupported_type', reason: 'Not a JPEG, PNG, TIFF or WebP image (checked by content, not by name).' };
}
