import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../src/model/classifier.js';
import { loadManifest } from '../src/model/manifest.js';
import { submitSnap } from '../src/snap/submitSnap.js';
import { testManifestPath } from './helpers/model.js';
import { describeWithShared, sharedPath } from './helpers/shared.js';
import { startSnapServer, type SnapTestServer } from './snapServer.js';

const manifestPath = testManifestPath();
const PHONE = sharedPath('data', 'phone');
const MAX_MB = 3;

interface Answer {
  id: number;
  verdict: string;
  poppyScore: number;
  top: { label: string; score: number; en: string; zh: string }[];
  advice: string[];
  reasons: string[];
  thresholds: { poppy: number; uncertainLow: number };
  location: { lat: number; lon: number; source: string; accuracyM: number | null };
  siteId: number;
  imageId: number;
  note: string | null;
}

let srv: SnapTestServer;

async function snap(
  photo: Buffer | null,
  fields: Record<string, string> = {},
  headers: Record<string, string> = srv.officer,
  fileName = 'photo.jpg',
): Promise<{ status: number; body: Answer & { error?: string; message?: string }; headers: Headers }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (photo) form.append('photo', new Blob([new Uint8Array(photo)]), fileName);
  const res = await fetch(`${srv.url}/api/snaps`, { method: 'POST', headers, body: form });
  return { status: res.status, body: (await res.json()) as Answer & { error?: string }, headers: res.headers };
}

const phoneFiles = () => (fs.existsSync(PHONE) ? fs.readdirSync(PHONE).filter((f) => f.endsWith('.jpg')).sort() : []);

async function phonePhoto(withGps: boolean): Promise<{ file: string; bytes: Buffer; gps: { latitude: number; longitude: number } | undefined }> {
  for (const f of phoneFiles()) {
    const bytes = fs.readFileSync(path.join(PHONE, f));
    const gps = await exifr.gps(bytes).catch(() => undefined);
    if (Boolean(gps) === withGps) return { file: f, bytes, gps };
  }
  throw new Error(`no phone photo ${withGps ? 'with' : 'without'} GPS in ${PHONE}`);
}

