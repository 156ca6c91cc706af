// Issue 10, the HTTP items: 4 (aborted uploads leave nothing), 5 (timeouts, connections per address), 9 (snaps
// held in memory are capped), 11 (review needs baseVersion), 14 (ids, names, numbers), 15 (anonymous health),
// 16 (unknown filter keys), 17 (HSTS/CSP only over TLS, Origin check, POPPY_TRUST_PROXY).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/accounts.js';
import { issueApiToken } from '../src/auth/apiTokens.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { rawLogin, rawRequest } from './helpers/rawHttp.js';

const PW = 'Tall-poppies-in-June';
let srv: TestServer;
let officerToken: string;

beforeAll(async () => {
  srv = await startTestServer({
    env: { POPPY_REQUEST_TIMEOUT_S: '1', POPPY_UPLOAD_IDLE_TIMEOUT_S: '1', POPPY_MAX_CONNECTIONS_PER_IP: '6', POPPY_MAX_CONCURRENT_SNAPS: '1' },
  });
  const officer = await createUser(srv.store.users, { username: 'field-officer', password: PW, role: 'officer' });
  officerToken = (await issueApiToken(srv.store.tokens, officer.id, 'test')).token;
  await createUser(srv.store.users, { username: 'desk-reviewer', password: PW, role: 'reviewer' });
});
afterAll(async () => {
  await srv?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw connection from a chosen loopback address; resolves with what the server wrote and when it closed. */
function openSocket(from = '127.0.0.1') {
  const socket = net.connect({ host: '127.0.0.1', port: srv.port, localAddress: from });
  let received = '';
  let closedAt: number | null = null;
  socket.on('data', (b) => (received += b.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => ((closedAt = Date.now()), resolve())));
  return { socket, closed, received: () => received, closedAt: () => closedAt, ready: new Promise<void>((r) => socket.once('connect', () => r())) };
}

function tmpFiles(): string[] {
  const dir = path.join(srv.dataDir, 'tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Open file descriptors of this process (the test server runs in it) that point into the upload temp dir. */
function openTmpHandles(): string[] {
  const dir = path.join(srv.dataDir, 'tmp');
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

async function flightId(): Promise<number> {
  const f = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'http' } });
  return ((await f.json()) as { id: number }).id;
}

function multipartHead(pathName: string, auth: string, declaredBytes: number, field = 'images', file = 'big.jpg') {
  const boundary = 'xxBOUNDARYxx';
  const partHead = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${file}"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const head =
    `POST ${pathName} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nAuthorization: Bearer ${auth}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${declaredBytes + partHead.length + 40}\r\n\r\n`;
  return head + partHead;
}

describe('item 4: an aborted upload leaves no temp file and no open handle', () => {
  it('removes the partial files of clients that went away', async () => {
    const id = await flightId();
    for (let i = 0; i < 3; i++) {
      const c = openSocket();
      await c.ready;
      c.socket.write(multipartHead(`/api/flights/${id}/images`, srv.token, 63 * 1024 * 1024));
      c.socket.write(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2 * 1024 * 1024, 7)]));
      for (let t = 0; t < 50 && tmpFiles().length === 0; t++) await sleep(20);
      expect(tmpFiles().length).toBeGreaterThan(0); // it was being written
      c.socket.destroy();
    }
    for (let t = 0; t < 100 && (tmpFiles().length > 0 || openTmpHandles().length > 0); t++) await sleep(20);
    expect(tmpFiles()).toEqual([]);
    expect(openTmpHandles()).toEqual([]);
    expect((await srv.fetch('/api/health')).status).toBe(200);
  });
});

