// A server with the demo flight processed through the real camera model (positions, yaw, footprints) and a stand-in
// classifier that reports one detection in each frame's centre, so these tests do not depend on what the model
// finds; one user per role, an offline PMTiles basemap around the flight, and at least six sites to review.
// Shared by the browser tests of the map imagery, zoom viewer, flight facts, admin pages and 简体中文.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { fakeProcessor } from '../../server/test/helpers/fakeProcessor.js';
import { makeTestJpeg, startTestServer, uploadForm, type TestServer } from '../../server/test/helpers/server.js';
import { readMetadata } from '../../server/src/pipeline/metadata.js';
import { REPO_ROOT } from '../../server/test/helpers/shared.js';
import { cameraModel } from '../../server/src/pipeline/camera.js';
import { frameFootprint } from '../../server/src/pipeline/groundPosition.js';
import type { FrameProcessor } from '../../server/src/jobs/worker.js';
import { writeTestPmtiles } from './pmtilesFixture.js';

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
export const DEMO_DIR = path.join(REPO_ROOT, 'samples', 'demo-flight');
export const DIST_BUILT = fs.existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'));
export const DEMO_FRAMES = fs.existsSync(DEMO_DIR) ? fs.readdirSync(DEMO_DIR).filter((f) => /\.jpe?g$/i.test(f)).sort() : [];
export const USERS = {
  admin: { username: 'ada.admin', password: 'admin-password-12', role: 'admin' },
  operator: { username: 'olga.operator', password: 'operator-password-1', role: 'operator' },
  reviewer: { username: 'rita.reviewer', password: 'reviewer-password-1', role: 'reviewer' },
  officer: { username: 'otto.officer', password: 'officer-password-1', role: 'officer' },
} as const;
export type Role = keyof typeof USERS;

export interface Field {
  server: TestServer;
  flightId: number;
  /** the middle of the flight's first frame */
  centre: { lat: number; lon: number };
  tmp: string;
  mode: string;
  close(): Promise<void>;
}

/** The fake processor's metadata, placed by the real camera model: footprint by four corners, yaw honoured. */
function cameraProcessor(): FrameProcessor {
  const fake = fakeProcessor().process;
  return async (file, overrides) => {
    const result = await fake(file, overrides);
    const camera = cameraModel(result.metadata, overrides);
    const footprint = frameFootprint(camera);
    const w = camera.width;
    const h = camera.height;
    const side = Math.max(8, Math.round(w * 0.02));
    const box = { x: Math.round(w / 2 - side / 2), y: Math.round(h / 2 - side / 2), w: side, h: side };
    const detections = result.detections.map((d) => ({ ...d, box, centre: { x: w / 2, y: h / 2 } }));
    return { ...result, camera, footprint, detections } as typeof result;
  };
}

/** The demo flight's frames when they are rendered; else eight generated frames (GPS, a DJI camera, flown at 40 m). */
async function flightFrames(): Promise<{ files: { name: string; data: Buffer }[]; altitudeAglM?: number; source: string }> {
  if (DEMO_FRAMES.length > 0) {
    return { files: DEMO_FRAMES.map((f) => ({ name: f, data: fs.readFileSync(path.join(DEMO_DIR, f)) })), source: `${DEMO_FRAMES.length} demo frames` };
  }
  const files = [];
  for (let i = 0; i < 8; i++) {
    const lat = 24.95 + Math.floor(i / 4) * 0.00045; // rows 50 m apart
    const lon = 102.61 + (i % 4) * 0.0005; // frames 50 m apart
    files.push({ name: `GEN_${String(i + 1).padStart(4, '0')}.JPG`, data: await makeTestJpeg({ lat, lon, seed: i, width: 800, height: 600 }) });
  }
  return { files, altitudeAglM: 40, source: '8 generated frames (samples/demo-flight not rendered)' };
}

