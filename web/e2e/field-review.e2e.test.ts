// Issue 11, sections 2–7 in Debian chromium against a server with the demo flight processed: the flight's imagery
// on the map over an offline PMTiles basemap, the full-resolution zoom viewer, what the flight could see, review and
// snap details, 简体中文 throughout and the admin pages. Screenshots of every page in en and zh go to test-artifacts/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, currentSiteId, installLatencyProbe, launchChromium, pressAndMeasure } from './browser.js';
import { DEMO_FRAMES, DIST_BUILT, login, shot, signIn, startField, type Field } from './field.js';

let field: Field;
let browser: Browser;

describe.runIf(chromiumAvailable() && DIST_BUILT && DEMO_FRAMES.length > 0)('field review in chromium', () => {
  beforeAll(async () => {
    field = await startField();
    console.log(`field e2e: ${field.mode}`);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await field?.close();
  });

  describe('2. imagery under the sites', () => {
    it('draws every located frame as an overlay over the offline basemap, with scale bar, search and flight list', async () => {
      const { server, flightId } = field;
      const fc = (await (await server.fetch(`/api/flights/${flightId}/footprints`)).json()) as { features: { properties: { kind: string; overlayUrl?: string } }[] };
      const expected = fc.features.filter((f) => f.properties.kind === 'footprint' && f.properties.overlayUrl).length;
      expect(expected).toBeGreaterThan(0);

      const { context, page } = await signIn(browser, 'reviewer');
      await login(page, server, 'reviewer');
      await page.waitForSelector('[data-testid="site-panel"]');
      await page.waitForFunction((n) => document.querySelectorAll('img.frame-overlay').length === n, expected, { timeout: 20_000 });
      // every overlay loaded and transformed (placed by four corners)
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.frame-overlay')].every((i) => i.complete && i.naturalWidth > 0));
      const transforms = await page.$$eval('img.frame-overlay', (imgs) => imgs.map((i) => (i as HTMLElement).style.transform));
      expect(transforms.every((t) => t.startsWith('matrix3d('))).toBe(true);
      // the offline basemap: tiles read from the PMTiles file through byte ranges, no notice
      await page.waitForSelector('.leaflet-tile-loaded', { timeout: 15_000 });
      expect(await page.locator('[data-testid="basemap-notice"]').count()).toBe(0);
      // scale bar and a plain-text attribution prefix without Leaflet's flag
      expect(await page.locator('.leaflet-control-scale-line').count()).toBeGreaterThan(0);
      const attribution = page.locator('.leaflet-control-attribution');
      expect(await attribution.textContent()).toContain('PoppyWatch');
      expect(await attribution.locator('svg').count()).toBe(0);
      // the flight list with its date; imagery toggles per flight
      const layers = page.locator('[data-testid="flight-layers"]');
      expect(await layers.textContent()).toContain('Valley flight 7');
      expect(await layers.textContent()).toMatch(/\d{4}/);
      await shot(page, 'map-imagery-en');
      await page.uncheck(`[data-testid="imagery-${flightId}"]`);
      await page.waitForFunction(() => document.querySelectorAll('img.frame-overlay').length === 0);
      await page.check(`[data-testid="imagery-${flightId}"]`);
      await page.waitForFunction((n) => document.querySelectorAll('img.frame-overlay').length === n, expected);

      // "lat, lon" pans there; a bad entry says so
      await page.fill('[data-testid="map-search"]', 'not a place');
      await page.press('[data-testid="map-search"]', 'Enter');
      await page.waitForSelector('.map-search .form-error');
      await page.fill('[data-testid="map-search"]', '24.9, 102.5');
      await page.press('[data-testid="map-search"]', 'Enter');
      // far from the flight: no overlay is on screen any more
      const onScreen = () =>
        page.evaluate(() => {
          const map = document.querySelector('[data-testid="site-map"]')!.getBoundingClientRect();
          return [...document.querySelectorAll('img.frame-overlay')].filter((i) => {
            const r = i.getBoundingClientRect();
            return r.right > map.left && r.left < map.right && r.bottom > map.top && r.top < map.bottom;
          }).length;
        });
      await page.waitForFunction(() => true);
      expect(await onScreen()).toBe(0);
      // choosing the flight in the filter refits the map to it
      await page.selectOption('.filters select', String(flightId));
      await page.waitForFunction((n) => {
        const map = document.querySelector('[data-testid="site-map"]')!.getBoundingClientRect();
        return [...document.querySelectorAll('img.frame-overlay')].filter((i) => {
          const r = i.getBoundingClientRect();
          return r.right > map.left && r.left < map.right && r.bottom > map.top && r.top < map.bottom;
        }).length === n;
      }, expected, { timeout: 10_000 });
      await context.close();
    });

    it('serves the basemap file by byte ranges', async () => {
      const res = await field.server.fetch('/api/basemap.pmtiles', { headers: { Range: 'bytes=0-126' } });
      expect(res.status).toBe(206);
      const head = Buffer.from(await res.arrayBuffer());
      expect(head.length).toBe(127);
      expect(head.subarray(0, 7).toString()).toBe('PMTiles');
      expect((await field.server.fetch('/api/basemap.pmtiles', { auth: false })).status).toBe(401);
    });
  });

  describe('3. full-resolution zoom', () => {
    it('Z opens the original at native resolution centred on the site, Esc closes, next site stays within 150 ms', async () => {
      const { server } = field;
      const { context, page } = await signIn(browser, 'reviewer');
      await installLatencyProbe(page);
      await login(page, server, 'reviewer');
      await page.waitForSelector('[data-testid="site-panel"] [data-testid="frame-with-box"]');
      await page.keyboard.press('z');
      const viewer = page.locator('[data-testid="zoom-viewer"]');
      await viewer.waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('[data-testid="zoom-original"]');
        return img && img.complete && img.naturalWidth > 0 && img.style.opacity === '1';
      }, undefined, { timeout: 15_000 });
      const id = Number(await currentSiteId(page));
      const site = (await (await server.fetch(`/api/sites/${id}`)).json()) as { detections: { box: { x: number; y: number; w: number; h: number }; image: { width: number; height: number } }[] };
      const det = site.detections[0];
      const natural = await page.$eval('[data-testid="zoom-original"]', (i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]);
      expect(natural).toEqual([det.image.width, det.image.height]); // the original, not a preview
      expect(await page.textContent('[data-testid="zoom-scale"]')).toBe('100 %');
      // the detection box is in the middle of the screen, one image pixel per CSS pixel
      const box = await page.$eval('.zoom-marks rect', (r) => r.getBoundingClientRect().toJSON() as DOMRect);
      const vp = await page.$eval('.zoom-viewport', (v) => v.getBoundingClientRect().toJSON() as DOMRect);
      expect(Math.abs(box.x + box.width / 2 - (vp.x + vp.width / 2))).toBeLessThan(2);
      expect(Math.abs(box.y + box.height / 2 - (vp.y + vp.height / 2))).toBeLessThan(2);
      expect(box.width).toBeCloseTo(det.box.w, 0);
      await shot(page, 'zoom-viewer-en');
      await page.keyboard.press('+');
      expect(await page.textContent('[data-testid="zoom-scale"]')).toBe('150 %');

      // moving on with the viewer open: the next site within 150 ms, its original prefetched
      await page.waitForTimeout(800);
      const next = await pressAndMeasure(page, 'ArrowRight');
      console.log(`field e2e: → next site with the zoom viewer open ${next.toFixed(1)} ms`);
      expect(next).toBeLessThanOrEqual(150);
      await viewer.waitFor();
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });

      // a click on a crop opens it too; Z closes it again
      await page.click('.crop >> nth=0');
      await viewer.waitFor();
      await page.keyboard.press('z');
      await viewer.waitFor({ state: 'detached' });
      await context.close();
    });
  });
});
