// Hygiene: security headers, CORS closed by default, no stack traces in answers, and logs (at the most verbose
// level, through a forced server fault) that never contain passwords, tokens, session cookies or CSRF tokens.
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createUser } from '../src/auth/accounts.js';
import { loadConfig } from '../src/config.js';
import { SseHub } from '../src/http/sse.js';
import { JobEvents } from '../src/jobs/events.js';
import { createLogger } from '../src/logger.js';
import { makeFrame } from '../../scripts/load/frames.js';
import { tempDataDir } from './helpers/server.js';
import { openTestStore, testBackend, type TestStore } from './helpers/testStore.js';

const BOOTSTRAP = 'hygiene-bootstrap-token-5f1c2e';
const PASSWORD = 'Very-Secret-Passphrase-77';
let logText = '';
let dir: string;
const backend = testBackend();
let store: TestStore;
let storeOpen = false;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = tempDataDir('poppy-hygiene-');
  const config = loadConfig({ POPPY_DATA_DIR: dir, POPPY_BOOTSTRAP_TOKEN: BOOTSTRAP, POPPY_DEMO: '0', PORT: '0', HOST: '127.0.0.1', POPPY_LOG_LEVEL: 'trace' });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logText += String(chunk);
      cb();
    },
  });
  const logger = createLogger({ level: 'trace', destination: sink });
  store = await openTestStore({ dataDir: dir, backend });
  storeOpen = true;
  await createUser(store.users, { username: 'hygiene-op', password: PASSWORD, role: 'operator' });
  const app = createApp({ config, store, logger, model: null, events: new JobEvents(), sse: new SseHub() });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((r) => server.close(r));
  // the fault test closes the store itself; its schema (PostgreSQL) still has to go
  if (storeOpen) await store.dispose();
  else await backend.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const noStack = (text: string) => {
  expect(text).not.toMatch(/\n\s+at\s|\.ts:\d+|node_modules|stack/i);
};

describe('security headers', () => {
  it('API and page answers carry the helmet headers and no X-Powered-By', async () => {
    for (const p of ['/api/health', '/api/nothing-here', '/']) {
      const res = await fetch(base + p);
      await res.arrayBuffer();
      const h = res.headers;
      expect(h.get('x-content-type-options'), p).toBe('nosniff');
      expect(h.get('content-security-policy'), p).toMatch(/default-src 'self'/);
      expect(h.get('content-security-policy'), p).toMatch(/frame-ancestors 'self'|frame-ancestors 'none'/);
      expect(h.get('x-frame-options'), p).toMatch(/SAMEORIGIN|DENY/);
      expect(h.get('referrer-policy'), p).toBeTruthy();
      expect(h.get('cross-origin-opener-policy'), p).toBe('same-origin');
      expect(h.get('x-powered-by'), p).toBeNull();
    }
    const api = await fetch(`${base}/api/flights`, { headers: { authorization: `Bearer ${BOOTSTRAP}` } });
    expect(api.headers.get('cache-control')).toMatch(/no-store/);
  });
});

describe('CORS closed by default', () => {
  it('no Access-Control-Allow-* for another origin, simple or preflight', async () => {
    const simple = await fetch(`${base}/api/health`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${base}/api/flights`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-csrf-token' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('logs and error answers', () => {
  it('never log secrets; answers carry no stack traces, even for a server fault', async () => {
    // a login, a failed login, a token, cookie and Bearer requests, an upload, refused requests
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'hygiene-op', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const sessionId = cookie.split('=')[1];
    await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'hygiene-op', password: `${PASSWORD}-wrong` }) });
    const tok = await fetch(`${base}/api/auth/tokens`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: '{"name":"t"}' });
    const { token } = (await tok.json()) as { token: string };
    const bearer = { authorization: `Bearer ${token}` };
    const flight = (await (await fetch(`${base}/api/flights`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"name":"h"}' })).json()) as { id: number };
    const form = new FormData();
    form.append('images', new Blob([new Uint8Array(await makeFrame({ lat: 1, lon: 1, seed: 5, width: 320, height: 240 }))]), 'a.jpg');
    form.append('images', new Blob([Buffer.from('not an image')]), 'b.jpg');
    expect((await fetch(`${base}/api/flights/${flight.id}/images`, { method: 'POST', headers: bearer, body: form })).status).toBe(202);
    for (const [p, init] of [
      ['/api/flights', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"name":1}' }],
      ['/api/flights', { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"name":' }],
      ['/api/sites?minScore=abc', { headers: bearer }],
      ['/api/nope', { headers: { cookie } }],
      ['/api/users', { headers: { authorization: `Bearer ${token}x` } }],
    ] as [string, RequestInit][]) {
      const res = await fetch(base + p, init);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const text = await res.text();
      noStack(text);
      expect(JSON.parse(text)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }

    // a server fault: the database goes away under a request that carries every kind of secret
    await store.close();
    storeOpen = false;
    const fault = await fetch(`${base}/api/flights?token=${token}`, { headers: { ...bearer, cookie, 'x-csrf-token': csrfToken } });
    expect(fault.status).toBe(500);
    const text = await fault.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal', message: expect.any(String) });
    noStack(text);

    expect(logText).toMatch(/request failed/); // the fault is logged (with its stack, server-side only)
    for (const secret of [PASSWORD, token, sessionId, csrfToken, BOOTSTRAP]) expect(logText).not.toContain(secret);
  });
});
