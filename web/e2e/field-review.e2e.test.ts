// Issue 11, sections 2–7 in Debian chromium against a server with the demo flight processed: the flight's imagery
// on the map over an offline PMTiles basemap, the full-resolution zoom viewer, what the flight could see, review and
// snap details, 简体中文 throughout and the admin pages. Screenshots of every page in en and zh go to test-artifacts/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, currentSiteId, installLatencyProbe, launchChromium, pressAndMeasure } from './browser.js';
import { DIST_BUILT, USERS, login, outlineSites, seedSites, shot, signIn, startField, type Field } from './field.js';

let field: Field;
let browser: Browser;
/** after the flight was processed again, the stand-in sites are added once more for the later tests */
const seedAgain = async () => {
  await seedSites(field.server, field.flightId);
  await outlineSites(field.server, field.flightId);
};

describe.runIf(chromiumAvailable() && DIST_BUILT)('field review in chromium', () => {
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
      // where frames overlap the most nadir one is on top
      const tilt = new Map(fc.features.map((f) => [String((f.properties as { imageId?: number }).imageId), (f.properties as { offNadirDeg?: number | null }).offNadirDeg ?? 90]));
      const stack = await page.$$eval('img.frame-overlay', (imgs) => imgs.map((i) => [(i as HTMLElement).dataset.imageId!, Number((i as HTMLElement).style.zIndex)] as [string, number]));
      for (const [a, za] of stack) for (const [b, zb] of stack) if (tilt.get(a)! < tilt.get(b)!) expect(za).toBeGreaterThanOrEqual(zb);
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
      // the plot outlines of the sites, drawn on the map
      const siteCount = (await (await server.fetch(`/api/sites?flight=${flightId}`)).json()).features.length as number;
      await page.waitForFunction((n) => document.querySelectorAll('path.site-outline').length === n, siteCount);
      await shot(page, 'map-imagery-en');
      await page.uncheck(`[data-testid="imagery-${flightId}"]`);
      await page.waitForFunction(() => document.querySelectorAll('img.frame-overlay').length === 0);
      await page.check(`[data-testid="imagery-${flightId}"]`);
      await page.waitForFunction((n) => document.querySelectorAll('img.frame-overlay').length === n, expected);

      // "lat, lon" pans there; a bad entry says so
      await page.fill('[data-testid="map-search"]', 'not a place');
      await page.press('[data-testid="map-search"]', 'Enter');
      await page.waitForSelector('.map-search .form-error');
      await page.fill('[data-testid="map-search"]', `${(field.centre.lat - 0.05).toFixed(4)}, ${(field.centre.lon - 0.1).toFixed(4)}`);
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
      // the site's plot outline, projected into the frame through its footprint, around the detection
      const outline = await page.$eval('[data-testid="zoom-outline"]', (p) => p.getBoundingClientRect().toJSON() as DOMRect);
      expect(Math.abs(outline.x + outline.width / 2 - (vp.x + vp.width / 2))).toBeLessThan(60);
      expect(outline.width).toBeGreaterThan(20);
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

  describe('4. what the flight could see', () => {
    it('operator lands on Flights, sees cm/px, area, placing and the verdict, corrects the height and the frames run again once', async () => {
      const { server, flightId } = field;
      const { context, page } = await signIn(browser, 'operator');
      await login(page, server, 'operator');
      await page.waitForSelector('nav a[data-page="flights"][aria-current="page"]');
      await page.click('.flights-list button.link >> text=Valley flight 7');
      const facts = page.locator('[data-testid="flight-facts"]');
      await facts.waitFor();
      const verdict = await page.textContent('[data-testid="visibility"]');
      expect(verdict).toMatch(/cm\/px a 6 cm flower is .* px across — /);
      expect(await facts.textContent()).toMatch(/Area covered \(ha\)\d/);
      expect(await page.textContent('[data-testid="placed-counts"]')).toMatch(/^\d+ precisely, \d+ imprecisely, \d+ without position$/);
      await shot(page, 'flights-en');

      const jobsBefore: number[] = [];
      for (const i of await server.store.images.listByFlight(flightId)) jobsBefore.push((await server.store.jobs.latestForImage(i.id))!.id);
      await page.click('[data-testid="edit-camera"]');
      await page.fill('input[name="sensorWidthMm"]', '6.3');
      await page.click('[data-testid="edit-camera-form"] button[type="submit"]');
      await page.waitForSelector('.edit-camera >> text=frames queued again');
      await page.waitForSelector('[data-testid="processing"][data-status="done"]', { timeout: 60_000 });
      const images = await server.store.images.listByFlight(flightId);
      expect(images).toHaveLength(jobsBefore.length);
      for (const [n, i] of images.entries()) {
        const latest = (await server.store.jobs.latestForImage(i.id))!;
        expect(latest.id).toBeGreaterThan(jobsBefore[n]);
        expect(latest.status).toBe('done');
      }
      const jobsPerImage = await server.store.sql.all<{ n: number }>(
        'SELECT image_id, COUNT(*) AS n FROM jobs WHERE image_id IN (SELECT id FROM images WHERE flight_id = ?) GROUP BY image_id',
        [flightId],
      );
      expect(jobsPerImage.every((r) => r.n === 2)).toBe(true); // uploaded once, processed again exactly once
      const audit = (await (await server.fetch(`/api/audit?action=flight_changed&flightId=${flightId}`)).json()) as { records: { after: { sensorWidthMm: number } }[] };
      expect(audit.records[0].after.sensorWidthMm).toBe(6.3);
      await context.close();
      await seedAgain();
    });
  });

  describe('7. admin and help', () => {
    it('admin adds a user, changes the role, disables, resets the password and revokes a token', async () => {
      const { server } = field;
      const { context, page } = await signIn(browser, 'admin');
      await login(page, server, 'admin', '#/users');
      await page.waitForSelector('[data-testid="users-page"]');
      await page.fill('input[name="newUsername"]', 'nina.new');
      await page.selectOption('select[name="newRole"]', 'officer');
      await page.click('[data-testid="add-user"] >> text=Suggest one');
      expect((await page.inputValue('input[name="newPassword"]')).length).toBe(16);
      await page.click('[data-testid="add-user"] button[type="submit"]');
      const row = page.locator('[data-testid="user-nina.new"]');
      await row.waitFor();
      await row.locator('select').selectOption('reviewer');
      await page.waitForSelector('.notice >> text=nina.new is now reviewer');
      await row.locator('button:has-text("Disable")').click();
      await row.locator('.badge:has-text("Disabled")').waitFor();
      const nina = async () => (await server.store.users.list()).find((u) => u.username === 'nina.new')!;
      expect(await nina()).toMatchObject({ role: 'reviewer', disabled: true });
      await row.locator('button:has-text("Enable")').click();
      await row.locator('.badge:has-text("Active")').waitFor();
      await row.locator('button:has-text("Reset password")').click();
      await row.locator('input[name="resetPassword"]').fill('a fresh long passphrase 7');
      await row.locator('.reset-form button[type="submit"]').click();
      await page.waitForSelector('.notice >> text=Password of nina.new reset');
      const res = await fetch(server.url + '/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: server.url }, body: JSON.stringify({ username: 'nina.new', password: 'a fresh long passphrase 7' }) });
      expect(res.status).toBe(200);
      // a token of the reviewer, listed and revoked from here
      const reviewer = (await server.store.users.list()).find((u) => u.username === 'rita.reviewer')!;
      const tokenId = await server.store.tokens.create({ userId: reviewer.id, name: 'field laptop script', tokenHash: 'e2e-'.padEnd(64, '0'), expiresAt: null });
      const rrow = page.locator('[data-testid="user-rita.reviewer"]');
      await page.click('[data-testid="show-tokens-rita.reviewer"]');
      await rrow.locator('text=field laptop script').waitFor();
      await shot(page, 'users-en');
      await rrow.locator('.tokens button:has-text("Revoke")').click();
      await rrow.locator('.tokens .badge:has-text("revoked")').waitFor();
      expect((await server.store.tokens.listForUser(reviewer.id)).find((t) => t.id === tokenId)?.revokedAt).toBeTruthy();
      await context.close();
    });

    it('audit log: filters by action and user, and the CSV has the same records', async () => {
      const { server } = field;
      const { context, page } = await signIn(browser, 'reviewer');
      await login(page, server, 'reviewer', '#/audit');
      await page.waitForSelector('[data-testid="audit-count"]');
      await page.selectOption('select[name="action"]', 'user_created');
      await page.click('.audit-filters button[type="submit"]');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('.audit-table tbody tr')];
        return rows.length > 0 && rows.every((r) => r.getAttribute('data-action') === 'user_created');
      });
      expect(await page.textContent('.audit-table')).toContain('nina.new');
      const href = (await page.getAttribute('[data-testid="audit-csv"]', 'href'))!;
      expect(href).toContain('action=user_created');
      const csv = await (await server.fetch(href)).text();
      expect(csv.split('\n')[0]).toContain('action');
      expect(csv).toContain('nina.new');
      expect(csv).not.toContain(',review,');
      await page.fill('input[name="username"]', 'nobody-at-all');
      await page.click('.audit-filters button[type="submit"]');
      await page.waitForSelector('[data-testid="audit-count"]:has-text("No records match")');
      await page.fill('input[name="username"]', '');
      await page.selectOption('select[name="action"]', '');
      await page.click('.audit-filters button[type="submit"]');
      await page.waitForFunction(() => document.querySelectorAll('.audit-table tbody tr').length > 3);
      await shot(page, 'audit-en');
      await context.close();
    });

    it('a user changes their own password, signs in again with it; the help page explains keys and the model', async () => {
      const { server } = field;
      const { context, page } = await signIn(browser, 'officer');
      await login(page, server, 'officer', '#/account');
      await page.waitForSelector('[data-testid="account-page"]');
      await shot(page, 'account-en');
      await page.fill('input[name="currentPassword"]', 'wrong password here');
      await page.fill('input[name="newPassword"]', 'officer-password-2b');
      await page.fill('input[name="repeatPassword"]', 'officer-password-2b');
      await page.click('[data-testid="change-password"] button[type="submit"]');
      await page.waitForSelector('[data-testid="change-password"] .form-error');
      await page.fill('input[name="currentPassword"]', 'officer-password-1');
      await page.click('[data-testid="change-password"] button[type="submit"]');
      await page.waitForSelector('.login >> text=Password changed');
      await page.fill('input[name="username"]', 'otto.officer');
      await page.fill('input[name="password"]', 'officer-password-2b');
      await page.click('button[type="submit"]');
      await page.waitForSelector('.topbar');
      (USERS.officer as { password: string }).password = 'officer-password-2b';
      await page.click('nav a[data-page="help"]');
      const help = page.locator('[data-testid="help-page"]');
      await help.waitFor();
      const text = await help.textContent();
      for (const k of ['Y', 'N', 'U', 'Z', 'Esc']) expect(text).toContain(k);
      expect(text).toContain('corn poppy');
      await shot(page, 'help-en');
      await context.close();
    });

    it('the attribution prefix is plain text', async () => {
      const other = await startField({ env: { POPPY_MAP_ATTRIBUTION_PREFIX: '<b>County</b> police map' }, upload: false });
      try {
        const { context, page } = await signIn(browser, 'reviewer');
        await login(page, other.server, 'reviewer');
        const attribution = page.locator('.leaflet-control-attribution');
        await attribution.waitFor();
        expect(await attribution.textContent()).toContain('<b>County</b> police map');
        expect(await attribution.locator('b').count()).toBe(0);
        await context.close();
      } finally {
        await other.close();
      }
    });
  });

  describe('6. 简体中文 throughout', () => {
    // English that must not be left on a Chinese page (menu, buttons, statuses, headings of every page)
    const ENGLISH = [
      'Review', 'Flights', 'Users', 'Audit log', 'My account', 'Help', 'Sign out', 'Signed in as', 'Pending', 'Confirmed',
      'Rejected', 'Loading', 'Demo flight', 'Frame footprints', 'Flight track', 'Basemap', 'Export', 'Confirm poppy', 'Reject',
      'Previous', 'Next', 'Undo', 'Coordinates', 'poppy score', 'Processing', 'Done', 'Add a user', 'Password', 'Role',
      'Download CSV', 'Change password', 'Workflow', 'Refused', 'Not a JPEG', 'Something went wrong', 'Flights on the map',
      'Original at full resolution', 'Whole frame', 'Close', 'Seen from', 'All flights', 'What this flight could see',
      'Ground resolution', 'frames', 'Queue', 'Note', 'Frame', 'Sign in', 'User name', 'Action', 'Upload frames', 'precisely',
      'Zoom in', 'Zoom out',
    ];
    const englishOn = async (page: import('playwright-core').Page) => {
      // interface text only: cells marked data-raw show stored records (an audit entry's JSON) as they are
      const text = await page.evaluate(() => {
        const copy = document.body.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('[data-raw]').forEach((e) => e.remove());
        document.body.appendChild(copy);
        copy.style.position = 'absolute';
        // tooltips and spoken labels too (Leaflet's own +/− buttons, icon buttons)
        const attrs = [...copy.querySelectorAll('[title], [aria-label], [placeholder]')]
          .map((e) => ['title', 'aria-label', 'placeholder'].map((a) => e.getAttribute(a) ?? '').join('\n'))
          .join('\n');
        const t = `${copy.innerText}\n${attrs}`;
        copy.remove();
        return t;
      });
      return ENGLISH.filter((w) => new RegExp(`(^|[^A-Za-z])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z]|$)`).test(text));
    };

    it('every page in 简体中文 is free of the known English strings; screenshots of every page in en and zh', async () => {
      const { server } = field;
      const found: Record<string, string[]> = {};
      for (const lang of ['zh', 'en'] as const) {
        const check = async (name: string, page: import('playwright-core').Page) => {
          await page.waitForTimeout(300);
          await shot(page, `page-${name}-${lang}`);
          if (lang === 'zh') {
            const left = await englishOn(page);
            if (left.length) found[name] = left;
          }
        };
        // login
        let { context, page } = await signIn(browser, 'admin', { lang });
        await page.goto(server.url);
        await page.waitForSelector('input[name="username"]');
        await check('login', page);
        await page.fill('input[name="username"]', 'nobody');
        await page.fill('input[name="password"]', 'wrong-password-123');
        await page.click('button[type="submit"]');
        await page.waitForSelector('.login .form-error');
        await check('login-error', page);
        await login(page, server, 'admin');
        // review, zoom viewer
        await page.waitForSelector('[data-testid="site-panel"] [data-testid="frame-with-box"]');
        await page.waitForFunction(() => document.querySelectorAll('img.frame-overlay').length > 0);
        await check('review', page);
        // ten menu entries for an administrator, each on one line
        expect(await page.$$eval('.topbar nav a', (as) => as.filter((a) => a.getBoundingClientRect().height > 36).map((a) => a.textContent))).toEqual([]);
        await page.keyboard.press('z');
        await page.waitForSelector('[data-testid="zoom-viewer"]');
        await check('zoom', page);
        await page.keyboard.press('Escape');
        // flights with a refused file
        await page.click('nav a[data-page="flights"]');
        await page.click('.flights-list button.link >> nth=0');
        await page.waitForSelector('[data-testid="flight-facts"]');
        await page.setInputFiles('[data-testid="file-input"]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
        await page.waitForSelector('.upload-item[data-state="rejected"]');
        if (lang === 'zh') expect(await page.textContent('.upload-item[data-state="rejected"] .state')).toMatch(/^被拒绝: 不是 JPEG/);
        await check('flights', page);
        for (const p of ['users', 'audit', 'account', 'help'] as const) {
          await page.click(`nav a[data-page="${p}"]`);
          await page.waitForSelector(`[data-testid="${p}-page"]`);
          if (p === 'users') await page.waitForSelector('.users-table tbody tr');
          if (p === 'audit') await page.waitForSelector('.audit-table tbody tr');
          await check(p, page);
        }
        // status badges stay on one line
        const wrapped = await page.evaluate(() => [...document.querySelectorAll('.badge')].filter((b) => b.getClientRects().length > 1).length);
        expect(wrapped).toBe(0);
        await context.close();
        // the phone page
        ({ context, page } = await signIn(browser, 'officer', { lang, viewport: { width: 390, height: 844 } }));
        await page.goto(server.url + '/snap');
        await page.waitForTimeout(500);
        await check('snap', page);
        await context.close();
      }
      expect(found).toEqual({});
    });

    it('dates follow the language', async () => {
      const { server } = field;
      const { context, page } = await signIn(browser, 'reviewer', { lang: 'zh' });
      await login(page, server, 'reviewer');
      const dates = await page.textContent('[data-testid="flight-layers"]');
      expect(dates).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
      // date fields in the reader's language, not the browser's mm/dd/yyyy
      expect(await page.getAttribute('.filters input[name="from"]', 'placeholder')).toBe('年-月-日');
      await page.fill('.filters input[name="from"]', '2026-05-01');
      await page.press('.filters input[name="from"]', 'Tab');
      expect(await page.inputValue('.filters input[name="from"]')).toBe('2026年5月1日');
      await context.close();
    });
  });

  describe('5. review and snap details', () => {
    it('fits a 1366×768 laptop: note box, history and keys visible; the conflict says who; the end of the queue says so', async () => {
      const { server, flightId } = field;
      // a site with history, reviewed by someone else, shown first
      const sites = (await (await server.fetch(`/api/sites?flight=${flightId}&status=pending`)).json()) as { features: { properties: { id: number; version: number; score: number } }[] };
      const first = sites.features.sort((a, b) => b.properties.score - a.properties.score)[0].properties;
      const { context, page } = await signIn(browser, 'reviewer', { viewport: { width: 1366, height: 768 } });
      await login(page, server, 'reviewer');
      await page.waitForSelector(`[data-testid="site-panel"][data-site-id="${first.id}"] [data-testid="frame-with-box"]`);
      const visible = async (sel: string) =>
        page.$eval(sel, (el) => {
          const r = el.getBoundingClientRect();
          return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
        });
      await shot(page, 'review-1366-first-en');
      expect(await visible('[data-testid="note"]')).toBe(true);
      expect(await visible('.key-hints')).toBe(true);

      // someone else decides it meanwhile: the conflict names them
      const other = await server.fetch(`/api/sites/${first.id}/review`, { method: 'POST', json: { decision: 'rejected', note: 'a field of onions', baseVersion: first.version } });
      expect(other.status).toBe(200);
      await page.keyboard.press('y');
      await page.waitForSelector('[data-testid="conflict"]');
      const who = (await server.store.sites.get(first.id))!.reviewedBy!;
      expect(who).toBeTruthy();
      expect(await page.textContent('[data-testid="conflict-title"]')).toContain(who);
      expect(await page.textContent('[data-testid="conflict-by"]')).toBe(who);
      await shot(page, 'conflict-1366-en');
      await page.click('button:has-text("Keep their decision")');
      await page.waitForSelector('[data-testid="conflict"]', { state: 'detached' });
      // its history shows, with the note box, on the laptop screen
      await page.click(`[data-testid="queue-row"] >> text=#${first.id}`).catch(() => undefined);
      await page.selectOption('.filters select', String(flightId));
      await page.click('.status-tabs label:has-text("All")');
      await page.click(`[data-testid="queue-row"] >> text=#${first.id}`);
      await page.waitForSelector('.history li');
      expect(await visible('.history')).toBe(true);
      expect(await visible('[data-testid="note"]')).toBe(true);
      expect(await visible('.key-hints')).toBe(true);
      await shot(page, 'review-1366-en');

      // to the last site and one more: the page says the queue has ended
      const total = Number((await page.textContent('.site-head .muted'))!.match(/of (\d+)/)![1]);
      for (let i = 0; i < total + 1; i++) await page.keyboard.press('ArrowRight');
      const end = page.locator('[data-testid="end-of-queue"]');
      await end.waitFor();
      expect(await end.textContent()).toMatch(/End of the queue/);
      await page.keyboard.press('ArrowLeft');
      await end.waitFor({ state: 'detached' });
      await context.close();
    });

    it('keeps the officer\'s snap note apart from the reviewer\'s note', async () => {
      const { server } = field;
      const site = await server.store.sites.create({
        flightId: null, source: 'phone', lat: field.centre.lat, lon: field.centre.lon, errorRadiusM: 6, score: 0.99, frames: 1, bestDetectionId: null,
        modelVersion: 'e2e', topLabel: 'corn_poppy', firstSeenAt: new Date().toISOString(),
      });
      await server.store.snaps.insert({
        userId: '0', username: 'otto.officer', idempotencyKey: null, sha256: 'b'.repeat(64), sizeBytes: 1, mime: 'image/jpeg', width: 1, height: 1,
        imageId: null, detectionId: null, siteId: site.id, verdict: 'poppy', poppyScore: 0.99, lat: field.centre.lat, lon: field.centre.lon, locationSource: 'device',
        accuracyM: 4, note: 'behind the school wall', takenAt: null, modelVersion: 'e2e', answer: () => ({}),
      });
      const { context, page } = await signIn(browser, 'reviewer');
      await login(page, server, 'reviewer');
      await page.waitForSelector(`[data-testid="site-panel"][data-site-id="${site.id}"]`);
      await page.waitForSelector('[data-testid="officer-note"]');
      expect(await page.textContent('[data-testid="officer-note"]')).toContain('behind the school wall');
      expect(await page.inputValue('[data-testid="note"]')).toBe('');
      await page.fill('[data-testid="note"]', 'photo shows corn poppy petals');
      await page.keyboard.press('Escape');
      await page.keyboard.press('y');
      await page.waitForFunction(() => !document.querySelector('.map-toolbar')?.textContent?.includes('Saving'));
      const csv = await (await server.fetch('/api/exports/sites.csv?source=phone')).text();
      const [header, ...rows] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      const cols = header.split(',');
      const row = rows.find((r) => r.startsWith(`${site.id},`))!.split(',');
      expect(row[cols.indexOf('note')]).toBe('photo shows corn poppy petals');
      expect(row[cols.indexOf('officerNote')]).toBe('behind the school wall');
      await context.close();
    });

    it('snap: without a phone position or a remembered one, the pin map opens over the latest flight', async () => {
      const { server } = field;
      const context = await browser.newContext({ viewport: { width: 390, height: 700 }, locale: 'en-GB' });
      const page = await context.newPage();
      await page.goto(server.url + '/snap');
      await page.fill('input[name="username"]', USERS.officer.username);
      await page.fill('input[name="password"]', USERS.officer.password);
      await page.click('button[type="submit"]');
      // no geolocation permission in this context: the map opens, over the demo flight's area
      await page.waitForSelector('.leaflet-container');
      await shot(page, 'snap-pin-latest-flight');
      // the pin follows the map: nudge it by a pixel so the crosshair's position is reported
      await page.locator('.leaflet-container').scrollIntoViewIfNeeded();
      const box = (await page.locator('.leaflet-container').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 2, box.y + box.height / 2 + 1, { steps: 2 });
      await page.mouse.up();
      await page.waitForFunction(() => /\d+\.\d+, /.test(document.querySelector('[data-testid="pin-status"]')?.textContent ?? ''));
      const status = await page.textContent('[data-testid="pin-status"]');
      const m = status!.match(/(-?\d+\.\d+), (-?\d+\.\d+)/)!;
      expect(Math.abs(Number(m[1]) - field.centre.lat)).toBeLessThan(0.01);
      expect(Math.abs(Number(m[2]) - field.centre.lon)).toBeLessThan(0.01);
      // the phone's map carries the same plain-text attribution prefix, without Leaflet's flag
      expect(await page.textContent('.leaflet-control-attribution')).toContain('PoppyWatch');
      expect(await page.locator('.leaflet-control-attribution svg').count()).toBe(0);
      await shot(page, 'snap-pin-latest-flight');
      await context.close();
    });
  });
});
