// Field work in Debian chromium against the real app: an officer's phone lists assigned sites nearest first with
// distance, bearing and map links, records an eradication with count and photo while OFFLINE, and the outbox
// sends it when the network returns; the season dashboard draws its charts for a reviewer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/auth/accounts.js';
import { recordFieldChange } from '../../server/src/field/recordFieldChange.js';
import { fieldJpeg, frameSite } from '../../server/test/helpers/fieldFixtures.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { REPO_ROOT } from '../../server/test/helpers/shared.js';
import { chromiumAvailable, launchChromium } from './browser.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const OFFICER = { username: 'officer.field', password: 'field-officer-password-1' };
const REVIEWER = { username: 'reviewer.field', password: 'field-reviewer-password-1' };
const HERE = { latitude: 25.04, longitude: 102.7, accuracy: 8 };
const distBuilt = fs.existsSync(path.join(REPO_ROOT, 'web', 'dist', 'snap.html'));

let srv: TestServer;
let browser: Browser;
let tmp: string;
const near: number[] = [];

/** A field change made directly (the season's history); a refused one stops the setup instead of going unnoticed. */
async function change(...args: Parameters<typeof recordFieldChange>): Promise<void> {
  const r = await recordFieldChange(...args);
  if (r.kind !== 'ok') throw new Error(`field change on site ${args[1]} (${args[2].state}): ${r.kind}`);
}

async function signIn(page: Page, url: string, who: { username: string; password: string }, ready: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name="username"]', who.username);
  await page.fill('input[name="password"]', who.password);
  await page.click('button[type="submit"]');
  await page.waitForSelector(ready);
}

const missing = [!chromiumAvailable() && 'chromium', !distBuilt && 'web/dist (npm run build)'].filter(Boolean);
if (missing.length) console.warn(`[skip] field tasks e2e: needs ${missing.join(', ')}`);