export async function startField(opts: { env?: Record<string, string>; upload?: boolean } = {}): Promise<Field> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-field-e2e-'));
  const frames = await flightFrames();
  const gps = (await readMetadata(frames.files[0].data)).gps!;
  const centre = { lat: gps.lat, lon: gps.lon };
  const pmtiles = path.join(tmp, 'county.pmtiles');
  await writeTestPmtiles(pmtiles, centre);
  const env = { POPPY_BASEMAP_PMTILES: pmtiles, ...opts.env };
  const server = await startTestServer({ process: cameraProcessor(), workers: 1, env });
  for (const u of Object.values(USERS)) {
    const res = await server.fetch('/api/users', { method: 'POST', json: u });
    expect(res.status).toBe(201);
  }
  const flight = (await (await server.fetch('/api/flights', { method: 'POST', json: { name: 'Valley flight 7', altitudeAglM: frames.altitudeAglM } })).json()) as { id: number };
  if (opts.upload === false) {
    return { server, flightId: flight.id, centre, tmp, mode: 'no frames', close: async () => { await server.close(); fs.rmSync(tmp, { recursive: true, force: true }); } };
  }
  const form = uploadForm(frames.files.map((f) => ({ ...f, type: 'image/jpeg' })));
  const up = await server.fetch(`/api/flights/${flight.id}/images`, { method: 'POST', body: form });
  expect(up.status).toBe(202);
  const started = Date.now();
  for (;;) {
    const f = (await (await server.fetch(`/api/flights/${flight.id}`)).json()) as { status: string };
    if (f.status === 'done' || f.status === 'failed') break;
    if (Date.now() - started > 240_000) throw new Error('the demo flight was not processed within 240 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const mode = `camera model + stand-in classifier, ${frames.source} processed in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  await seedSites(server, flight.id);
  await outlineSites(server, flight.id);
  return {
    server,
    flightId: flight.id,
    centre,
    tmp,
    mode,
    async close() {
      await server.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The shipped model finds few or no sites on the drawn demo plots: add detections on the frames' centres. */
export async function seedSites(server: TestServer, flightId: number): Promise<void> {
  const fc = (await (await server.fetch(`/api/sites?flight=${flightId}`)).json()) as { features: unknown[] };
  const config = (await (await server.fetch('/api/config')).json()) as { model: { labels: { id: string; group: string }[] } | null };
  const poppyLabel = config.model?.labels.find((l) => l.group === 'poppy')?.id ?? 'papaver_somniferum';
  const images = (await server.store.images.listByFlight(flightId)).filter((i) => i.lat != null && i.width && i.height);
  for (let i = fc.features.length; i < 6 && images.length > 0; i++) {
    const image = images[i % images.length];
    const score = 0.6 + i * 0.05;
    const lat = image.lat! + 0.00005 * i;
    const lon = image.lon!;
    const side = Math.round(image.width! * 0.02);
    const box = { x: Math.round(image.width! * 0.5 - side / 2), y: Math.round(image.height! * 0.5 - side / 2), w: side, h: side };
    const d = await server.store.detections.insert({
      imageId: image.id, flightId, box, score, lat, lon, errorRadiusM: 3, top: [{ label: poppyLabel, score }], modelVersion: 'e2e-seeded', seenAt: image.takenAt,
    });
    const site = await server.store.sites.create({
      flightId, source: 'drone', lat, lon, errorRadiusM: 3, score, frames: 1, bestDetectionId: d.id, modelVersion: 'e2e-seeded', topLabel: poppyLabel, firstSeenAt: image.takenAt,
    });
    await server.store.detections.attachToSite(d.id, site.id);
  }
}

/** Every site of the flight gets a plot outline, as the dense model gives: a 3 m square around it. */
export async function outlineSites(server: TestServer, flightId: number): Promise<void> {
  const { sql } = server.store;
  for (const s of await sql.all<{ id: number; lat: number; lon: number }>('SELECT id, lat, lon FROM sites WHERE flight_id = ?', [flightId])) {
    const m = 1.5 / 111_320;
    const k = 1 / Math.cos((s.lat * Math.PI) / 180);
    const ring = [[s.lon - m * k, s.lat - m], [s.lon + m * k, s.lat - m], [s.lon + m * k, s.lat + m], [s.lon - m * k, s.lat + m], [s.lon - m * k, s.lat - m]];
    await sql.run('UPDATE sites SET outline = ? WHERE id = ?', [JSON.stringify({ type: 'Polygon', coordinates: [ring] }), s.id]);
  }
}

export async function signIn(browser: Browser, role: Role, opts: { lang?: 'en' | 'zh'; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 }, locale: opts.lang === 'zh' ? 'zh-CN' : 'en-GB' });
  if (opts.lang) await context.addInitScript((lang) => localStorage.setItem('poppywatch.lang', lang), opts.lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { context, page };
}

export async function login(page: Page, server: TestServer, role: Role, hash = ''): Promise<void> {
  await page.goto(server.url + '/' + hash);
  await page.fill('input[name="username"]', USERS[role].username);
  await page.fill('input[name="password"]', USERS[role].password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('.topbar');
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
