// Issue 15 "one of each": one sniffer, one pixel limit, one sha256, one way to keep an original, one GPS rule,
// one model version string, one weighted centre — each used by frames, snaps and evidence photos alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { isUsablePosition, positionProblem } from '../src/domain/position.js';
import { modelVersionOf } from '../src/domain/modelVersion.js';
import { keepOriginal } from '../src/images/originals.js';
import { checkImageSize, MAX_INPUT_PIXELS, pixelLimitProblem } from '../src/images/pixelLimit.js';
import { sniffImage, sniffPhotoType, sniffType, SNIFF_BYTES } from '../src/images/sniff.js';
import { readMetadata } from '../src/pipeline/metadata.js';
import { readPhotoExif } from '../src/snap/location.js';
import { sha256, sha256OfFile } from '../src/util/sha256.js';
import { WeightedCentre } from '../src/util/weightedCentre.js';
import { makeTestJpeg } from './helpers/server.js';
import { ftypBox } from './helpers/hostileFiles.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-one-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('one file sniffer', () => {
  it('frames and photos agree on every type; frames also take TIFF, photos do not', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } });
    const tiff = await img.clone().tiff().toBuffer();
    expect(sniffType(tiff)).toBe('tiff');
    expect(sniffImage(tiff)).toEqual({ ok: true, mime: 'image/tiff' });
    expect(sniffPhotoType(tiff)).toBe('tiff'); // snaps accept only jpeg, png, webp (ACCEPTED_PHOTO_TYPES)
    for (const [buf, mime] of [
      [await img.clone().jpeg().toBuffer(), 'image/jpeg'],
      [await img.clone().png().toBuffer(), 'image/png'],
      [await img.clone().webp().toBuffer(), 'image/webp'],
    ] as const) {
      expect(sniffImage(buf.subarray(0, SNIFF_BYTES))).toEqual({ ok: true, mime });
    }
    expect(sniffImage(Buffer.alloc(0))).toMatchObject({ ok: false, code: 'empty_file' });
    expect(sniffImage(Buffer.from('GIF89a....'))).toMatchObject({ ok: false, code: 'unsupported_type' });
  });

  it('frames get the HEIF brands snaps know (hevm, hevs, a compatible brand behind isom), with the JPEG advice', () => {
    for (const heif of [ftypBox('hevm', 'mif1'), ftypBox('hevs'), ftypBox('isom', 'heic'), ftypBox('mif1', 'avis')]) {
      expect(heif.length).toBeLessThanOrEqual(SNIFF_BYTES);
      expect(['heic', 'avif']).toContain(sniffPhotoType(heif));
      const frame = sniffImage(heif);
      expect(frame).toMatchObject({ ok: false, code: 'unsupported_type' });
      expect(frame.ok ? '' : frame.reason).toMatch(/HEIC\/HEIF\/AVIF.*JPEG/);
    }
  });
});

describe('one pixel limit', () => {
  it('says the size and the limit in one sentence for frames and photos', async () => {
    expect(pixelLimitProblem(10_000, 10_000)).toBeNull();
    expect(pixelLimitProblem(30_000, 30_000, 'photo')).toBe('The photo is 30000×30000 px, 900 megapixels; the limit is 100 megapixels.');
    expect(MAX_INPUT_PIXELS).toBe(100_000_000);
    const ok = await checkImageSize(await makeTestJpeg({ width: 40, height: 30 }));
    expect(ok).toMatchObject({ ok: true, width: 40, height: 30 });
    expect(await checkImageSize(Buffer.from('not an image'))).toMatchObject({ ok: false, code: 'unreadable_image' });
  });
});

describe('one sha256 and one way to keep an original', () => {
  it('hashes bytes and files alike', async () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const f = path.join(tmp, 'abc');
    fs.writeFileSync(f, 'abc');
    expect(await sha256OfFile(f)).toBe(sha256(Buffer.from('abc')));
  });

  it('keeps bytes or a received file read-only under its digest, once', async () => {
    const dir = path.join(tmp, 'originals');
    fs.mkdirSync(dir);
    const bytes = Buffer.from('original bytes');
    const digest = sha256(bytes);
    const dest = await keepOriginal(dir, digest, { bytes });
    expect(dest).toBe(path.join(dir, digest));
    expect(fs.readFileSync(dest)).toEqual(bytes);
    expect(fs.statSync(dest).mode & 0o222).toBe(0); // nobody writes to an original
    const received = path.join(tmp, 'upload-1');
    fs.writeFileSync(received, bytes);
    expect(await keepOriginal(dir, digest, { file: received })).toBe(dest);
    expect(fs.existsSync(received)).toBe(false); // the duplicate temp file is gone, the original untouched
    const other = path.join(tmp, 'upload-2');
    fs.writeFileSync(other, 'other bytes');
    const d2 = await keepOriginal(dir, sha256('other bytes'), { file: other });
    expect([fs.existsSync(other), fs.readFileSync(d2, 'utf8'), fs.statSync(d2).mode & 0o222]).toEqual([false, 'other bytes', 0]);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.part'))).toEqual([]);
  });
});

describe('one GPS-validity rule', () => {
  // A receiver without a fix writes (0,0), sometimes a hair off it. The user expects such a photo to count as
  // having no position (a snap then asks for the phone's position or a pin), in frames and snaps alike; a real place
  // on the equator or the prime meridian keeps its position.
  it('(0,0) and a hair off it are no fix; the equator and the prime meridian alone are real places', () => {
    expect(isUsablePosition(0, 0)).toBe(false);
    expect(isUsablePosition(2e-7, -2e-7)).toBe(false);
    expect(positionProblem(0, 0)).toMatch(/\(0, 0\)/);
    expect(isUsablePosition(0, 9.45)).toBe(true); // Libreville's latitude line
    expect(isUsablePosition(5.6, 0)).toBe(true); // Accra's meridian
    expect(isUsablePosition(-0.18, -78.47)).toBe(true); // Quito
    expect(isUsablePosition(90.5, 10)).toBe(false);
    expect(isUsablePosition(Number.NaN, 10)).toBe(false);
  });

  it('frames and snap photos read the same EXIF the same way', async () => {
    for (const [lat, lon, usable] of [
      [0, 0, false],
      [0.0000002, 0.0000002, false],
      [0, 9.45, true],
      [25.0433, 102.7106, true],
    ] as const) {
      const jpeg = await makeTestJpeg({ lat, lon });
      const frame = await readMetadata(jpeg);
      const photo = await readPhotoExif(jpeg);
      expect([lat, lon, frame.gps !== null, photo.gps !== null]).toEqual([lat, lon, usable, usable]);
      if (!usable) expect(frame.gpsReason).toMatch(/\(0, 0\)/);
    }
  });
});

describe('one model version string and one weighted centre', () => {
  it('names a model <name>-<version>', () => {
    expect(modelVersionOf({ name: 'poppywatch-aerial', version: '1.0.0+local.2' })).toBe('poppywatch-aerial-1.0.0+local.2');
  });

  it('weights points; a running mean is the old centre weighted by its count', () => {
    expect(new WeightedCentre().centre()).toBeNull();
    expect(new WeightedCentre().add(0, 0, 1).add(10, 20, 3).centre()).toEqual({ x: 7.5, y: 15 });
    const n = 3;
    const mean = new WeightedCentre().add(25.1, 102.7, n).add(25.2, 102.8, 1).centre()!;
    expect(mean.x).toBe((25.1 * n + 25.2) / (n + 1));
    expect(mean.y).toBe((102.7 * n + 102.8) / (n + 1));
  });
});
