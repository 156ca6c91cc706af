// Task sheets (PDF, one page per site, Chinese and English) and the season figures (JSON and CSV).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unionAreaM2 } from '../src/field/areaFlown.js';
import { dms, toGcj02 } from '../src/field/geo.js';
import { isoWeek } from '../src/field/seasonFigures.js';
import { CJK_FONT_PATHS, findCjkFont, sheetFacts } from '../src/field/taskSheet.js';
import { offsetToLatLon } from '../src/pipeline/geodesy.js';
import { fieldJpeg, frameSite, userWithToken } from './helpers/fieldFixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let srv: TestServer;
const tok: Record<string, string> = {};
let flightA = 0;
let flightB = 0;
const sites: number[] = [];

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

/** Every Unicode character the PDF's fonts map glyphs to (from the ToUnicode CMaps): what a text extractor reads. */
function unicodeText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let out = '';
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    let body: Buffer;
    try {
      body = zlib.inflateSync(pdf.subarray(start, end));
    } catch {
      continue;
    }
    const text = body.toString('latin1');
    if (!text.includes('beginbfrange') && !text.includes('beginbfchar')) continue;
    for (const h of text.matchAll(/<([0-9a-fA-F]{4,})>\s*\]?\s*$/gm)) out += String.fromCodePoint(parseInt(h[1], 16));
    for (const h of text.matchAll(/<[0-9a-fA-F]+>\s*<[0-9a-fA-F]+>\s*\[((?:\s*<[0-9a-fA-F]+>)+)\s*\]/g)) {
      for (const u of h[1].matchAll(/<([0-9a-fA-F]+)>/g)) out += String.fromCodePoint(parseInt(u[1], 16));
    }
  }
  return out;
}

beforeAll(async () => {
  srv = await startTestServer();
  tok.rev = await userWithToken(srv.store, 'rev', 'reviewer');
  tok.off = await userWithToken(srv.store, 'off', 'officer');
  tok.op = await userWithToken(srv.store, 'op', 'operator');
  flightA = (await srv.store.flights.create({ name: 'Week 14 valley' })).id;
  flightB = (await srv.store.flights.create({ name: 'Week 15 ridge' })).id;
  // Three confirmed sites in flight A (week of 2026-03-30), two in B (week of 2026-04-06), one pending in B.
  for (let i = 0; i < 3; i++) sites.push((await frameSite(srv.store, { flightId: flightA, lat: 25.04 + i * 0.001, lon: 102.7, seed: i + 1, takenAt: '2026-03-31T09:00:00Z' })).id);
  for (let i = 0; i < 2; i++) sites.push((await frameSite(srv.store, { flightId: flightB, lat: 25.1 + i * 0.001, lon: 102.8, seed: i + 10, takenAt: '2026-04-07T09:00:00Z' })).id);
  await frameSite(srv.store, { flightId: flightB, lat: 25.2, lon: 102.8, seed: 20, confirm: false, takenAt: '2026-04-08T09:00:00Z' });
  // the aerial model's estimates (migration 030) on one site: its sheet names the case band they point to
  await srv.store.sql.run('UPDATE sites SET area_m2 = 1200, estimated_heads = 3400 WHERE id = ?', [sites[0]]);
});

afterAll(async () => {
  await srv?.close();
});