describe('item 5: slow bodies are timed out; connections per address are capped', () => {
  it('closes a login whose body trickles in past the request timeout (1 s here), with a 408', async () => {
    const c = openSocket('127.0.0.61');
    await c.ready;
    c.socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"user`);
    const start = Date.now();
    const trickle = setInterval(() => c.socket.writable && c.socket.write('a'), 200);
    await Promise.race([c.closed, sleep(5000)]);
    clearInterval(trickle);
    expect(c.closedAt()).not.toBeNull();
    expect(c.closedAt()! - start).toBeLessThan(3500);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('lets an upload take longer than that while bytes keep coming, and stops one that stalls', async () => {
    const id = await flightId();
    const moving = openSocket('127.0.0.62');
    await moving.ready;
    moving.socket.write(multipartHead(`/api/flights/${id}/images`, srv.token, 1024 * 1024));
    const start = Date.now();
    const trickle = setInterval(() => moving.socket.writable && moving.socket.write(Buffer.alloc(1000, 1)), 300);
    await Promise.race([moving.closed, sleep(2600)]);
    clearInterval(trickle);
    expect(moving.closedAt()).toBeNull(); // 2.6 s, more than the 1 s request timeout, still receiving
    moving.socket.destroy();

    const stalled = openSocket('127.0.0.63');
    await stalled.ready;
    stalled.socket.write(multipartHead(`/api/flights/${id}/images`, srv.token, 1024 * 1024));
    await Promise.race([stalled.closed, sleep(5000)]);
    expect(stalled.closedAt()).not.toBeNull();
    expect(stalled.closedAt()! - start).toBeLessThan(2600 + 3500);
    expect(stalled.received()).toMatch(/408/);
  });

  it('refuses connections past the cap from one address, not from others', async () => {
    const held = Array.from({ length: 6 }, () => openSocket('127.0.0.64'));
    await Promise.all(held.map((h) => h.ready));
    await sleep(50);
    const extra = openSocket('127.0.0.64');
    await Promise.race([extra.closed, sleep(2000)]);
    expect(extra.closedAt()).not.toBeNull();
    expect(held.every((h) => h.closedAt() === null)).toBe(true);
    expect((await rawRequest(srv.url, 'GET', '/api/health', { from: '127.0.0.65' })).status).toBe(200);
    for (const h of held) h.socket.destroy();
  });
});

describe('item 9: snap photos in memory are capped', () => {
  it('answers 503 busy with Retry-After while the cap is reached, and recovers', async () => {
    const first = openSocket('127.0.0.71');
    await first.ready;
    first.socket.write(multipartHead('/api/snaps', officerToken, 30 * 1024 * 1024, 'photo', 'snap.jpg'));
    first.socket.write(Buffer.alloc(64 * 1024, 3));
    await sleep(150);
    const second = await rawRequest(srv.url, 'POST', '/api/snaps', { headers: { authorization: `Bearer ${officerToken}` }, from: '127.0.0.72' });
    expect(second.status).toBe(503);
    expect(second.body.error).toBe('busy');
    expect(second.headers['retry-after']).toBe('5');
    first.socket.destroy();
    await sleep(100);
    const third = await rawRequest(srv.url, 'POST', '/api/snaps', { headers: { authorization: `Bearer ${officerToken}` }, from: '127.0.0.72' });
    expect(third.status).not.toBe(503);
  });
});

describe('item 11: a review must say which version it replaces', () => {
  it('428 without baseVersion, If-Match accepted, stale If-Match is a 409', async () => {
    const { id } = (await srv.store.sql.get<{ id: number }>(
      "INSERT INTO sites (lat, lon, error_radius_m, score, status, source, first_seen_at, created_at) VALUES (25, 102, 5, 0.9, 'pending', 'phone', '2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z') RETURNING id",
    ))!;
    const none = await srv.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'confirmed' } });
    expect(none.status).toBe(428);
    expect(((await none.json()) as { error: string }).error).toBe('base_version_required');
    const ok = await srv.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'confirmed' }, headers: { 'If-Match': '"0"' } });
    expect(ok.status).toBe(200);
    const stale = await srv.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'rejected' }, headers: { 'If-Match': '"0"' } });
    expect(stale.status).toBe(409);
    expect((await srv.fetch(`/api/sites/${id}/review`, { method: 'POST', json: { decision: 'rejected', baseVersion: 1 } })).status).toBe(200);
  });
});