const snapCount = async () => (await srv.store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM snaps'))!.n;
const siteCount = async () => (await srv.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites WHERE source = 'phone'"))!.n;

describe.runIf(manifestPath)('POST /api/snaps', () => {
  beforeAll(async () => {
    srv = await startSnapServer({ manifestPath: manifestPath!, maxFileMb: MAX_MB });
  });
  afterAll(async () => {
    await srv?.close();
  });

  const flower = () =>
    sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 30, b: 40 } } })
      .composite([{ input: Buffer.from('<svg width="640" height="480"><circle cx="320" cy="240" r="120" fill="#222"/></svg>') }])
      .jpeg()
      .toBuffer();

  it('needs the officer role: anonymous 401, reviewer 403', async () => {
    const photo = await flower();
    expect((await snap(photo, { lat: '51.5', lon: '-1.2' }, {})).status).toBe(401);
    const r = await snap(photo, { lat: '51.5', lon: '-1.2' }, srv.reviewer);
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('forbidden');
  });

  it('uses the sent position when the photo has no GPS, and says where it came from', async () => {
    const photo = await flower();
    const r = await snap(photo, { lat: '51.75', lon: '-1.25', accuracyM: '7.5', note: '  <b>behind</b> the shed \u0007 ' });
    expect(r.status).toBe(201);
    expect(r.body.location).toEqual({ lat: 51.75, lon: -1.25, source: 'device', accuracyM: 7.5 });
    expect(r.body.note).toBe('<b>behind</b> the shed');
    expect(['poppy', 'not_poppy', 'uncertain']).toContain(r.body.verdict);
    expect(r.body.top).toHaveLength(3);
    for (const t of r.body.top) expect(t.en && t.zh).toBeTruthy();
    const manual = await snap(photo, { lat: '51.7', lon: '-1.3', locationSource: 'manual' });
    expect(manual.body.location.source).toBe('manual');
  });

  it('refuses a snap it cannot place', async () => {
    const r = await snap(await flower());
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('location_required');
    expect(r.body.message).toMatch(/lat and lon/);
  });

  it.each([
    [{ lat: 'abc', lon: '1' }, /lat must be a number/],
    [{ lat: '95', lon: '1' }, /lat must be between -90 and 90/],
    [{ lat: '10', lon: '-181' }, /lon must be between -180 and 180/],
    [{ lat: '10' }, /lat and lon together/],
    [{ lat: '0', lon: '0' }, /0,0/],
    [{ lat: '10', lon: '10', accuracyM: '-3' }, /accuracyM/],
    [{ lat: '10', lon: '10', idempotencyKey: 'has space' }, /idempotencyKey/],
  ])('answers 400 naming the bad field for %j', async (fields, message) => {
    const r = await snap(await flower(), fields as Record<string, string>);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_request');
    expect(r.body.message).toMatch(message);
  });

  it('answers 400 without a photo and names the field', async () => {
    const r = await snap(null, { lat: '10', lon: '10' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('photo_missing');
    expect(r.body.message).toMatch(/"photo"/);
  });

  it('answers 415 for HEIC with how to send JPEG, and for non-images', async () => {
    // The first bytes of an iPhone HEIC: an ftyp box with major brand "heic".
    const heic = Buffer.concat([Buffer.from('00000018667479706865696300000000', 'hex'), Buffer.from('mif1heic'), crypto.randomBytes(2000)]);
    const r = await snap(heic, { lat: '10', lon: '10' }, srv.officer, 'IMG_0001.jpg');
    expect(r.status).toBe(415);
    expect(r.body.error).toBe('heic_not_supported');
    expect(r.body.message).toMatch(/Settings → Camera → Formats → "Most Compatible"/);
    expect(r.body.message).toMatch(/JPEG/);
    const junk = await snap(crypto.randomBytes(5000), { lat: '10', lon: '10' });
    expect(junk.status).toBe(415);
    expect(junk.body.error).toBe('unsupported_photo_type');
    const gif = await snap(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), { lat: '10', lon: '10' }, srv.officer, 'x.png');
    expect(gif.status).toBe(415);
  });

  it('answers 400 for a truncated JPEG, without storing anything', async () => {
    const before = await snapCount();
    const whole = await flower();
    const originals = () => fs.readdirSync(srv.store.blobs.originals).length;
    const files = originals();
    for (const cut of [300, Math.floor(whole.length * 0.6)]) {
      const r = await snap(whole.subarray(0, cut), { lat: '10', lon: '10' });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('unreadable_photo');
    }
    expect(await snapCount()).toBe(before);
    expect(originals()).toBe(files);
  });

  it('answers 413 above the size limit and states the limit', async () => {
    const big = Buffer.concat([await flower(), crypto.randomBytes(MAX_MB * 1024 * 1024 + 10)]);
    const r = await snap(big, { lat: '10', lon: '10' });
    expect(r.status).toBe(413);
    expect(r.body.error).toBe('photo_too_large');
    expect(r.body.message).toContain(`${MAX_MB} MB`);
  });

  it('answers 413 for a decompression bomb (a 30000×30000 PNG in a few bytes), naming the megapixel limit', async () => {
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(body) >>> 0);
      return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(30000, 0);
    ihdr.writeUInt32BE(30000, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // RGB
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(Buffer.alloc(30000 * 3 + 1))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const r = await snap(bomb, { lat: '10', lon: '10' }, srv.officer, 'bomb.png');
    expect(r.status).toBe(413);
    expect(r.body.error).toBe('photo_too_large');
    expect(r.body.message).toMatch(/900 megapixels; the limit is 100 megapixels/);
  });

  it('replays the same answer for a repeated idempotency key and stores nothing twice', async () => {
    const photo = await flower();
    const key = crypto.randomUUID();
    const first = await snap(photo, { lat: '51.1', lon: '-1.1', idempotencyKey: key });
    expect(first.status).toBe(201);
    const snaps = await snapCount();
    const sites = await siteCount();
    const again = await snap(photo, { lat: '51.1', lon: '-1.1' }, { ...srv.officer, 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await snapCount()).toBe(snaps);
    expect(await siteCount()).toBe(sites);

    const other = await snap(await sharp(photo).flip().jpeg().toBuffer(), { lat: '51.1', lon: '-1.1', idempotencyKey: key });
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('idempotency_key_reused');

    // A phone retrying while its first attempt is still running: one snap, one answer.
    const key2 = crypto.randomUUID();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => snap(photo, { lat: '51.2', lon: '-1.2', idempotencyKey: key2 })));
    expect([a.status, b.status, c.status].sort()).toEqual([200, 200, 201]);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    expect(await snapCount()).toBe(snaps + 1);
  });

  it('honours EXIF orientation: the model sees a sideways-stored, orientation-tagged photo upright', async () => {
    const upright = await sharp({ create: { width: 480, height: 640, channels: 3, background: { r: 30, g: 120, b: 40 } } })
      .composite([
        { input: Buffer.from('<svg width="480" height="640"><rect x="0" y="0" width="480" height="200" fill="#d01020"/><circle cx="240" cy="420" r="90" fill="#f0e020"/></svg>') },
      ])
      .png()
      .toBuffer();
    const straight = await sharp(upright).webp({ lossless: true }).toBuffer();
    // Stored turned 90° anticlockwise; orientation 6 tells viewers to turn it 90° clockwise, back to upright.
    const sideways = await sharp(upright).rotate(-90).webp({ lossless: true }).toBuffer();
    const tagged = await sharp(sideways).webp({ lossless: true }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(tagged).metadata()).orientation).toBe(6);

    // What the model is fed, captured on the real path (default decoder, real classifier behind it).
    const real = await Classifier.load({ manifestPath: manifestPath!, threads: 1 });
    const seen: Buffer[] = [];
    const spy = {
      manifest: real.manifest,
      classifyPixels: (tiles: Buffer[], o: { topK?: number; threshold?: number }) => {
        seen.push(tiles[0]);
        return real.classifyPixels(tiles, o);
      },
    } as unknown as Classifier;
    const user = { id: 999, username: 'orientation-test' };
    const send = (photo: Buffer) => submitSnap({ store: srv.store, classifier: spy }, { photo, position: { lat: 10, lon: 10, accuracyM: null, source: 'device' }, note: null, idempotencyKey: null, user });
    await send(straight);
    const tagAnswer = (await send(tagged)).answer;
    await send(sideways);
    await real.dispose();
    const meanDiff = (x: Buffer, y: Buffer) => x.reduce((s, v, i) => s + Math.abs(v - y[i]), 0) / x.length;
    expect(meanDiff(seen[0], seen[1])).toBeLessThan(1); // same picture up to resampling rounding
    expect(meanDiff(seen[0], seen[2])).toBeGreaterThan(20); // ignoring the tag would feed a different picture
    // the red band is at the top of what the model sees
    const topRow = seen[1].subarray(0, 224 * 3);
    expect(topRow[0]).toBeGreaterThan(150);
    expect(topRow[1]).toBeLessThan(80);
    // the original keeps its stored size and tag; the answer reports it
    expect(tagAnswer.photo).toMatchObject({ width: 640, height: 480, type: 'webp' });

    // reviewers see the snap right way up: the detection crop of the whole photo is portrait, red band on top
    const viaApi = (await snap(tagged, { lat: '10', lon: '10' })).body as Answer & { detectionId: number };
    const crop = await fetch(`${srv.url}/api/detections/${viaApi.detectionId}/crop`, { headers: srv.reviewer });
    expect(crop.status).toBe(200);
    const cropBytes = Buffer.from(await crop.arrayBuffer());
    const { data, info } = await sharp(cropBytes).rotate().raw().toBuffer({ resolveWithObject: true });
    expect(info.height).toBeGreaterThan(info.width);
    expect(data[0]).toBeGreaterThan(150); // top-left pixel red
    expect(data[1]).toBeLessThan(90);
  });

  describeWithShared('verdicts on real flower photos', () => {
    // Held-out photos when the model's split file says which are held out, so the model is not judged on its training set.
    const heldOut = (): Set<string> | null => {
      const split = manifestPath!.replace(/\.json$/, '.split.tsv');
      if (!fs.existsSync(split)) return null;
      const rows = fs.readFileSync(split, 'utf8').split('\n').map((l) => l.split('\t'));
      return new Set(rows.filter((r) => r[3] === 'test').map((r) => r[0]));
    };
    const pick = (dir: string, n: number, test: Set<string> | null) =>
      fs
        .readdirSync(sharedPath('data', dir))
        .sort()
        .filter((f) => !test || test.has(`data/${dir}/${f}`))
        .slice(0, n)
        .map((f) => sharedPath('data', dir, f));

    it('follows the model thresholds, flags corn poppies and rarely calls other flowers poppy', async () => {
      const test = heldOut();
      const poppies = pick('flowers/oxford102/corn_poppy', 5, test);
      const others = ['flowers/flowers5/sunflower', 'flowers/flowers5/daisy', 'flowers/oxford102/rose', 'flowers/kaggle14/tulip', 'flowers/oxford102/water_lily'].flatMap(
        (d) => pick(d, 2, test),
      );
      expect(poppies.length).toBeGreaterThanOrEqual(3);
      expect(others.length).toBeGreaterThanOrEqual(6);
      const judge = async (files: string[]) => {
        const out: Answer[] = [];
        for (const f of files) {
          const r = await snap(fs.readFileSync(f), { lat: '51.5', lon: '-1.5' }, srv.officer, path.basename(f));
          expect(r.status).toBe(201);
          out.push(r.body);
        }
        return out;
      };
      const p = await judge(poppies);
      const o = await judge(others);
      for (const a of [...p, ...o]) {
        const { poppy, uncertainLow } = a.thresholds;
        const byScore = a.poppyScore >= poppy ? 'poppy' : a.poppyScore >= uncertainLow ? 'uncertain' : 'not_poppy';
        // the two guards only ever move a verdict towards "ask an expert", and say so
        if (a.verdict !== byScore) {
          expect(a.verdict).toBe('uncertain');
          expect(a.reasons.some((r) => r === 'best_match_not_poppy' || r === 'poppy_family_lookalike_on_top')).toBe(true);
        }
        expect(a.top).toHaveLength(3);
        expect(a.advice.length).toBeGreaterThan(0);
      }
      const summary = `corn poppy → ${p.map((a) => `${a.verdict}(${a.poppyScore.toFixed(2)})`).join(' ')}; others → ${o.map((a) => `${a.verdict}(${a.poppyScore.toFixed(2)})`).join(' ')}`;
      console.log(summary);
      const trained = loadManifest(manifestPath!).labels.some((l) => l.id === 'corn_poppy');
      if (!trained) {
        console.warn('[partial] verdict quality not asserted: the test model is the ImageNet backbone stand-in, not a trained poppy model');
        return;
      }
      const flagged = p.filter((a) => a.verdict !== 'not_poppy').length;
      const calledPoppy = o.filter((a) => a.verdict === 'poppy').length;
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      expect(flagged / p.length, summary).toBeGreaterThanOrEqual(0.8);
      // other flowers are at most rarely called poppy (uncertain sends them to an expert, which is allowed)
      expect(calledPoppy / o.length, summary).toBeLessThanOrEqual(0.2);
      expect(median(p.map((a) => a.poppyScore)), summary).toBeGreaterThan(Math.max(median(o.map((a) => a.poppyScore)), p[0].thresholds.poppy));
      // a corn poppy photo names corn poppy (虞美人) among its three closest matches
      expect(p.filter((a) => a.top.some((t) => t.label === 'corn_poppy')).length / p.length).toBeGreaterThanOrEqual(0.8);
    });
  });

  describeWithShared('real phone photos', () => {
    it('uses the photo’s EXIF GPS exactly, over the sent position, and the site joins the review queue', async () => {
      const { bytes, gps } = await phonePhoto(true);
      const r = await snap(bytes, { lat: '10', lon: '20', accuracyM: '5', note: 'field edge' });
      expect(r.status).toBe(201);
      expect(r.body.location.source).toBe('exif');
      expect(r.body.location.lat).toBe(gps!.latitude);
      expect(r.body.location.lon).toBe(gps!.longitude);

      const sites = await (await fetch(`${srv.url}/api/sites?source=phone`, { headers: srv.reviewer })).json();
      const site = sites.features.find((f: { properties: { id: number } }) => f.properties.id === r.body.siteId);
      expect(site).toBeDefined();
      expect(site.geometry.coordinates).toEqual([gps!.longitude, gps!.latitude]);
      // the officer's note belongs to the snap; the site's note is the reviewer's, empty until they write one
      expect(site.properties).toMatchObject({ source: 'phone', status: 'pending', flightId: null, note: null });
      expect(site.properties.score).toBeCloseTo(r.body.poppyScore, 10);

      const detail = await (await fetch(`${srv.url}/api/sites/${r.body.siteId}`, { headers: srv.reviewer })).json();
      expect(detail.detections).toHaveLength(1);
      expect(detail.snaps[0].note).toBe('field edge');
      expect(detail.detections[0].imageId).toBe(r.body.imageId);

      // the original is kept byte for byte
      const original = await fetch(`${srv.url}/api/images/${r.body.imageId}/original`, { headers: srv.reviewer });
      expect(original.status).toBe(200);
      expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('uses the sent position for a real phone photo without GPS', async () => {
      const { bytes } = await phonePhoto(false);
      const r = await snap(bytes, { lat: '51.9', lon: '-1.01', accuracyM: '12' });
      expect(r.status).toBe(201);
      expect(r.body.location).toEqual({ lat: 51.9, lon: -1.01, source: 'device', accuracyM: 12 });
    });
  });
});
