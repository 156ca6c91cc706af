// Accounts, sessions, CSRF, API tokens, login rate limiting and the append-only audit log, on a small app made
// of the auth pieces only (the full route matrix is in auth-matrix.test.ts).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/accounts.js';
import { ensureDemoUsers } from '../src/auth/demoUsers.js';
import { authenticate, requireRole } from '../src/auth/middleware.js';
import { hashPassword, verifyPassword } from '../src/auth/passwords.js';
import { auditRouter } from '../src/http/routes/audit.js';
import { authRouter } from '../src/http/routes/auth.js';
import { usersRouter } from '../src/http/routes/users.js';
import { errorHandler } from '../src/http/errors.js';
import { createLogger } from '../src/logger.js';
import { openTestStore, type TestStore } from './helpers/testStore.js';

const BOOTSTRAP = 'bootstrap-secret-for-tests';
const PW = 'correct horse battery';

let store: TestStore;
let server: Server;
let base: string;

beforeAll(async () => {
  store = await openTestStore();
  const app = express();
  app.use('/api', express.json());
  app.use('/api', authenticate({ store, bootstrapToken: BOOTSTRAP }));
  const deps = { store, loginLimits: { maxFailuresPerUser: 3, maxFailuresPerIp: 100 } };
  app.use('/api', authRouter(deps), usersRouter(deps), auditRouter(deps));
  app.get('/api/probe/any', requireRole(), (req, res) => void res.json({ user: req.user }));
  app.post('/api/probe/operator', requireRole('operator'), (req, res) => void res.json({ user: req.user, via: req.authVia }));
  app.use(errorHandler({ logger: createLogger({ level: 'silent' }) }));
  await ensureDemoUsers(store, PW);
  await createUser(store.users, { username: 'lockme', password: PW, role: 'reviewer' });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server) await new Promise((r) => server.close(r));
  await store?.dispose();
});