describe.runIf(missing.length === 0)('field tasks and season figures in chromium', () => {
  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-field-e2e-'));
    srv = await startTestServer();
    const officer = await createUser(srv.store.users, { ...OFFICER, role: 'officer' });
    await createUser(srv.store.users, { ...REVIEWER, role: 'reviewer' });
    const reviewer = { id: 0, username: 'reviewer.field', role: 'reviewer' as const };
    const off = { id: officer.id, username: officer.username, role: 'officer' as const };
    // A season: three flights in three weeks; some sites confirmed, assigned and eradicated.
    const weeks = [
      { name: 'Valley A', at: '2026-03-31T08:00:00Z', lat: 25.05 },
      { name: 'Ridge B', at: '2026-04-08T08:00:00Z', lat: 25.06 },
      { name: 'Terraces C', at: '2026-04-15T08:00:00Z', lat: 25.07 },
    ];
    let seed = 1;
    for (const [w, week] of weeks.entries()) {
      const flightId = (await srv.store.flights.create({ name: week.name })).id;
      for (let i = 0; i < 3 + w * 2; i++) {
        const site = await frameSite(srv.store, { flightId, lat: week.lat + i * 0.0008, lon: 102.7 + w * 0.001, seed: seed++, takenAt: week.at, confirm: i % 3 !== 2 });
        if (site.status !== 'confirmed' || i % 2 === 1) continue;
        await change(srv.store, site.id, { state: 'assigned', assignee: off.username, photos: [] }, reviewer, null);
        const jpeg = await fieldJpeg(200, 150, seed);
        const sha = `e2e${seed}`.padEnd(64, '0');
        await srv.store.blobs.keepOriginal(sha, { bytes: jpeg });
        const photo = { sha256: sha, sizeBytes: jpeg.length, mime: 'image/jpeg', width: 200, height: 150, orientation: 1, name: 'p.jpg' };
        await change(srv.store, site.id, { state: 'eradicated', plantsCounted: 150 + 220 * i + 90 * w, photos: [photo] }, off, null);
      }
    }
    // The officer's open tasks: 120 m and 900 m from the phone, and one assigned to someone else.
    const flightId = (await srv.store.flights.create({ name: 'Today' })).id;
    for (const [dLat, dLon] of [[0.0081, 0], [0.001, 0.0005]]) {
      const site = await frameSite(srv.store, { flightId, lat: HERE.latitude + dLat, lon: HERE.longitude + dLon, seed: seed++ });
      await change(srv.store, site.id, { state: 'assigned', assignee: off.username, dueDate: '2026-12-10', note: 'behind the school wall', photos: [] }, reviewer, null);
      near.push(site.id);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('records a visit offline on a phone and sends it when the network returns', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-GB',
      geolocation: HERE,
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    await signIn(page, `${srv.url}/snap`, OFFICER, '[data-testid="tab-tasks"]');
    await page.click('[data-testid="tab-tasks"]');
    await expect.poll(() => page.$$eval('[data-testid="task"]', (els) => els.length)).toBe(2);
    await expect.poll(() => page.textContent('[data-testid="tasks-tab"] .hint')).toContain('25.040000');
    // nearest first: the 120 m site before the 900 m one, with bearing
    await expect.poll(() => page.$$eval('[data-testid="task"]', (els) => els.map((e) => Number(e.getAttribute('data-site-id'))))).toEqual([near[1], near[0]]);
    const distances = await page.$$eval('[data-testid="task-distance"]', (els) => els.map((e) => e.textContent ?? ''));
    expect(distances[0]).toMatch(/^1\d\d m (N|NE) \(\d+°\)$/);
    expect(distances[1]).toMatch(/^9\d\d m N \((0|359|360)°\)$/);
    const geo = await page.getAttribute('[data-testid="task"]:first-child [data-testid="geo-link"]', 'href');
    expect(geo).toMatch(/^geo:25\.041000,102\.700500\?q=/);
    expect(await page.getAttribute('[data-testid="task"]:first-child [data-testid="amap-link"]', 'href')).toMatch(/uri\.amap\.com\/marker\?position=102\.70\d+,25\.03\d+/);
    expect(await page.textContent('[data-testid="task"]:first-child [data-testid="task-gcj"]')).toMatch(/GCJ-02 25\.03\d+, 102\.70\d+/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-1-my-tasks.png'), fullPage: true });

    // Offline: record the eradication with count, note and a photo.
    await context.setOffline(true);
    await page.click('[data-testid="task"]:first-child [data-testid="record-visit"]');
    await page.click('[data-testid="visit-save"]');
    expect(await page.textContent('[data-testid="visit-problem"]')).toMatch(/how many plants/);
    await page.fill('input[name="plantsCounted"]', '57');
    await page.fill('[data-testid="visit-form"] textarea[name="note"]', 'pulled and burnt on site');
    const photoFile = path.join(tmp, 'evidence.jpg');
    fs.writeFileSync(photoFile, await fieldJpeg(640, 480, 99));
    await page.setInputFiles('[data-testid="visit-photos"]', photoFile);
    await page.click('[data-testid="visit-save"]');
    await page.waitForSelector('[data-testid="visit-queued"]');
    expect(await page.textContent('[data-testid="visit-queued"]')).toMatch(/eradicated.*waiting/);
    expect(await page.getAttribute('[data-testid="visits-waiting"]', 'data-count')).toBe('1');
    expect(await page.textContent('[data-testid="tasks-network"]')).toMatch(/offline/i);
    await page.waitForTimeout(500);
    expect((await srv.store.field.get(near[1]))?.state).toBe('assigned'); // nothing reached the server
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-2-offline-queued.png'), fullPage: true });

    // Back online: the outbox sends it once, with count and photo; the task leaves the list.
    await context.setOffline(false);
    await page.waitForSelector('[data-testid="visit-sent"]', { timeout: 30_000 });
    await expect.poll(() => page.getAttribute('[data-testid="visits-waiting"]', 'data-count')).toBe('0');
    const task = (await srv.store.field.get(near[1]))!;
    expect(task).toMatchObject({ state: 'eradicated', plantsCounted: 57, note: 'pulled and burnt on site', updatedBy: OFFICER.username });
    const events = await srv.store.field.events(near[1]);
    expect(events.filter((e) => e.after === 'eradicated')).toHaveLength(1);
    expect(events.at(-1)!.photos).toHaveLength(1);
    expect((await srv.store.audit.list({ siteId: near[1], action: 'field' }))[0].username).toBe(OFFICER.username);
    await expect.poll(() => page.$$eval('[data-testid="task"]', (els) => els.map((e) => Number(e.getAttribute('data-site-id'))))).toEqual([near[0]]);
    await page.click('.lang-switch button[lang="zh-CN"]');
    expect(await page.textContent('[data-testid="tasks-tab"]')).toMatch(/已分派|记录核查结果/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-3-sent-zh.png'), fullPage: true });
    await page.click('.lang-switch button[lang="en"]');

    // Opened with no network at all (the service worker's copy of the page): the list kept on the phone is there.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    });
    await context.setOffline(true);
    await page.reload();
    await page.click('[data-testid="tab-tasks"]');
    await page.waitForSelector('[data-testid="tasks-error"]');
    expect(await page.textContent('[data-testid="tasks-error"]')).toMatch(/list kept on this phone/);
    expect(await page.$$eval('[data-testid="task"]', (els) => els.map((e) => Number(e.getAttribute('data-site-id'))))).toEqual([near[0]]);
    await context.close();
  });

  it('a reviewer assigns confirmed sites to the officer and prints their task sheets', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, `${srv.url}/`, REVIEWER, 'header.topbar');
    await page.click('nav a[data-page="tasks"]');
    await page.waitForSelector('[data-testid="field-table"] tbody tr');
    const open = await page.$$eval('[data-testid="field-table"] tbody tr', (trs) => trs.filter((tr) => tr.textContent?.includes('not assigned')).map((tr) => Number(tr.getAttribute('data-site-id'))));
    expect(open.length).toBeGreaterThanOrEqual(2);
    const pick = open.slice(0, 2);
    for (const id of pick) await page.check(`tr[data-site-id="${id}"] input[type="checkbox"]`);
    await page.selectOption('[data-testid="assignee"]', OFFICER.username);
    await page.fill('[data-testid="due-date"]', '2026-12-24');
    await page.click('[data-testid="assign"]');
    await expect.poll(() => page.textContent('[data-testid="field-message"]')).toMatch(/2 site\(s\) assigned to officer\.field/);
    for (const id of pick) expect(await srv.store.field.get(id)).toMatchObject({ state: 'assigned', assignee: OFFICER.username, dueDate: '2026-12-24', assignedBy: REVIEWER.username });
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-tasks-page.png'), fullPage: true });
    for (const id of pick) await page.check(`tr[data-site-id="${id}"] input[type="checkbox"]`);
    const href = (await page.getAttribute('[data-testid="task-sheets-link"]', 'href'))!;
    expect(href).toBe(`/api/exports/tasks.pdf?sites=${pick.join(',')}&state=all`);
    const pdf = await page.request.get(`${srv.url}${href}`);
    expect(pdf.status()).toBe(200);
    const body = (await pdf.body()).toString('latin1');
    expect((body.match(/\/Type \/Page\b/g) ?? []).length).toBe(2);
    // the eradication recorded on the phone above, with its count and evidence photo
    await page.selectOption('[data-testid="field-state-filter"]', 'all');
    await page.click(`tr[data-site-id="${near[1]}"] [data-testid="history-toggle"]`);
    await page.waitForSelector('[data-testid="field-history"] img');
    const history = await page.textContent('[data-testid="field-history"]');
    expect(history).toMatch(/assigned.*eradicated.*57 plants.*pulled and burnt on site/s);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-tasks-history.png'), fullPage: true });
    await context.close();
  });

  it('draws the season charts for a reviewer and filters them by flight', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1100 }, locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, `${srv.url}/`, REVIEWER, 'header.topbar');
    await page.goto(`${srv.url}/#/season`);
    await page.waitForSelector('[data-testid="chart"] svg rect');
    expect(await page.$$eval('[data-testid="chart"]', (els) => els.length)).toBe(6);
    const bars = await page.$$eval('[data-testid="chart"]:first-of-type rect', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(bars.some((v) => v > 0)).toBe(true);
    const totals = await page.textContent('[data-testid="dash-totals"]');
    expect(totals).toMatch(/Sites found\s*17(?!\d)/); // 3 + 5 + 7 in the season's flights + the 2 open tasks
    await page.screenshot({ path: path.join(ARTIFACTS, 'season-dashboard.png'), fullPage: true });
    const csvHref = await page.getAttribute('[data-testid="dash-csv"]', 'href');
    expect(csvHref).toBe('/api/stats/season.csv');
    const flights = await page.$$eval('[data-testid="dash-flight"] option', (els) => els.map((e) => [e.getAttribute('value'), e.textContent]));
    const ridge = flights.find(([, name]) => name === 'Ridge B')![0]!;
    await page.selectOption('[data-testid="dash-flight"]', ridge);
    await expect.poll(() => page.textContent('[data-testid="dash-totals"]')).toMatch(/Sites found\s*5(?!\d)/);
    expect(await page.getAttribute('[data-testid="dash-csv"]', 'href')).toBe(`/api/stats/season.csv?flight=${ridge}`);
    await page.click('.lang-switch button[lang="zh-CN"]');
    await page.waitForSelector('text=本季数据');
    await page.screenshot({ path: path.join(ARTIFACTS, 'season-dashboard-zh.png'), fullPage: true });
    await context.close();
  });
});
