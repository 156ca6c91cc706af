// The Models page in Debian chromium against the real app and API: an admin retrains from the reviews of a toy
// store (stored cell features, no network needed), sees the new version beside the shipped one with its gate
// report, promotes it (pending sites re-scored), rolls back; screenshots in English and 简体中文.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/auth/accounts.js';
import { toyFlight, writeToyManifest } from '../../server/test/helpers/learningFixtures.js';
import { startTestServer, tempDataDir, type TestServer } from '../../server/test/helpers/server.js';
import { REPO_ROOT } from '../../server/test/helpers/shared.js';
import { chromiumAvailable, launchChromium } from './browser.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const ADMIN = { username: 'models.admin', password: 'models-admin-password-1' };
const distBuilt = fs.existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'));
const missing = [!chromiumAvailable() && 'chromium', !distBuilt && 'web/dist (npm run build)'].filter(Boolean);
if (missing.length) console.warn(`[skip] models e2e: needs ${missing.join(', ')}`);

let srv: TestServer;
let browser: Browser;

async function open(lang: 'en' | 'zh'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
  await context.addInitScript(`localStorage.setItem('poppywatch.lang', '${lang}')`);
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${srv.url}/#/models`);
  await page.fill('input[name="username"]', ADMIN.username);
  await page.fill('input[name="password"]', ADMIN.password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="models-page"] [data-testid="active-version"]');
  return page;
}

describe.runIf(missing.length === 0)('Models page in chromium', () => {
  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    srv = await startTestServer({ env: { POPPY_AERIAL_MODEL: writeToyManifest(tempDataDir('poppy-toy-model-')) } });
    await createUser(srv.store.users, { ...ADMIN, role: 'admin' });
    await toyFlight(srv.store, 'Flight A', { poppy: 10, lookalike: 10, seed: 1 });
    await toyFlight(srv.store, 'Flight B', { poppy: 3, lookalike: 3, pending: 4, seed: 500 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('retrain, compare, promote, roll back', async () => {
    const page = await open('en');
    expect(await page.textContent('[data-testid="active-version"]')).toBe('Active version: 1.0.0');
    await page.click('nav a[data-page="models"]');
    await page.click('button:has-text("Retrain from reviews")');
    await page.waitForSelector('th[data-version="1.0.0+local.1"]');
    await page.waitForSelector('text=Version 1.0.0+local.1 is ready');
    expect(await page.textContent('[data-testid="verdict-1.0.0+local.1"]')).toBe('Keeps recall');
    await page.screenshot({ path: path.join(ARTIFACTS, 'models-en.png'), fullPage: true });
    await page.click('[data-testid="promote-1.0.0+local.1"]');
    await page.waitForSelector('text=/1\\.0\\.0\\+local\\.1 is active\\. Pending sites re-scored: 8 \\(4 now below the score\\)/');
    expect(await page.textContent('[data-testid="active-version"]')).toBe('Active version: 1.0.0+local.1');
    await page.screenshot({ path: path.join(ARTIFACTS, 'models-promoted-en.png'), fullPage: true });
    await page.click('[data-testid="promote-1.0.0"]');
    await page.waitForSelector('text=/^1\\.0\\.0 is active/');
    expect(await page.locator('[data-testid="promotions"] li').count()).toBe(2);
    await page.context().close();

    const zh = await open('zh');
    expect(await zh.textContent('[data-testid="active-version"]')).toBe('当前使用版本：1.0.0');
    expect(await zh.textContent('nav a[data-page="models"]')).toBe('模型');
    expect(await zh.textContent('[data-testid="verdict-1.0.0+local.1"]')).toBe('召回率未下降');
    // reasons given by the server as codes are translated too
    expect(await zh.textContent('[data-testid="versions"]')).toContain('模型旁没有合成评估特征文件');
    await zh.screenshot({ path: path.join(ARTIFACTS, 'models-zh.png'), fullPage: true });
    await zh.context().close();
  });
});