describe('item 14: ids, numbers and names', () => {
  it('takes ids only as plain decimals', async () => {
    const id = await flightId();
    expect((await srv.fetch(`/api/flights/${id}`)).status).toBe(200);
    for (const bad of [`0x${id.toString(16)}`, `${id}e0`, `${id}.0`, `0${id}`, `+${id}`, ' 1']) {
      const r = await srv.fetch(`/api/flights/${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
    }
    for (const q of ['siteId=0x1', 'flightId=1e0', 'limit=1.0', 'siteId=1&limit=10']) {
      expect((await srv.fetch(`/api/audit?${q}`)).status, q).toBe(q.startsWith('siteId=1&') ? 200 : 400);
    }
  });

  it('refuses hex and exponent numbers for snap positions', async () => {
    for (const lat of ['0x10', '1e1', 'Infinity']) {
      const form = new FormData();
      form.append('lat', lat);
      form.append('lon', '102');
      form.append('photo', new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }), 'p.jpg');
      const r = await fetch(`${srv.url}/api/snaps`, { method: 'POST', body: form, headers: { authorization: `Bearer ${officerToken}` } });
      expect(r.status, lat).toBe(400);
      expect(((await r.json()) as { message: string }).message).toMatch(/lat must be a number/);
    }
  });

  it('drops NUL, control characters and direction overrides from flight names', async () => {
    const r = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'north\u0000 field\u202Egpj.exe\u0007' } });
    expect(r.status).toBe(201);
    expect(((await r.json()) as { name: string }).name).toBe('north fieldgpj.exe');
    expect((await srv.fetch('/api/flights', { method: 'POST', json: { name: '\u202E\u0000' } })).status).toBe(400);
  });
});

describe('item 15: anonymous health says only that it is up, and the model', () => {
  it('hides the queue from anonymous callers', async () => {
    const anon = (await (await fetch(`${srv.url}/api/health`)).json()) as Record<string, unknown>;
    expect(Object.keys(anon).sort()).toEqual(['model', 'ok']);
    const authed = (await (await srv.fetch('/api/health')).json()) as Record<string, unknown>;
    expect(authed.queue).toMatchObject({ queued: expect.any(Number) });
  });
});

describe('item 16: unknown filter keys are refused', () => {
  it.each(['/api/sites?status[]=x', '/api/detections?flight_id=1', '/api/exports/sites.csv?stauts=all'])('%s → 400 naming the key', async (url) => {
    const r = await srv.fetch(url);
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: string; message: string };
    expect(body.error).toBe('unknown_filter');
    expect(body.message).toContain(`"${new URL(url, 'http://x').searchParams.keys().next().value}"`);
  });
});

describe('item 17: TLS-only headers, Origin check', () => {
  it('sends neither HSTS nor upgrade-insecure-requests over plain HTTP (a LAN address)', async () => {
    const r = await rawRequest(srv.url, 'GET', '/api/health', { headers: { host: '192.168.1.20:8080' } });
    expect(r.headers['strict-transport-security']).toBeUndefined();
    expect(String(r.headers['content-security-policy'])).not.toMatch(/upgrade-insecure-requests/);
    expect(String(r.headers['content-security-policy'])).toMatch(/script-src 'self'/);
  });

  it('refuses cookie-borne state changes from another origin or site', async () => {
    const s = await rawLogin(srv.url, 'desk-reviewer', PW, '127.0.0.81');
    expect(s.status).toBe(200);
    const h = { cookie: s.cookie!, 'x-csrf-token': s.body.csrfToken };
    const post = (extra: Record<string, string>) => rawRequest(srv.url, 'POST', '/api/auth/logout', { headers: { ...h, ...extra } });
    const evil = await post({ origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body.error).toBe('cross_origin');
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await post({ origin: 'null' })).status).toBe(403);
    const same = await post({ origin: srv.url, 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(204);
  });

  it('does not trust X-Forwarded-Proto unless POPPY_TRUST_PROXY says so', async () => {
    const r = await rawRequest(srv.url, 'POST', '/api/auth/login', { json: { username: 'desk-reviewer', password: PW }, headers: { 'x-forwarded-proto': 'https' }, from: '127.0.0.82' });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    expect(r.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('item 17 / issue 11: behind a TLS proxy (POPPY_TRUST_PROXY=loopback)', () => {
  let proxied: TestServer;
  beforeAll(async () => {
    proxied = await startTestServer({ env: { POPPY_TRUST_PROXY: 'loopback' } });
    await createUser(proxied.store.users, { username: 'proxied-reviewer', password: PW, role: 'reviewer' });
  });
  afterAll(async () => {
    await proxied?.close();
  });

  it('gives the session cookie Secure, and sends HSTS and upgrade-insecure-requests, when the proxy says https', async () => {
    const r = await rawRequest(proxied.url, 'POST', '/api/auth/login', {
      json: { username: 'proxied-reviewer', password: PW },
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.0.0.7', origin: 'https://poppy.lan', 'x-forwarded-host': 'poppy.lan' },
    });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).toMatch(/;\s*Secure/i);
    expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(String(r.headers['content-security-policy'])).toMatch(/upgrade-insecure-requests/);
    const audit = await proxied.store.audit.list({ action: 'login' });
    expect(audit[0].ip).toBe('10.0.0.7');
    const plain = await rawRequest(proxied.url, 'GET', '/api/health');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });
});