describe('GET /api/exports/tasks.pdf', () => {
  it.skipIf(!findCjkFont())('has one page per confirmed open site, with Chinese and English text, and is audited', async () => {
    const res = await srv.fetch('/api/exports/tasks.pdf', { auth: tok.rev });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-export-count')).toBe('5');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pageCount(pdf)).toBe(5);
    expect(pdf.toString('latin1')).toMatch(/\/Count 5\b/);
    fs.mkdirSync('test-artifacts', { recursive: true });
    fs.writeFileSync('test-artifacts/task-sheets.pdf', pdf);
    const text = unicodeText(pdf);
    for (const ch of ['外勤任务单', '铲除', '签名', '刑法', '治安管理处罚法']) for (const c of ch) expect(text).toContain(c);
    for (const c of 'GCJ-02 WGS-84 Error radius'.replace(/ /g, '')) expect(text).toContain(c);
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);
    const audit = await srv.store.audit.list({ action: 'export' });
    expect(audit[0].details).toMatchObject({ format: 'tasks.pdf', count: 5 });
  });

  it.skipIf(!findCjkFont())('filters by flight and site ids; assigned state filter; 404 when nothing matches', async () => {
    const byFlight = await srv.fetch(`/api/exports/tasks.pdf?flight=${flightB}`, { auth: tok.rev });
    expect(pageCount(Buffer.from(await byFlight.arrayBuffer()))).toBe(2);
    const two = await srv.fetch(`/api/exports/tasks.pdf?sites=${sites[0]},${sites[3]}`, { auth: tok.rev });
    expect(pageCount(Buffer.from(await two.arrayBuffer()))).toBe(2);
    const assign = await srv.fetch(`/api/sites/${sites[1]}/field`, { method: 'POST', json: { state: 'assigned', assignee: 'off', dueDate: '2026-04-20', baseVersion: 0 }, auth: tok.rev });
    expect(assign.status).toBe(201);
    const mine = await srv.fetch('/api/exports/tasks.pdf?state=assigned&assignee=off', { auth: tok.rev });
    expect(pageCount(Buffer.from(await mine.arrayBuffer()))).toBe(1);
    const none = await srv.fetch('/api/exports/tasks.pdf?state=eradicated', { auth: tok.rev });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toBe('no_sites');
    expect((await srv.fetch('/api/exports/tasks.pdf?state=burnt', { auth: tok.rev })).status).toBe(400);
    expect((await srv.fetch('/api/exports/tasks.pdf', { auth: tok.off })).status).toBe(403);
  });

  it('puts the aerial estimates and their case band on the sheet, or says they are missing', async () => {
    const withEstimates = sheetFacts((await srv.store.sites.get(sites[0]))!);
    expect(withEstimates.band).toBe('aggravated');
    expect(Object.fromEntries(withEstimates.rows)).toMatchObject({
      'Estimated area 估计面积': '1200 m² (1.80 亩)',
      'Estimated flower count 估计花朵数': '3400 (visible flowers 可见花朵)',
      'Error radius 误差半径': '±4.0 m',
      'WGS-84 (GPS) decimal 十进制': '25.040000, 102.700000',
      'GCJ-02 (高德/百度 AutoNavi, Baidu) decimal': '25.037009, 102.701416',
    });
    const without = sheetFacts((await srv.store.sites.get(sites[1]))!);
    expect(without.band).toBeNull();
    expect(Object.fromEntries(without.rows)['Estimated area 估计面积']).toMatch(/not estimated/);
  });

  it('finds the CJK font installed by .ci/run', () => {
    if (!CJK_FONT_PATHS.some((p) => fs.existsSync(p))) console.log('fonts-wqy-microhei is not installed: the PDF tests are skipped (.ci/run installs it)');
    expect(findCjkFont('/nonexistent.ttf')?.path ?? null).toBe(CJK_FONT_PATHS.find((p) => fs.existsSync(p)) ?? null);
  });
});

