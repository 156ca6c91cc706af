// Hostile input: every case ends in a clear 4xx (or a per-file rejection with a reason inside a 202), the server
// stays up, and good files sent alongside are kept. Frames run through the real pipeline with a stand-in
// classifier (helpers/hostileFiles.ts), so this needs no trained model.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFrame } from '../src/pipeline/detectFrame.js';
import { makeFrame } from '../../scripts/load/frames.js';
import { fakeAerialModel, pngBomb, withGarbageExif } from './helpers/hostileFiles.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const MAX_FILES = 6;
let srv: TestServer;
let flightId: number;
let seed = 1000;

interface UploadAnswer {
  error?: string;
  message?: string;
  accepted: { id: number; name: string; sha256: string; duplicate: boolean }[];
  rejected: { name: string; error: string; code?: string }[];
}

const goodFrame = () => makeFrame({ lat: 34.5 + seed * 1e-6, lon: 69.1, seed: seed++, width: 640, height: 480 });

async function upload(files: { name: string; bytes: Buffer; type?: string }[], flight = flightId): Promise<{ status: number; body: UploadAnswer; type: string }> {
  const form = new FormData();
  for (const f of files) form.append('images', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'image/jpeg' }), f.name);
  const res = await srv.fetch(`/api/flights/${flight}/images`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as UploadAnswer, type: res.headers.get('content-type') ?? '' };
}

/** Sends `bad` together with a good frame: 202, the good one kept, the bad one refused with a reason. */
async function expectRefusedBesideGood(bad: { name: string; bytes: Buffer }, code: string | RegExp) {
  const good = await goodFrame();
  const r = await upload([{ name: 'good.jpg', bytes: good }, bad]);
  expect(r.status).toBe(202);
  expect(r.body.accepted.map((a) => a.name)).toEqual(['good.jpg']);
  expect(r.body.rejected).toHaveLength(1);
  expect(r.body.rejected[0].code).toMatch(code);
  expect(r.body.rejected[0].error.length).toBeGreaterThan(10);
  // alone, the same file is a 4xx naming the problem
  const alone = await upload([bad]);
  expect(alone.status).toBeGreaterThanOrEqual(400);
  expect(alone.status).toBeLessThan(500);
  expect(alone.body.error).toBeTruthy();
  expect(alone.body.message).toContain(r.body.rejected[0].error);
  return r.body;
}

/** How many tables the database has (SQLite file or the test's PostgreSQL schema). */
async function tableCount(): Promise<number> {
  const q =
    srv.store.dialect === 'postgres'
      ? 'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()'
      : "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'";
  return (await srv.store.sql.get<{ n: number }>(q))!.n;
}

async function stillUp() {
  const h = await srv.fetch('/api/health', { auth: false });
  expect(h.status).toBe(200);
}

