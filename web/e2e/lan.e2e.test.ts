// Issue 11 §1 in Debian chromium: the app opens by a LAN name over plain HTTP (no upgrade-insecure-requests, so the
// scripts load and the page is not blank), and over the built-in HTTPS (a secure context: geolocation and the
// offline outbox work on phones).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/auth/accounts.js';
import { startTestServer, tempDataDir, type TestServer } from '../../server/test/helpers/server.js';
import { REPO_ROOT } from '../../server/test/helpers/shared.js';
import { CHROMIUM, chromiumAvailable } from './browser.js';
import { listeningPort, spawnMain } from '../../scripts/lib/workerProcess.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const distBuilt = fs.existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'));
const USER = { username: 'lan.reviewer', password: 'a long lan passphrase 1' };
const ready = chromiumAvailable() && distBuilt;
if (!ready) console.log(`lan e2e skipped: ${chromiumAvailable() ? 'web/dist not built (npm run -s build)' : `no chromium at ${CHROMIUM}`}`);

let browser: Browser;
const children: ChildProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  if (!ready) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      // a LAN host name for the loopback server: the browser treats it like any address but localhost
      '--host-resolver-rules=MAP poppy.lan 127.0.0.1',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!ready)('opening PoppyWatch on the LAN', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
    await createUser(srv.store.users, { ...USER, role: 'reviewer' });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('over plain HTTP by a LAN name: scripts load, the login works, the page is not blank', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    const res = await page.goto(`http://poppy.lan:${srv.port}/`);
    expect(res?.headers()['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(res?.headers()['strict-transport-security']).toBeUndefined();
    await page.waitForSelector('input[name="username"]', { timeout: 15_000 });
    await page.fill('input[name="username"]', USER.username);
    await page.fill('input[name="password"]', USER.password);
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => !document.querySelector('input[name="password"]'), undefined, { timeout: 15_000 });
    expect(failed.filter((f) => !f.includes('/api/'))).toEqual([]);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lan-http-signed-in.png') });
    await page.close();
  }, 60_000);
});

describe.skipIf(!ready)('the built-in HTTPS on loopback', () => {
  it('serves the snap page in a secure context with a Secure session cookie', async () => {
    const dataDir = tempDataDir('poppy-lan-tls-');
    dirs.push(dataDir);
    const proc = await spawnMain({
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        POPPY_DATA_DIR: dataDir,
        POPPY_DEMO: '1',
        POPPY_DEMO_PASSWORD: 'demo passphrase for lan',
        POPPY_TLS: 'self-signed',
        POPPY_MODEL: path.join(dataDir, 'no-model.json'),
        POPPY_AERIAL_MODEL: path.join(dataDir, 'no-aerial-model.json'),
      },
      readyMsg: 'listening',
      timeoutMs: 60_000,
    });
    children.push(proc.child);
    const out = proc.output();
    const port = listeningPort(out)!;
    expect(out).toMatch(/SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}/);

    // the officer has accepted the certificate after comparing its fingerprint
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const res = await page.goto(`https://poppy.lan:${port}/snap`);
    expect(res?.headers()['strict-transport-security']).toMatch(/max-age/);
    await page.waitForSelector('input[name="username"]', { timeout: 15_000 });
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await page.fill('input[name="username"]', 'officer');
    await page.fill('input[name="password"]', 'demo passphrase for lan');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="send"]', { timeout: 15_000 });
    const cookie = (await context.cookies()).find((c) => c.name === 'pw_session');
    expect(cookie?.secure).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lan-https-snap.png') });
    await context.close();
  }, 90_000);
});