describe('coordinates and areas', () => {
  it('formats DMS and converts to GCJ-02 inside China only', () => {
    expect(dms({ lat: 25.123456, lon: -102.5 })).toBe(`25°07'24.4"N 102°30'00.0"W`);
    const g = toGcj02({ lat: 25.04, lon: 102.7 });
    expect(Math.abs(g.lon - 102.7)).toBeGreaterThan(1e-3);
    expect(toGcj02({ lat: 47.3, lon: 8.5 })).toEqual({ lat: 47.3, lon: 8.5 });
  });

  it('unions overlapping footprints instead of adding them', () => {
    const o = { lat: 25, lon: 102 };
    const rect = (e0: number, n0: number, e1: number, n1: number) =>
      [[e0, n0], [e1, n0], [e1, n1], [e0, n1], [e0, n0]].map(([e, n]) => {
        const p = offsetToLatLon(o, e, n);
        return [p.lon, p.lat];
      });
    const a = rect(0, 0, 100, 100);
    expect(unionAreaM2([a])).toBeGreaterThan(9_600);
    expect(unionAreaM2([a])).toBeLessThan(10_400);
    const twice = unionAreaM2([a, rect(50, 0, 150, 100)]);
    expect(twice).toBeGreaterThan(14_400);
    expect(twice).toBeLessThan(15_600);
  });

  it('weeks are ISO weeks starting on Monday', () => {
    expect(isoWeek('2026-04-05T23:00:00Z')).toEqual({ week: '2026-W14', weekStart: '2026-03-30' });
    expect(isoWeek('2027-01-01T10:00:00Z')).toEqual({ week: '2026-W53', weekStart: '2026-12-28' });
  });
});

describe('GET /api/stats/season', () => {
  it('counts found, confirmed, eradicated, plants and area flown by week and by flight; CSV has the same figures', async () => {
    const site = sites[3];
    const go = (body: unknown, who: string) => srv.fetch(`/api/sites/${site}/field`, { method: 'POST', json: body, auth: tok[who] });
    expect((await go({ state: 'assigned', assignee: 'off', baseVersion: 0 }, 'rev')).status).toBe(201);
    const form = new FormData();
    form.append('state', 'eradicated');
    form.append('plantsCounted', '850');
    form.append('baseVersion', '1');
    form.append('photos', new Blob([new Uint8Array(await fieldJpeg(200, 150, 5))]), 'done.jpg');
    expect((await srv.fetch(`/api/sites/${site}/field`, { method: 'POST', body: form, auth: tok.off })).status).toBe(201);

    const res = await srv.fetch('/api/stats/season', { auth: tok.rev });
    expect(res.status).toBe(200);
    const s = (await res.json()) as {
      totals: Record<string, number>;
      byWeek: { week: string; sitesFound: number; areaFlownM2: number }[];
      byFlight: { flightId: number; flightName: string; sitesFound: number; sitesConfirmed: number; sitesEradicated: number; plantsEradicated: number; areaFlownM2: number }[];
    };
    expect(s.totals).toMatchObject({ sitesFound: 6, sitesConfirmed: 5, sitesEradicated: 1, plantsEradicated: 850 });
    // three 80 × 60 m frames 111 m apart (A) and three in B (two 111 m apart, one 11 km away): no overlap
    expect(s.totals.areaFlownM2).toBeGreaterThan(6 * 4800 * 0.95);
    expect(s.totals.areaFlownM2).toBeLessThan(6 * 4800 * 1.05);
    expect(s.byWeek.find((w) => w.week === '2026-W14')).toMatchObject({ sitesFound: 3 });
    expect(s.byWeek.find((w) => w.week === '2026-W15')).toMatchObject({ sitesFound: 3 });
    // weeks without figures between the first and the last are there, as zeros
    const idx = s.byWeek.findIndex((w) => w.week === '2026-W15');
    expect(s.byWeek[idx + 1]).toMatchObject({ week: '2026-W16', sitesFound: 0, areaFlownM2: 0 });
    expect(new Set(s.byWeek.map((w) => w.week)).size).toBe(s.byWeek.length);
    const b = s.byFlight.find((f) => f.flightId === flightB)!;
    expect(b).toMatchObject({ flightName: 'Week 15 ridge', sitesFound: 3, sitesConfirmed: 2, sitesEradicated: 1, plantsEradicated: 850 });

    const filtered = (await (await srv.fetch(`/api/stats/season?flight=${flightA}&from=2026-03-01&to=2026-04-05`, { auth: tok.rev })).json()) as typeof s;
    expect(filtered.totals).toMatchObject({ sitesFound: 3, sitesEradicated: 0 });
    expect(filtered.byFlight.map((f) => f.flightId)).toEqual([flightA]);
    expect((await srv.fetch('/api/stats/season?from=yesterday', { auth: tok.rev })).status).toBe(400);
    expect((await srv.fetch('/api/stats/season', { auth: tok.off })).status).toBe(403);

    const csv = await srv.fetch('/api/stats/season.csv', { auth: tok.rev });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('group,key,label,sites_found,sites_confirmed,sites_eradicated,plants_eradicated,area_flown_m2,area_flown_ha');
    expect(lines).toContain(`flight,${flightB},Week 15 ridge,3,2,1,850,${b.areaFlownM2},${(b.areaFlownM2 / 10_000).toFixed(2)}`);
    expect(lines.at(-1)).toMatch(/^total,all,,6,5,1,850,/);
  });
});

