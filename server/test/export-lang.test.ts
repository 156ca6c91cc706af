// KML/GPX exports speak the reader's language: ?lang=zh from the web app's links, else Accept-Language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;

describe('export language', () => {
  beforeAll(async () => {
    server = await startTestServer();
    const flight = await server.store.flights.create({ name: 'Demo flight', isDemo: true, createdBy: 'demo' });
    const site = await server.store.sites.create({
      flightId: flight.id, source: 'drone', lat: 25.01, lon: 102.61, errorRadiusM: 3, score: 0.8, frames: 2, bestDetectionId: null,
      modelVersion: 'm-1', topLabel: 'papaver_somniferum', firstSeenAt: '2026-05-01T10:00:00Z',
    });
    const r = await server.fetch(`/api/sites/${site.id}/review`, { method: 'POST', json: { decision: 'confirmed', note: '靠近水渠', baseVersion: site.version } });
    expect(r.status).toBe(200);
  });
  afterAll(() => server.close());

  it('writes Chinese names, descriptions and title with lang=zh, and the demo flight in Chinese', async () => {
    const kml = await (await server.fetch('/api/exports/sites.kml?lang=zh')).text();
    expect(kml).toMatch(/<name>PoppyWatch 点位（已确认），\d{4}-\d\d-\d\d<\/name>/);
    expect(kml).toMatch(/<name>点位 \d+（已确认）<\/name>/);
    expect(kml).toContain('状态 已确认');
    expect(kml).toContain('航拍任务“演示航拍任务”');
    expect(kml).toContain('审核备注：靠近水渠');
    expect(kml).not.toContain('Score ');
    const gpx = await (await server.fetch('/api/exports/sites.gpx', { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' } })).text();
    expect(gpx).toMatch(/<name>点位 \d+<\/name>/);
    expect(gpx).toContain('张照片');
  });

  it('stays English by default, and lang is not mistaken for a filter', async () => {
    const kml = await (await server.fetch('/api/exports/sites.kml')).text();
    expect(kml).toContain('Score 0.800, status confirmed');
    expect(kml).toContain('flight &quot;Demo flight&quot;');
    const en = await server.fetch('/api/exports/sites.csv?lang=en');
    expect(en.status).toBe(200);
    expect(en.headers.get('x-export-count')).toBe('1');
  });

  it('keeps the officer\'s snap note and the reviewer\'s note in separate columns', async () => {
    const site = await server.store.sites.create({
      flightId: null, source: 'phone', lat: 25.02, lon: 102.62, errorRadiusM: 8, score: 0.7, frames: 1, bestDetectionId: null,
      modelVersion: 'm-1', topLabel: 'papaver_somniferum', firstSeenAt: '2026-05-02T10:00:00Z',
    });
    await server.store.snaps.insert({
      userId: '7', username: 'otto.officer', idempotencyKey: null, sha256: 'a'.repeat(64), sizeBytes: 10, mime: 'image/jpeg', width: 10, height: 10,
      imageId: null, detectionId: null, siteId: site.id, verdict: 'poppy', poppyScore: 0.7, lat: 25.02, lon: 102.62, locationSource: 'device',
      accuracyM: 5, note: 'behind the school', takenAt: null, modelVersion: 'm-1', answer: () => ({}),
    });
    const r = await server.fetch(`/api/sites/${site.id}/review`, { method: 'POST', json: { decision: 'confirmed', note: 'seen from the road', baseVersion: site.version } });
    expect(r.status).toBe(200);
    const csv = await (await server.fetch('/api/exports/sites.csv?source=phone')).text();
    const [header, row] = csv.replace(/^\uFEFF/, '').split('\r\n');
    const cols = header.split(',');
    const cells = row.split(',');
    expect(cells[cols.indexOf('note')]).toBe('seen from the road');
    expect(cells[cols.indexOf('officerNote')]).toBe('behind the school');
    const kml = await (await server.fetch('/api/exports/sites.kml?source=phone')).text();
    expect(kml).toContain("officer&apos;s note: behind the school, reviewer&apos;s note: seen from the road");
  });
});