async function call(method: string, p: string, opts: { json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + p, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

async function login(username: string, password = PW) {
  const r = await call('POST', '/api/auth/login', { json: { username, password } });
  const setCookie = r.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  return { ...r, cookie, setCookie };
}

describe('passwords', () => {
  it('hashes with scrypt and a salt, and verifies only the right password', async () => {
    const a = await hashPassword('s3cret-pass');
    const b = await hashPassword('s3cret-pass');
    expect(a).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret-pass', a)).toBe(true);
    expect(await verifyPassword('s3cret-pasS', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('stores no plain password, session id or token in the database', async () => {
    const l = await login('officer');
    const t = await call('POST', '/api/auth/tokens', { json: { name: 'script' }, headers: { cookie: l.cookie, 'x-csrf-token': l.body.csrfToken } });
    expect(t.status).toBe(201);
    const dump = JSON.stringify(await store.sql.all('SELECT * FROM users')) +
      JSON.stringify(await store.sql.all('SELECT * FROM sessions')) +
      JSON.stringify(await store.sql.all('SELECT * FROM api_tokens'));
    expect(dump).not.toContain(PW);
    expect(dump).not.toContain(l.cookie.split('=')[1]);
    expect(dump).not.toContain(t.body.token);
  });
});

describe('login, session, CSRF, logout', () => {
  it('logs in with an HttpOnly SameSite=Strict cookie and a CSRF token; /me returns the user', async () => {
    const l = await login('operator');
    expect(l.status).toBe(200);
    expect(l.body.user).toMatchObject({ username: 'operator', role: 'operator' });
    expect(typeof l.body.user.id).toBe('number');
    expect(l.body.csrfToken).toMatch(/^[\w-]{40,}$/);
    expect(l.setCookie).toMatch(/^pw_session=/);
    expect(l.setCookie).toMatch(/HttpOnly/i);
    expect(l.setCookie).toMatch(/SameSite=Strict/i);
    const me = await call('GET', '/api/auth/me', { headers: { cookie: l.cookie } });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: l.body.user, csrfToken: l.body.csrfToken });
  });

  it('refuses wrong passwords and unknown users alike, with 401', async () => {
    const wrong = await login('reviewer', 'not the password');
    const unknown = await login('nobody-here', 'whatever1');
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'invalid_credentials', message: 'Wrong username or password.' });
      expect(r.setCookie).toBe('');
    }
  });

  it('answers 400 naming the field for wrong JSON types', async () => {
    const r = await call('POST', '/api/auth/login', { json: { username: 42, password: ['x'] } });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_request');
    expect(r.body.message).toMatch(/username/);
    expect(r.body.message).toMatch(/password/);
  });

  it('requires the CSRF header on unsafe methods for cookie sessions, not for safe ones', async () => {
    const l = await login('operator');
    const noCsrf = await call('POST', '/api/probe/operator', { headers: { cookie: l.cookie } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error).toBe('csrf');
    const badCsrf = await call('POST', '/api/probe/operator', { headers: { cookie: l.cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect(badCsrf.status).toBe(403);
    const ok = await call('POST', '/api/probe/operator', { headers: { cookie: l.cookie, 'x-csrf-token': l.body.csrfToken } });
    expect(ok.status).toBe(200);
    expect(ok.body.via).toBe('session');
    expect((await call('GET', '/api/probe/any', { headers: { cookie: l.cookie } })).status).toBe(200);
    // another session's CSRF token does not fit this session
    const other = await login('operator');
    const crossed = await call('POST', '/api/probe/operator', { headers: { cookie: l.cookie, 'x-csrf-token': other.body.csrfToken } });
    expect(crossed.status).toBe(403);
  });

  it('logout ends the session server-side', async () => {
    const l = await login('reviewer');
    const out = await call('POST', '/api/auth/logout', { headers: { cookie: l.cookie, 'x-csrf-token': l.body.csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/pw_session=;/);
    const me = await call('GET', '/api/auth/me', { headers: { cookie: l.cookie } });
    expect(me.status).toBe(401);
    expect(me.body.error).toBe('session_expired');
  });

  it('anonymous is 401 unauthenticated, wrong role 403 forbidden, admin passes', async () => {
    expect((await call('GET', '/api/probe/any')).body).toMatchObject({ error: 'unauthenticated' });
    expect((await call('GET', '/api/probe/any')).status).toBe(401);
    const o = await login('officer');
    const r = await call('POST', '/api/probe/operator', { headers: { cookie: o.cookie, 'x-csrf-token': o.body.csrfToken } });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('forbidden');
    const a = await login('admin');
    expect((await call('POST', '/api/probe/operator', { headers: { cookie: a.cookie, 'x-csrf-token': a.body.csrfToken } })).status).toBe(200);
  });
});

describe('Bearer tokens', () => {
  it('POPPY_BOOTSTRAP_TOKEN is an admin token and can create users', async () => {
    const auth = { authorization: `Bearer ${BOOTSTRAP}` };
    const me = await call('GET', '/api/auth/me', { headers: auth });
    expect(me.body.user).toMatchObject({ role: 'admin' });
    const created = await call('POST', '/api/users', { headers: auth, json: { username: 'e2e-reviewer', password: 'long-enough-pw', role: 'reviewer' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), username: 'e2e-reviewer', role: 'reviewer' });
    const dup = await call('POST', '/api/users', { headers: auth, json: { username: 'E2E-reviewer', password: 'long-enough-pw', role: 'reviewer' } });
    expect(dup.status).toBe(409);
    const bad = await call('POST', '/api/users', { headers: auth, json: { username: 'x', password: 'short', role: 'chief' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/password/);
    expect(bad.body.message).toMatch(/role/);
    const list = await call('GET', '/api/users', { headers: auth });
    expect(list.body.users.map((u: { username: string }) => u.username)).toContain('e2e-reviewer');
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/i);
  });

  it('a per-user API token acts as its user, with no CSRF; a wrong token is 401', async () => {
    const l = await login('operator');
    const t = await call('POST', '/api/auth/tokens', { json: { name: 'drone uploader' }, headers: { cookie: l.cookie, 'x-csrf-token': l.body.csrfToken } });
    expect(t.status).toBe(201);
    expect(t.body.token).toMatch(/^pwt_/);
    const ok = await call('POST', '/api/probe/operator', { headers: { authorization: `Bearer ${t.body.token}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user: { username: 'operator', role: 'operator' }, via: 'token' });
    const wrong = await call('POST', '/api/probe/operator', { headers: { authorization: `Bearer ${t.body.token}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_token');
    const reviewerToken = await call('GET', '/api/users', { headers: { authorization: `Bearer ${t.body.token}` } });
    expect(reviewerToken.status).toBe(403);
  });

  it('a wrong Bearer token does not block public routes such as login', async () => {
    const r = await call('POST', '/api/auth/login', { json: { username: 'admin', password: PW }, headers: { authorization: 'Bearer nope' } });
    expect(r.status).toBe(200);
  });
});

describe('account administration', () => {
  it('lists and revokes own API tokens', async () => {
    const l = await login('officer');
    const h = { cookie: l.cookie, 'x-csrf-token': l.body.csrfToken };
    const t = await call('POST', '/api/auth/tokens', { json: { name: 'to revoke' }, headers: h });
    const list = await call('GET', '/api/auth/tokens', { headers: h });
    expect(list.body.tokens).toContainEqual(expect.objectContaining({ id: t.body.id, name: 'to revoke', revokedAt: null }));
    expect(JSON.stringify(list.body)).not.toContain(t.body.token);
    expect((await call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${t.body.token}` } })).status).toBe(200);
    expect((await call('DELETE', `/api/auth/tokens/${t.body.id}`, { headers: h })).status).toBe(204);
    expect((await call('DELETE', `/api/auth/tokens/${t.body.id}`, { headers: h })).status).toBe(404);
    expect((await call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${t.body.token}` } })).status).toBe(401);
    // someone else's token cannot be revoked
    const other = await login('operator');
    const ot = await call('POST', '/api/auth/tokens', { json: { name: 'mine' }, headers: { cookie: other.cookie, 'x-csrf-token': other.body.csrfToken } });
    expect((await call('DELETE', `/api/auth/tokens/${ot.body.id}`, { headers: h })).status).toBe(404);
  });

  it('an admin can change a role, reset a password and disable an account; sessions and tokens end with it', async () => {
    const admin = { authorization: `Bearer ${BOOTSTRAP}` };
    const created = await call('POST', '/api/users', { headers: admin, json: { username: 'leaver', password: 'Departure-lounge-9', role: 'officer' } });
    const id = created.body.id;
    const s = await login('leaver', 'Departure-lounge-9');
    const tok = await call('POST', '/api/auth/tokens', { json: { name: 'phone' }, headers: { cookie: s.cookie, 'x-csrf-token': s.body.csrfToken } });
    const promoted = await call('PATCH', `/api/users/${id}`, { headers: admin, json: { role: 'reviewer' } });
    expect(promoted.body).toMatchObject({ id, role: 'reviewer', disabled: false });
    expect((await call('GET', '/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(401); // session ended
    expect((await call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${tok.body.token}` } })).body.user.role).toBe('reviewer');
    expect((await call('PATCH', `/api/users/${id}`, { headers: admin, json: { password: 'New-departure-lounge-9' } })).status).toBe(200);
    expect((await login('leaver', 'Departure-lounge-9')).status).toBe(401);
    expect((await login('leaver', 'New-departure-lounge-9')).status).toBe(200);
    expect((await call('PATCH', `/api/users/${id}`, { headers: admin, json: { disabled: true } })).body.disabled).toBe(true);
    expect((await login('leaver', 'New-departure-lounge-9')).status).toBe(401);
    expect((await call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${tok.body.token}` } })).status).toBe(401);
    expect((await call('PATCH', `/api/users/${id}`, { headers: admin, json: { role: 'chief' } })).status).toBe(400);
    expect((await call('PATCH', `/api/users/${id}`, { headers: admin, json: {} })).status).toBe(400);
    expect((await call('PATCH', '/api/users/424242', { headers: admin, json: { disabled: true } })).status).toBe(404);
    const changes = await store.audit.list({ action: 'user_changed' });
    expect(changes[changes.length - 1]).toMatchObject({ before: { role: 'officer' }, after: { role: 'reviewer' } });
  });

  it('an admin cannot lock themselves out', async () => {
    const a = await login('admin');
    const me = a.body.user.id;
    const h = { cookie: a.cookie, 'x-csrf-token': a.body.csrfToken };
    expect((await call('PATCH', `/api/users/${me}`, { headers: h, json: { disabled: true } })).status).toBe(409);
    expect((await call('PATCH', `/api/users/${me}`, { headers: h, json: { role: 'reviewer' } })).status).toBe(409);
  });
});

describe('login rate limiting', () => {
  it('locks a username after repeated failures, even for the right password, and audits it', async () => {
    for (let i = 0; i < 3; i++) expect((await login('lockme', 'wrong-password')).status).toBe(401);
    const locked = await login('lockme', PW);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('too_many_attempts');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // other users are unaffected
    expect((await login('reviewer')).status).toBe(200);
    // the audit keeps only the first letter of a name typed into a failed login (it may be a password)
    const failed = await store.audit.list({ action: 'login_failed' });
    expect(failed.filter((r) => r.username === 'lockme')).toEqual([]);
    expect(failed.filter((r) => r.username === 'l…').length).toBeGreaterThanOrEqual(4);
  });

  it('limits failed logins per client address', async () => {
    const s2 = await openTestStore();
    const app = express();
    app.use('/api', express.json(), authenticate({ store: s2, bootstrapToken: undefined }), authRouter({ store: s2, loginLimits: { maxFailuresPerIp: 4, maxFailuresPerUser: 100 } }));
    app.use(errorHandler({ logger: createLogger({ level: 'silent' }) }));
    const srv = app.listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/auth/login`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `u${i}`, password: 'wrong-pass' }) });
      statuses.push(r.status);
    }
    await new Promise((r) => srv.close(r));
    await s2.dispose();
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});

describe('audit', () => {
  it('records logins with user and time; reviewers read JSON and CSV; others are refused', async () => {
    const r = await login('reviewer');
    const auth = { cookie: r.cookie };
    const list = await call('GET', '/api/audit?action=login', { headers: auth });
    expect(list.status).toBe(200);
    const rec = list.body.records.find((x: { username: string }) => x.username === 'reviewer');
    expect(rec).toMatchObject({ action: 'login', userId: r.body.user.id });
    expect(Date.parse(rec.at)).toBeGreaterThan(Date.now() - 60_000);
    const csv = await fetch(`${base}/api/audit.csv`, { headers: auth });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('id,at,userId,username,action,siteId,flightId,imageId,before,after,details,ip');
    expect(text).toContain('login_failed');
    const op = await login('operator');
    expect((await call('GET', '/api/audit', { headers: { cookie: op.cookie } })).status).toBe(403);
    expect((await call('GET', '/api/audit.csv')).status).toBe(401);
    expect((await call('GET', '/api/audit?siteId=1%20OR%201=1', { headers: auth })).status).toBe(400);
  });

  it('filters by site and keeps before/after of a decision', async () => {
    await store.audit.append({ action: 'review', user: { id: 1, username: 'reviewer' }, siteId: 77, before: { status: 'pending' }, after: { status: 'confirmed', note: '=HYPERLINK("x")' } });
    const r = await login('reviewer');
    const list = await call('GET', '/api/audit?siteId=77', { headers: { cookie: r.cookie } });
    expect(list.body.records).toHaveLength(1);
    expect(list.body.records[0]).toMatchObject({ siteId: 77, before: { status: 'pending' }, after: { status: 'confirmed' } });
    const csv = await (await fetch(`${base}/api/audit.csv?siteId=77`, { headers: { cookie: r.cookie } })).text();
    expect(csv).toContain('review');
  });

  it('is append-only: UPDATE and DELETE are refused by the database itself', async () => {
    const rec = await store.audit.append({ action: 'note', username: 'someone', siteId: 5, after: { note: 'x' } });
    await expect(store.sql.run('UPDATE audit_log SET action = ? WHERE id = ?', ['login', rec.id])).rejects.toThrow(/append-only/);
    await expect(store.sql.run('DELETE FROM audit_log WHERE id = ?', [rec.id])).rejects.toThrow(/append-only/);
    await expect(store.sql.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect((await store.audit.list({ siteId: 5 }))[0]).toMatchObject({ id: rec.id, action: 'note' });
  });
});