async function waitProcessed(ids: number[], timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await srv.fetch(`/api/flights/${flightId}/images`);
    const images = ((await r.json()) as { images: { id: number; status: string; located: boolean; unlocatedReason: string | null; error: string | null }[] }).images;
    const mine = images.filter((i) => ids.includes(i.id));
    if (mine.length === ids.length && mine.every((i) => i.status === 'done' || i.status === 'failed')) return mine;
    if (Date.now() > until) throw new Error(`frames not processed in time: ${JSON.stringify(mine)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

beforeAll(async () => {
  const classifier = fakeAerialModel();
  srv = await startTestServer({
    env: { POPPY_MAX_FILE_MB: '1', POPPY_MAX_FILES: String(MAX_FILES) },
    process: (file, overrides) => detectFrame(file, overrides, classifier),
    idlePollMs: 50,
  });
  const f = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'hostile', altitudeAglM: 5 } });
  flightId = ((await f.json()) as { id: number }).id;
});

afterAll(async () => {
  await srv?.close();
});

describe('hostile uploads', () => {
  it('truncated JPEG', async () => {
    const full = await goodFrame();
    await expectRefusedBesideGood({ name: 'cut.jpg', bytes: full.subarray(0, Math.floor(full.length * 0.6)) }, /truncated|unreadable/);
    await stillUp();
  });

  it('random bytes named .jpg', async () => {
    const body = await expectRefusedBesideGood({ name: 'photo.jpg', bytes: Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)) }, 'unsupported_type');
    expect(body.rejected[0].error).toMatch(/content/);
  });

  it('empty file', async () => {
    await expectRefusedBesideGood({ name: 'empty.jpg', bytes: Buffer.alloc(0) }, /empty|no_data/);
  });

  it('decompression bomb: a 30000×30000 PNG is refused by its pixel count, without decoding', async () => {
    const bomb = await pngBomb(30_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const body = await expectRefusedBesideGood({ name: 'bomb.png', bytes: bomb }, 'image_too_large');
    expect(body.rejected[0].error).toMatch(/30000×30000/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(500 * 1024 * 1024);
    await stillUp();
  });

  it('oversized file (POPPY_MAX_FILE_MB=1)', async () => {
    const big = Buffer.concat([await goodFrame(), Buffer.alloc(1024 * 1024 + 10, 7)]);
    const body = await expectRefusedBesideGood({ name: 'big.jpg', bytes: big }, 'file_too_large');
    expect(body.rejected[0].error).toMatch(/1 MB/);
    const alone = await upload([{ name: 'big.jpg', bytes: big }]);
    expect(alone.status).toBe(413);
  });

  it('too many files in one request: 413 naming the limit, nothing half-stored', async () => {
    const before = (await srv.store.images.listByFlight(flightId)).length;
    const files = await Promise.all(Array.from({ length: MAX_FILES + 1 }, async (_, i) => ({ name: `many-${i}.jpg`, bytes: await goodFrame() })));
    const r = await upload(files);
    expect(r.status).toBe(413);
    expect(r.body.error).toBe('too_many_files');
    expect(r.body.message).toContain(String(MAX_FILES));
    expect((await srv.store.images.listByFlight(flightId)).length).toBe(before);
    const tmp = path.join(srv.dataDir, 'tmp');
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    await stillUp();
  });

  it('file names with ../ and odd unicode are kept as display names only', async () => {
    const outside = path.dirname(srv.dataDir);
    const before = new Set(fs.readdirSync(outside));
    const names = ['../../../../tmp/evil.jpg', '..\\..\\windows\\evil.jpg', 'a\u202egpj.exe.jpg', '罂粟 🌺 Ünïcödé.jpg', `${'x'.repeat(400)}.jpg`];
    const files = await Promise.all(names.slice(0, MAX_FILES).map(async (name) => ({ name, bytes: await goodFrame() })));
    const r = await upload(files);
    expect(r.status).toBe(202);
    expect(r.body.rejected, JSON.stringify(r.body.rejected)).toEqual([]);
    expect(r.body.accepted).toHaveLength(files.length);
    for (const a of r.body.accepted) {
      expect(a.name).not.toMatch(/[\\/\u0000\u202e]/);
      expect(a.name).not.toBe('..');
      expect([...a.name].length).toBeLessThanOrEqual(200);
      // stored under its hash, never under the sent name
      expect(fs.existsSync(srv.store.blobs.originalPath(a.sha256))).toBe(true);
    }
    expect(r.body.accepted.map((a) => a.name)).toContain('罂粟 🌺 Ünïcödé.jpg');
    expect(fs.readdirSync(outside).filter((f) => !before.has(f) && /evil/.test(f))).toEqual([]);
    expect(fs.existsSync('/tmp/evil.jpg')).toBe(false);
    // busboy reduces a bare ".." to an empty file name, which multipart treats as "no file chosen": a clear 400
    const dots = await upload([{ name: '..', bytes: await goodFrame() }]);
    expect(dots.status).toBe(400);
    expect(dots.body.error).toBe('no_files');
    // a NUL byte in the part header makes the multipart body itself malformed: 400, not a crash
    const nul = await upload([{ name: '\u0000nul.jpg', bytes: await goodFrame() }]);
    expect(nul.status).toBe(400);
    expect(nul.body.error).toBe('bad_multipart');
    await stillUp();
  });

  it('EXIF with garbage, NaN GPS and (0,0) GPS: accepted, scanned, flagged unlocated with the reason', async () => {
    const garbage = withGarbageExif(await makeFrame({ lat: 0, lon: 0, seed: seed++, width: 640, height: 480, noExif: true }));
    const nan = await makeFrame({ lat: 1, lon: 1, seed: seed++, width: 640, height: 480, rawGps: { lat: '0/0 0/0 0/0', lon: '0/0 0/0 0/0' } });
    const zero = await makeFrame({ lat: 0, lon: 0, seed: seed++, width: 640, height: 480, rawGps: { lat: '0/1 0/1 0/1', lon: '0/1 0/1 0/1' } });
    const good = await goodFrame();
    const r = await upload([
      { name: 'garbage-exif.jpg', bytes: garbage },
      { name: 'nan-gps.jpg', bytes: nan },
      { name: 'zero-gps.jpg', bytes: zero },
      { name: 'fine.jpg', bytes: good },
    ]);
    expect(r.status).toBe(202);
    expect(r.body.accepted).toHaveLength(4);
    const ids = r.body.accepted.map((a) => a.id);
    const done = await waitProcessed(ids);
    const byId = new Map(done.map((i) => [i.id, i]));
    const [g, n, z, f] = ids.map((id) => byId.get(id)!);
    for (const bad of [g, n, z]) {
      expect(bad.status).toBe('done');
      expect(bad.located).toBe(false);
      expect(bad.unlocatedReason).toMatch(/GPS/);
    }
    expect(z.unlocatedReason).toMatch(/\(0, 0\)/);
    expect(f.located).toBe(true);
    await stillUp();
  });
});

describe('hostile JSON and query strings', () => {
  it('wrong JSON types answer 400 naming the fields', async () => {
    const r = await srv.fetch('/api/flights', { method: 'POST', json: { name: 12, altitudeAglM: 'high', groundElevationM: [1] } });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_request');
    for (const field of ['name', 'altitudeAglM', 'groundElevationM']) expect(body.message).toContain(field);
    for (const bad of ['{"name":', '[1,2,3]', 'null', '"just a string"']) {
      const res = await srv.fetch('/api/flights', { method: 'POST', body: bad, headers: { 'content-type': 'application/json' } });
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { message: string }).message.length).toBeGreaterThan(5);
    }
    const review = await srv.fetch('/api/sites/1/review', { method: 'POST', json: { decision: 5, baseVersion: 'x', note: { html: true } } });
    expect(review.status).toBe(400);
    const huge = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const nanAlt = await srv.fetch('/api/flights', { method: 'POST', body: '{"name":"n","altitudeAglM":NaN}', headers: { 'content-type': 'application/json' } });
    expect(nanAlt.status).toBe(400);
    await stillUp();
  });

  it('SQL-looking filter values are refused with 400 and change nothing', async () => {
    const before = await tableCount();
    const queries = [
      "status=confirmed' OR '1'='1",
      'minScore=0;DROP TABLE sites',
      'maxScore=1 OR 1=1',
      'bbox=1,2,3,4);DELETE FROM sites;--',
      "flight=1 UNION SELECT password_hash FROM users",
      "from=2024-01-01' --",
      'source=drone%27%20OR%201=1',
    ];
    for (const q of queries) {
      for (const p of ['/api/sites', '/api/detections', '/api/exports/sites.csv']) {
        const r = await srv.fetch(`${p}?${q}`);
        expect(r.status, `${p}?${q}`).toBe(400);
        const body = (await r.json()) as { error: string; message: string };
        expect(body.message.length).toBeGreaterThan(5);
      }
    }
    const audit = await srv.fetch("/api/audit?siteId=1 OR 1=1");
    expect(audit.status).toBe(400);
    const after = await tableCount();
    expect(after).toBe(before);
    expect((await srv.fetch('/api/sites')).status).toBe(200);
  });

  it('HTML in notes is stored and returned as text, never served as HTML', async () => {
    const html = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"';
    // a site from the stand-in classifier
    const up = await upload([{ name: 'site.jpg', bytes: await goodFrame() }]);
    await waitProcessed(up.body.accepted.map((a) => a.id));
    const sites = (await (await srv.fetch(`/api/sites?flight=${flightId}&status=all`)).json()) as { features: { properties: { id: number; version: number } }[] };
    expect(sites.features.length).toBeGreaterThan(0);
    const site = sites.features[0].properties;
    const r = await srv.fetch(`/api/sites/${site.id}/review`, { method: 'POST', json: { decision: 'confirmed', note: html, baseVersion: site.version } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const detail = await srv.fetch(`/api/sites/${site.id}`);
    expect(detail.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await detail.json()) as { note: string }).note).toBe(html);
    const kml = await srv.fetch(`/api/exports/sites.kml?flight=${flightId}`);
    expect(kml.headers.get('content-type')).toMatch(/kml\+xml/);
    const kmlText = await kml.text();
    expect(kmlText).not.toContain('<script>');
    expect(kmlText).toMatch(/&lt;script&gt;|<!\[CDATA\[/);
    const gpx = await (await srv.fetch(`/api/exports/sites.gpx?flight=${flightId}`)).text();
    expect(gpx).not.toContain('<script>');
    for (const p of ['/api/exports/sites.geojson', '/api/exports/sites.csv', '/api/audit.csv', `/api/audit?siteId=${site.id}`]) {
      const res = await srv.fetch(`${p}${p.includes('?') ? '&' : '?'}flight=${flightId}`.replace('audit.csv?flight', 'audit.csv?siteId').replace(/audit\?siteId=(\d+)&flight=\d+/, 'audit?siteId=$1'));
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).not.toMatch(/html/);
    }
    const audit = (await (await srv.fetch(`/api/audit?siteId=${site.id}`)).json()) as { records: { action: string; after: { note: string } }[] };
    expect(audit.records[0]).toMatchObject({ action: 'review', after: { note: html } });
  });
});