describe('site marker on the frame', () => {
  it('maps a stored pixel to where it lands once the frame is turned the right way up (EXIF 1–8)', async () => {
    const { uprightPoint } = await import('../src/field/taskSheet.js');
    const sharp = (await import('sharp')).default;
    const w = 60;
    const h = 40;
    const dot = { x: 10, y: 5 };
    const raw = Buffer.alloc(w * h * 3, 0);
    for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) raw[((dot.y + dy) * w + dot.x + dx) * 3] = 255;
    for (let o = 1; o <= 8; o++) {
      const jpeg = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().withMetadata({ orientation: o }).toBuffer();
      const { data, info } = await sharp(jpeg).rotate().raw().toBuffer({ resolveWithObject: true });
      let found = { x: -1, y: -1 };
      for (let y = 0; y < info.height && found.x < 0; y++) for (let x = 0; x < info.width; x++) if (data[(y * info.width + x) * info.channels] > 200) (found = { x, y }), (y = info.height);
      const p = uprightPoint(dot.x + 1, dot.y + 1, w, h, o);
      expect([p.w, p.h]).toEqual([info.width, info.height]);
      expect(Math.abs(p.x - (found.x + 1))).toBeLessThanOrEqual(1);
      expect(Math.abs(p.y - (found.y + 1))).toBeLessThanOrEqual(1);
    }
  });
});

describe('plot outline on the task sheet frame', () => {
  it('projects the ground outline back onto the frame, in upright preview pixels, for every EXIF orientation', async () => {
    const { outlineOnFrame, uprightPoint } = await import('../src/field/taskSheet.js');
    const { pixelToLatLon } = await import('../src/pipeline/groundPosition.js');
    const camera = { width: 4000, height: 3000, position: { lat: 25.04, lon: 102.7 }, gsdCmPerPx: 2, heightAboveGroundM: 60, pitchDeg: -90, yawDeg: 37, precise: true };
    const corners = [[1200, 900], [1800, 950], [1750, 1500], [1150, 1400]];
    const ring = [...corners, corners[0]].map(([x, y]) => {
      const p = pixelToLatLon(camera as never, x, y)!;
      return [p.lon, p.lat];
    });
    const outline = { type: 'Polygon' as const, coordinates: [ring] };
    for (const orientation of [1, 3, 6, 8]) {
      const image = { width: 4000, height: 3000, orientation, camera } as never;
      const points = outlineOnFrame(image, outline, 0.25)!.split(' ').map((p) => p.split(',').map(Number));
      expect(points).toHaveLength(5);
      corners.forEach(([x, y], i) => {
        const up = uprightPoint(x, y, 4000, 3000, orientation);
        expect(points[i][0]).toBeCloseTo(up.x * 0.25, 0);
        expect(points[i][1]).toBeCloseTo(up.y * 0.25, 0);
      });
    }
    // a frame placed only roughly (not nadir, no scale) gets no outline rather than a wrong one
    expect(outlineOnFrame({ width: 4000, height: 3000, orientation: 1, camera: { ...camera, precise: false } } as never, outline, 0.25)).toBeNull();
    expect(outlineOnFrame({ width: 4000, height: 3000, orientation: 1, camera } as never, null, 0.25)).toBeNull();
  });
});
