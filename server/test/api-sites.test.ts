import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeProcessor, waitFor } from './helpers/fakeProcessor.js';
import { makeTestJpeg, startTestServer, uploadForm, type TestServer } from './helpers/server.js';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF) */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

interface FC {
  type: string;
  features: { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[];
}

/** three frames far apart: sites with scores 0.95, 0.7 and 0.55 */
describe('sites, review and exports API', () => {
  let s: TestServer;
  let flightId: number;
  let siteIds: number[];
  beforeAll(async () => {
    const frames = await Promise.all([
      makeTestJpeg({ lat: 34.5, lon: 69.1, seed: 1, width: 120, height: 80, orientation: 6 }),
      makeTestJpeg({ lat: 34.51, lon: 69.1, seed: 2 }),
      makeTestJpeg({ lat: 34.52, lon: 69.12, seed: 3 }),
    ]);
    const plan = new Map([
      [sha(frames[0]), [{ score: 0.95, box: { x: 40, y: 20, w: 30, h: 20 } }]],
      [sha(frames[1]), [{ score: 0.7 }]],
      [sha(frames[2]), [{ score: 0.55 }]],
    ]);
    s = await startTestServer({ process: fakeProcessor({ plan }).process });
    const f = await s.fetch('/api/flights', { method: 'POST', json: { name: 'Review <flight> & "co"' } });
    flightId = ((await f.json()) as { id: number }).id;
    const up = await s.fetch(`/api/flights/${flightId}/images`, {
      method: 'POST',
      body: uploadForm(frames.map((d, i) => ({ name: `DJI_000${i}.JPG`, data: d }))),
    });
    expect(up.status).toBe(202);
    await waitFor(async () => (await s.store.flights.get(flightId))!.status === 'done', 15_000, 'processing');
    siteIds = (await s.store.sites.list({ flight: flightId })).map((x) => x.id);
  });
  afterAll(async () => s?.close());

  const sites = async (q = '') => (await (await s.fetch(`/api/sites${q}`)).json()) as FC & { counts: Record<string, number> };

  it('lists sites as GeoJSON with [lon, lat] and the documented properties, best first', async () => {
    const fc = await sites(`?flight=${flightId}`);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(3);
    const top = fc.features[0];
    expect(top.geometry.coordinates[0]).toBeCloseTo(69.1, 4);
    expect(top.geometry.coordinates[1]).toBeCloseTo(34.5, 4);
    expect(top.properties).toMatchObject({ score: 0.95, status: 'pending', frames: 1, flightId, source: 'drone', modelVersion: 'fake-0.0.1', version: 0 });
    expect(top.properties).toHaveProperty('errorRadiusM');
    expect(top.properties).toHaveProperty('topLabel', 'papaver_somniferum');
    expect(fc.counts).toEqual({ pending: 3, confirmed: 0, rejected: 0 });
  });

  it('filters by score, bbox, status, time and source, and refuses bad filter values with 400', async () => {
    expect((await sites(`?minScore=0.6`)).features).toHaveLength(2);
    expect((await sites(`?minScore=0.6&maxScore=0.8`)).features).toHaveLength(1);
    expect((await sites(`?bbox=69.09,34.49,69.11,34.515`)).features).toHaveLength(2);
    expect((await sites(`?status=confirmed`)).features).toHaveLength(0);
    expect((await sites(`?source=phone`)).features).toHaveLength(0);
    expect((await sites(`?from=2000-01-01&to=2100-01-01`)).features).toHaveLength(3);
    expect((await sites(`?to=2001-01-01`)).features).toHaveLength(0);
    for (const q of ['minScore=abc', "flight=1' OR '1'='1", 'bbox=1,2,3', 'status=maybe', 'from=yesterday', 'minScore=0.9&maxScore=0.1', 'source=satellite']) {
      const r = await s.fetch(`/api/sites?${q}`);
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe('invalid_request');
    }
    const dets = (await (await s.fetch(`/api/detections?flight=${flightId}&minScore=0.9`)).json()) as FC;
    expect(dets.features).toHaveLength(1);
    expect(dets.features[0].properties).toMatchObject({ score: 0.95, status: 'pending', modelVersion: 'fake-0.0.1' });
  });

  it('reviews a site and its detections, keeps history, detects stale baseVersion with 409, and undoes with pending', async () => {
    const id = siteIds[0];
    const detail = (await (await s.fetch(`/api/sites/${id}`)).json()) as { version: number; detections: { id: number }[]; history: unknown[] };
    expect(detail.detections).toHaveLength(1);
    expect(detail.history).toEqual([]);

    const ok = await s.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'confirmed', note: 'field team <b>visit</b>', baseVersion: 0 } });
    expect(ok.status).toBe(200);
    const confirmed = (await ok.json()) as { status: string; version: number; note: string; history: { before: string; after: string; username: string; note: string }[] };
    expect(confirmed).toMatchObject({ status: 'confirmed', version: 1, note: 'field team <b>visit</b>' });
    expect(confirmed.history).toEqual([expect.objectContaining({ before: 'pending', after: 'confirmed', username: 'bootstrap-token', note: 'field team <b>visit</b>' })]);
    expect((await s.store.detections.listBySite(id)).every((d) => d.status === 'confirmed')).toBe(true);

    // a second reviewer still on version 0
    const stale = await s.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'rejected', baseVersion: 0 } });
    expect(stale.status).toBe(409);
    const conflict = (await stale.json()) as { error: string; message: string; current: { status: string; version: number } };
    expect(conflict.error).toBe('conflict');
    expect(conflict.current).toMatchObject({ status: 'confirmed', version: 1 });
    expect((await s.store.sites.get(id))!.status).toBe('confirmed');

    const undo = await s.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'pending', baseVersion: 1 } });
    expect(undo.status).toBe(200);
    expect(await undo.json()).toMatchObject({ status: 'pending', version: 2 });
    expect(await s.store.reviews.listBySite(id)).toHaveLength(2);

    const bad = await s.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'maybe' } });
    expect(bad.status).toBe(400);
    expect((await s.fetch(`/api/sites/999999/review`, { method: 'POST', json: { decision: 'confirmed', baseVersion: 0 } })).status).toBe(404);
    // confirm two for the exports
    for (const sid of siteIds.slice(0, 2)) {
      const { version } = (await (await s.fetch(`/api/sites/${sid}`)).json()) as { version: number };
      const r = await s.fetch(`/api/sites/${sid}/review`, { method: 'POST', json: { decision: 'confirmed', baseVersion: version, note: sid === siteIds[1] ? '=HYPERLINK("x") & <kml>' : undefined } });
      expect(r.status).toBe(200);
    }
    expect((await sites(`?status=confirmed`)).features).toHaveLength(2);
    expect((await sites(`?status=pending,confirmed`)).features).toHaveLength(3);
  });

  it('exports confirmed sites as GeoJSON, KML, CSV and GPX with proper types and escaping', async () => {
    const gj = await s.fetch('/api/exports/sites.geojson');
    expect(gj.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect(gj.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.geojson"/);
    const parsed = JSON.parse(await gj.text()) as FC;
    expect(parsed.features).toHaveLength(2);
    expect(parsed.features.every((f) => f.properties.status === 'confirmed')).toBe(true);

    const all = JSON.parse(await (await s.fetch('/api/exports/sites.geojson?status=all')).text()) as FC;
    expect(all.features).toHaveLength(3);

    const kml = await s.fetch('/api/exports/sites.kml');
    expect(kml.headers.get('content-type')).toMatch(/kml\+xml/);
    const kmlText = await kml.text();
    expect(kmlText).toContain('&lt;kml&gt;');
    expect(kmlText).not.toContain('<kml>'); // the note's markup is escaped, only the root element is real
    expect(kmlText.match(/<Placemark /g)).toHaveLength(2);
    expect(kmlText).toMatch(/<coordinates>69\.1\d*,34\.5\d*,0<\/coordinates>/);

    const gpx = await s.fetch('/api/exports/sites.gpx');
    expect(gpx.headers.get('content-type')).toMatch(/gpx\+xml/);
    const gpxText = await gpx.text();
    expect(gpxText.match(/<wpt lat="34\.5\d*" lon="69\.1\d*">/g)?.length).toBeGreaterThanOrEqual(1);
    expect(gpxText.match(/<wpt /g)).toHaveLength(2);
    expect(gpxText).toContain('Review &lt;flight&gt; &amp; &quot;co&quot;');
    for (const xml of [kmlText, gpxText]) {
      // well-formed: every tag opened is closed, in order
      const stack: string[] = [];
      for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z][\w:]*)[^>]*?(\/?)>/g)) {
        if (m[3]) continue;
        if (m[1]) expect(stack.pop()).toBe(m[2]);
        else stack.push(m[2]);
      }
      expect(stack).toEqual([]);
      expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
    }

    const csv = await s.fetch('/api/exports/sites.csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = (await csv.text()).replace(/^\ufeff/, '');
    const lines = text.trim().split(/\r\n/);
    expect(lines[0]).toBe('id,lat,lon,errorRadiusM,score,status,frames,source,flightId,flightName,topLabel,modelVersion,firstSeenAt,reviewedAt,reviewedBy,note,areaM2,estimatedHeads,outlineWkt,officerNote');
    expect(lines).toHaveLength(3);
    // the formula-looking note is neutralised and quoted
    expect(text).toContain(`"'=HYPERLINK(""x"") & <kml>"`);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === 20)).toBe(true);
    // the plot estimate of the (fake) aerial model: area and heads of the largest view of each site
    expect(rows.slice(1).every((r) => r[16] === '4' && r[17] === '60')).toBe(true);
    expect(rows.slice(1).every((r) => r[5] === 'confirmed')).toBe(true);
    expect(rows.find((r) => r[15].startsWith("'="))![15]).toBe(`'=HYPERLINK("x") & <kml>`);

    expect((await s.fetch('/api/exports/sites.shp')).status).toBe(404);
    expect((await s.fetch('/api/exports/sites.csv?minScore=2')).status).toBe(400);
  });

  it('serves thumbnails, previews and detection crops the right way up, and footprints with the track', async () => {
    const image = (await s.store.images.listByFlight(flightId)).find((i) => i.orientation === 6)!;
    expect(image.width).toBe(120);
    const thumb = await s.fetch(`/api/images/${image.id}/thumb`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const tm = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    // stored 120×80 with orientation 6 (rotate 90°): upright it is 80 wide, 120 high
    expect([tm.width, tm.height]).toEqual([80, 120]);
    const preview = await sharp(Buffer.from(await (await s.fetch(`/api/images/${image.id}/preview`)).arrayBuffer())).metadata();
    expect([preview.width, preview.height]).toEqual([80, 120]);

    const det = (await s.store.detections.listByImage(image.id))[0];
    const crop = await s.fetch(`/api/detections/${det.id}/crop`);
    expect(crop.status).toBe(200);
    const cm = await sharp(Buffer.from(await crop.arrayBuffer())).metadata();
    // box 30×20 + 24 px margin each side, clamped to the 120×80 frame: 16..94 × 0..64 → 78×64, turned upright: 64×78
    expect([cm.width, cm.height]).toEqual([64, 78]);

    // the worker prepared them after the frame; made on request (cache removed) they are the same size
    expect(fs.existsSync(path.join(s.store.blobs.derived, 'crops', `${det.id}.jpg`))).toBe(true);
    fs.rmSync(s.store.blobs.derived, { recursive: true, force: true });
    const again = await sharp(Buffer.from(await (await s.fetch(`/api/detections/${det.id}/crop`)).arrayBuffer())).metadata();
    expect([again.width, again.height]).toEqual([64, 78]);
    const thumbAgain = await sharp(Buffer.from(await (await s.fetch(`/api/images/${image.id}/thumb`)).arrayBuffer())).metadata();
    expect([thumbAgain.width, thumbAgain.height]).toEqual([80, 120]);

    const siteCrop = await s.fetch(`/api/sites/${det.siteId}/crop`);
    expect(siteCrop.status).toBe(200);
    expect(Buffer.from(await siteCrop.arrayBuffer()).equals(Buffer.from(await (await s.fetch(`/api/detections/${det.id}/crop`)).arrayBuffer()))).toBe(true);

    const fp = (await (await s.fetch(`/api/flights/${flightId}/footprints`)).json()) as FC;
    const kinds = fp.features.map((f) => f.properties.kind);
    expect(kinds.filter((k) => k === 'footprint')).toHaveLength(3);
    expect(kinds).toContain('track');
    expect((await s.fetch(`/api/images/999999/thumb`)).status).toBe(404);
  });
});
