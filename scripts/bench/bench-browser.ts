// Browser benchmark: the built review app in headless Debian chromium with 10,000 sites from a mocked API
// (playwright routes; no server, no network). Reports the time to render the map, queue and first site
// (goal ≤ 1 s) and key → next-site latency (goal ≤ 150 ms).
//   npx tsx scripts/bench/bench-browser.ts [--sites 10000] [--keys 40] [--screenshot test-artifacts/bench-browser.png]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Route } from 'playwright-core';
import { chromiumAvailable, installLatencyProbe, launchChromium, percentile, pressAndMeasure } from '../../web/e2e/browser.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const dist = path.join(root, 'web', 'dist');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SITES = Number(arg('sites', '10000'));
const KEYS = Number(arg('keys', '40'));
const SCREENSHOT = arg('screenshot', path.join(root, 'test-artifacts', 'bench-browser.png'));

/** Deterministic pseudo-random numbers, so every run sees the same sites. */
function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function makeSites(n: number) {
  const r = rng(42);
  const features = [];
  for (let i = 1; i <= n; i++) {
    // clumps of plots around a few villages, like a real survey area
    const village = Math.floor(r() * 12);
    const lon = 100.1 + (village % 4) * 0.05 + (r() - 0.5) * 0.03;
    const lat = 20.2 + Math.floor(village / 4) * 0.04 + (r() - 0.5) * 0.03;
    const status = i % 10 === 0 ? 'confirmed' : i % 7 === 0 ? 'rejected' : 'pending';
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: {
        id: i, score: Math.round((0.5 + r() * 0.5) * 1000) / 1000, status, errorRadiusM: 1 + r() * 4, frames: 1 + Math.floor(r() * 4),
        modelVersion: 'bench-1.0.0', flightId: 1 + (village % 3), source: 'drone', topLabel: 'poppy_drone',
        firstSeenAt: '2026-05-01T10:00:00.000Z', version: 1, note: null,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

async function main() {
  if (!chromiumAvailable()) {
    console.log('bench-browser: skipped, no chromium at /usr/bin/chromium (set POPPY_CHROMIUM)');
    return;
  }
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    const b = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('web build failed');
  }
  const sites = makeSites(SITES);
  const sitesJson = JSON.stringify(sites);
  const byId = new Map(sites.features.map((f) => [String(f.properties.id), f]));
  const crop = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 120, g: 140, b: 70 } } }).jpeg().toBuffer();
  const preview = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 110, g: 130, b: 90 } } }).jpeg().toBuffer();
  const json = (route: Route, body: unknown, status = 200) =>
    route.fulfill({ status, contentType: 'application/json', body: typeof body === 'string' ? body : JSON.stringify(body) });
  let reviews = 0;

  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  await context.route('http://poppy.bench/**', async (route) => {
    const url = new URL(route.request().url());
    const p = url.pathname;
    if (!p.startsWith('/api/')) {
      const file = path.join(dist, p === '/' ? 'index.html' : path.normalize(p));
      if (!file.startsWith(dist) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.html') ? 'text/html' : 'application/octet-stream';
      return route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(file) });
    }
    if (p === '/api/auth/me') return json(route, { user: { id: 1, username: 'bench', role: 'reviewer' }, csrfToken: 'csrf' });
    if (p === '/api/config')
      return json(route, {
        basemap: { url: null, gcj02: false, attribution: null },
        model: { name: 'bench', version: '1.0.0', labels: [{ id: 'poppy_drone', en: 'Poppy (aerial)', zh: '罂粟（航拍）', group: 'poppy' }] },
      });
    if (p === '/api/flights') return json(route, { flights: [] });
    if (p === '/api/sites') return json(route, sitesJson);
    const detail = /^\/api\/sites\/(\d+)$/.exec(p);
    if (detail) {
      const f = byId.get(detail[1])!;
      const id = Number(detail[1]);
      return json(route, {
        ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], flight: { id: 1, name: 'Bench flight' },
        detections: [0, 1].map((k) => ({
          id: id * 10 + k, imageId: id, score: f.properties.score - k * 0.05, box: { x: 300, y: 200, w: 60, h: 60 },
          top: [{ label: 'poppy_drone', score: f.properties.score }], modelVersion: 'bench-1.0.0',
          image: { id, name: `DJI_${String(id).padStart(4, '0')}.JPG`, takenAt: '2026-05-01T10:00:00.000Z', width: 800, height: 600, orientation: 1 },
        })),
        history: [],
      });
    }
    const review = /^\/api\/sites\/(\d+)\/review$/.exec(p);
    if (review) {
      reviews++;
      const f = byId.get(review[1])!;
      const body = JSON.parse(route.request().postData() ?? '{}') as { decision: string };
      return json(route, { ...f.properties, status: body.decision, version: f.properties.version + 1, detections: [], history: [] });
    }
    if (/\/crop$/.test(p)) return route.fulfill({ status: 200, contentType: 'image/jpeg', body: crop });
    if (/\/preview$/.test(p)) return route.fulfill({ status: 200, contentType: 'image/jpeg', body: preview });
    return json(route, { error: 'not_found', message: p }, 404);
  });

  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
  await installLatencyProbe(page);
  await page.addInitScript({
    content: `(() => {
      window.__rendered = null;
      const check = () => {
        if (document.querySelector('.leaflet-marker-icon.cluster-icon') && document.querySelector('[data-testid="site-panel"]') &&
            document.querySelector('[data-testid="queue-row"]')) window.__rendered = performance.now();
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    })();`,
  });
  await page.goto('http://poppy.bench/');
  try {
    await page.waitForFunction(() => (window as unknown as { __rendered: number | null }).__rendered !== null, undefined, { timeout: 30_000 });
  } catch (err) {
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await browser.close();
    throw err;
  }
  const renderMs = await page.evaluate(() => (window as unknown as { __rendered: number }).__rendered);
  const queueRows = await page.locator('[data-testid="queue-row"]').count();
  const marks = (await page.evaluate(
    `performance.getEntriesByType('mark').filter((m) => m.name.startsWith('poppy:')).map((m) => [m.name, m.startTime])`,
  )) as [string, number][];
  const timing = (await page.evaluate(`(() => { const n = performance.getEntriesByType('navigation')[0]; return { dcl: n.domContentLoadedEventEnd }; })()`)) as { dcl: number };
  const apiTimes = (await page.evaluate(
    `performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/')).map((r) => [new URL(r.name).pathname, r.startTime, r.responseEnd])`,
  )) as [string, number, number][];

  await page.waitForTimeout(300); // first details and crops in
  const keys = ['ArrowRight', 'y', 'n', 'Space', 'ArrowRight', 'y', 'ArrowLeft', 'n'];
  const latencies: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const key = keys[i % keys.length];
    try {
      latencies.push(await pressAndMeasure(page, key));
    } catch (err) {
      await page.screenshot({ path: SCREENSHOT });
      await browser.close();
      throw new Error(`key ${i} (${JSON.stringify(key)}): ${(err as Error).message}; active element ${await page.evaluate('document.activeElement && document.activeElement.outerHTML.slice(0, 200)')}`);
    }
  }
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  await browser.close();

  const sitesEnd = apiTimes.find(([p]) => p === '/api/sites')?.[2] ?? 0;
  const afterDataMs = renderMs - sitesEnd;
  const fmt = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`bench-browser: ${SITES} sites, headless chromium, viewport 1600×900`);
  console.log(`  render (navigation → map clusters + queue + first site): ${fmt(renderMs)} (goal ≤ 1000 ms) ${renderMs <= 1000 ? 'OK' : 'SLOW'}`);
  console.log(`  of which after the /api/sites answer arrived:             ${fmt(Math.max(0, afterDataMs))}`);
  console.log(`  timeline: DOMContentLoaded ${fmt(timing.dcl)}; ${apiTimes.map(([p, a, b]) => `${p} ${a.toFixed(0)}→${b.toFixed(0)}`).join(', ')}`);
  console.log(`  marks: ${marks.map(([n, t]) => `${n.replace('poppy:', '')} ${t.toFixed(0)}`).join(', ')}`);
  console.log(`  queue rows in the DOM (windowed list):                    ${queueRows}`);
  console.log(
    `  key → next site (${latencies.length} keys): p50 ${fmt(percentile(latencies, 50))}, p95 ${fmt(percentile(latencies, 95))}, max ${fmt(Math.max(...latencies))} (goal ≤ 150 ms)`,
  );
  console.log(`  reviews sent in the background: ${reviews}`);
  console.log(`  screenshot: ${path.relative(root, SCREENSHOT)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
