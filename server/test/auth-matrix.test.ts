// The role × endpoint matrix over every route of docs/architecture.md, on the real app: anonymous → 401, a role
// that may not → 403, a role that may → neither (the answer may still be 400/404/415 for the empty request).
// A last test walks the app's router so a new /api route without a matrix row fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/accounts.js';
import { issueApiToken } from '../src/auth/apiTokens.js';
import { ROLES, type Role } from '../src/auth/roles.js';
import { createApp } from '../src/app.js';
import { SseHub } from '../src/http/sse.js';
import { JobEvents } from '../src/jobs/events.js';
import { createLogger } from '../src/logger.js';
import { startTestServer, type TestServer } from './helpers/server.js';

// 'session': a browser session only; no Bearer token of any role may (POST /api/auth/tokens: tokens cannot mint tokens)
type Access = 'public' | 'any' | 'session' | Role | Role[];
interface Row {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** the express route pattern this row covers */
  route: string;
  access: Access;
  json?: unknown;
  sse?: boolean;
}

let srv: TestServer;
const tokens = {} as Record<Role, string>;
let flightId = 0;
let n = 0;

const matrix = (): Row[] => [
  { method: 'GET', path: '/api/health', route: '/health', access: 'public' },
  { method: 'GET', path: '/api/config', route: '/config', access: 'public' },
  { method: 'POST', path: '/api/auth/login', route: '/auth/login', access: 'public', json: { username: 'matrix-officer', password: 'matrix-passphrase-long' } },
  { method: 'POST', path: '/api/auth/logout', route: '/auth/logout', access: 'any' },
  { method: 'GET', path: '/api/auth/me', route: '/auth/me', access: 'any' },
  { method: 'POST', path: '/api/auth/tokens', route: '/auth/tokens', access: 'session', json: { name: 'matrix' } },
  { method: 'GET', path: '/api/auth/tokens', route: '/auth/tokens', access: 'any' },
  { method: 'DELETE', path: '/api/auth/tokens/999999', route: '/auth/tokens/:id', access: 'any' },
  { method: 'POST', path: '/api/users', route: '/users', access: 'admin', json: { username: `m-user-${++n}`, password: 'matrix-passphrase-long', role: 'officer' } },
  { method: 'GET', path: '/api/users', route: '/users', access: 'admin' },
  { method: 'POST', path: '/api/auth/password', route: '/auth/password', access: 'any', json: { currentPassword: 'wrong', newPassword: 'x' } },
  { method: 'PATCH', path: '/api/users/999999', route: '/users/:id', access: 'admin', json: { role: 'officer' } },
  { method: 'GET', path: '/api/users/999999/tokens', route: '/users/:id/tokens', access: 'admin' },
  { method: 'DELETE', path: '/api/users/999999/tokens/1', route: '/users/:id/tokens/:tokenId', access: 'admin' },
  { method: 'POST', path: '/api/flights', route: '/flights', access: 'operator', json: { name: 'matrix flight' } },
  { method: 'GET', path: '/api/flights', route: '/flights', access: 'any' },
  { method: 'GET', path: `/api/flights/${flightId}`, route: '/flights/:id', access: 'any' },
  { method: 'GET', path: `/api/flights/${flightId}/images`, route: '/flights/:id/images', access: 'any' },
  { method: 'PATCH', path: `/api/flights/${flightId}`, route: '/flights/:id', access: 'operator', json: { altitudeAglM: 30 + n++ } },
  { method: 'GET', path: `/api/flights/${flightId}/footprints`, route: '/flights/:id/footprints', access: 'any' },
  { method: 'GET', path: `/api/flights/${flightId}/events`, route: '/flights/:id/events', access: 'any', sse: true },
  { method: 'POST', path: `/api/flights/${flightId}/images`, route: '/flights/:id/images', access: 'operator' },
  { method: 'POST', path: '/api/images/999/retry', route: '/images/:id/retry', access: 'operator' },
  { method: 'POST', path: `/api/flights/${flightId}/retry`, route: '/flights/:id/retry', access: 'operator' },
  { method: 'GET', path: '/api/images/999', route: '/images/:id', access: 'any' },
  { method: 'GET', path: '/api/images/999/original', route: '/images/:id/original', access: 'any' },
  { method: 'GET', path: '/api/images/999/thumb', route: '/images/:id/thumb', access: 'any' },
  { method: 'GET', path: '/api/images/999/preview', route: '/images/:id/preview', access: 'any' },
  { method: 'GET', path: '/api/images/999/overlay', route: '/images/:id/overlay', access: 'any' },
  { method: 'GET', path: '/api/basemap.pmtiles', route: '/basemap.pmtiles', access: 'any' },
  { method: 'GET', path: '/api/detections/999/crop', route: '/detections/:id/crop', access: 'any' },
  { method: 'GET', path: '/api/sites', route: '/sites', access: 'any' },
  { method: 'GET', path: '/api/sites/999', route: '/sites/:id', access: 'any' },
  { method: 'GET', path: '/api/sites/999/crop', route: '/sites/:id/crop', access: 'any' },
  { method: 'POST', path: '/api/sites/999/review', route: '/sites/:id/review', access: 'reviewer', json: { decision: 'confirmed' } },
  { method: 'GET', path: '/api/detections', route: '/detections', access: 'any' },
  { method: 'GET', path: '/api/detections/999', route: '/detections/:id', access: 'any' },
  ...['geojson', 'kml', 'csv', 'gpx'].map((f): Row => ({ method: 'GET', path: `/api/exports/sites.${f}`, route: '/exports/:file', access: 'reviewer' })),
  { method: 'POST', path: '/api/snaps', route: '/snaps', access: 'officer' },
  { method: 'GET', path: '/api/audit?siteId=1', route: '/audit', access: 'reviewer' },
  { method: 'GET', path: '/api/audit.csv', route: '/audit.csv', access: 'reviewer' },
  // field work: reviewers assign, officers record visits (the state decides which; see field-api.test.ts)
  { method: 'POST', path: '/api/sites/999/field', route: '/sites/:id/field', access: ['reviewer', 'officer'], json: { state: 'visited' } },
  { method: 'GET', path: '/api/sites/999/field', route: '/sites/:id/field', access: 'any' },
  { method: 'GET', path: '/api/field/tasks', route: '/field/tasks', access: ['reviewer', 'officer'] },
  { method: 'GET', path: '/api/field/labels', route: '/field/labels', access: 'reviewer' },
  { method: 'GET', path: '/api/field/assignees', route: '/field/assignees', access: 'reviewer' },
  { method: 'GET', path: '/api/exports/tasks.pdf?sites=999999', route: '/exports/tasks.pdf', access: 'reviewer' },
  { method: 'GET', path: '/api/stats/season', route: '/stats/season', access: 'reviewer' },
  { method: 'GET', path: '/api/stats/season.csv', route: '/stats/season.csv', access: 'reviewer' },
  { method: 'GET', path: '/api/models', route: '/models', access: 'admin' },
  { method: 'POST', path: '/api/models/aerial/retrain', route: '/models/aerial/retrain', access: 'admin' },
  { method: 'GET', path: '/api/models/aerial/retrain/00000000-0000-4000-8000-000000000000', route: '/models/aerial/retrain/:id', access: 'admin' },
  { method: 'POST', path: '/api/models/aerial/1.0.0/promote', route: '/models/aerial/:version/promote', access: 'admin' },
];

async function hit(row: Row, token: string | null): Promise<number> {
  const ctrl = new AbortController();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (row.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(srv.url + row.path, {
    method: row.method,
    headers,
    body: row.json === undefined ? undefined : JSON.stringify(row.json),
    signal: ctrl.signal,
  });
  if (row.sse) ctrl.abort();
  else await res.arrayBuffer();
  return res.status;
}

const allowed = (access: Access, role: Role) =>
  access !== 'session' && (access === 'public' || access === 'any' || role === 'admin' || (Array.isArray(access) ? access.includes(role) : access === role));

beforeAll(async () => {
  srv = await startTestServer();
  for (const role of ROLES) {
    const u = await createUser(srv.store.users, { username: `matrix-${role}`, password: 'matrix-passphrase-long', role });
    tokens[role] = (await issueApiToken(srv.store.tokens, u.id, 'matrix')).token;
  }
  const f = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'matrix' } });
  flightId = ((await f.json()) as { id: number }).id;
});

afterAll(async () => {
  await srv?.close();
});

describe('role × endpoint matrix', () => {
  it('anonymous requests to non-public endpoints get 401 {error:"unauthenticated"}', async () => {
    const wrong: string[] = [];
    for (const row of matrix()) {
      const status = await hit(row, null);
      if (row.access === 'public' ? status === 401 || status === 403 : status !== 401) wrong.push(`${row.method} ${row.path} → ${status}`);
    }
    expect(wrong).toEqual([]);
    const body = await (await fetch(`${srv.url}/api/flights`)).json();
    expect(body).toMatchObject({ error: 'unauthenticated', message: expect.any(String) });
  });

  for (const role of ROLES) {
    it(`${role}: 403 exactly where the role is not allowed`, async () => {
      const wrong: string[] = [];
      for (const row of matrix()) {
        const status = await hit(row, tokens[role]);
        const ok = allowed(row.access, role);
        if (ok ? status === 401 || status === 403 : status !== 403) wrong.push(`${row.method} ${row.path} (${row.access}) → ${status}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('cookie sessions need X-CSRF-Token on unsafe methods of the real app', async () => {
    const login = await fetch(`${srv.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'matrix-operator', password: 'matrix-passphrase-long' }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const post = (headers: Record<string, string>) =>
      fetch(`${srv.url}/api/flights`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"name":"csrf"}' });
    const without = await post({});
    expect(without.status).toBe(403);
    expect(((await without.json()) as { error: string }).error).toBe('csrf');
    expect((await post({ 'x-csrf-token': csrfToken })).status).toBe(201);
    expect((await fetch(`${srv.url}/api/flights`, { headers: { cookie } })).status).toBe(200);
  });

  it('covers every /api route the app serves', () => {
    const app = createApp({ config: srv.config, store: srv.store, logger: createLogger({ level: 'silent' }), model: null, events: new JobEvents(), sse: new SseHub() });
    const routes = new Set<string>();
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: unknown };
    const stackOf = (x: unknown) => ((x as { stack?: unknown[] } | undefined)?.stack ?? []) as Layer[];
    // createApp mounts each API router at /api; express 5 keeps them on app.router.stack
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        // the web pages router (paths like ['/snap', '/snap.html']) is not under /api
        if (layer.route && typeof layer.route.path === 'string') {
          for (const m of Object.keys(layer.route.methods)) routes.add(`${m.toUpperCase()} ${layer.route.path}`);
        }
        else if (layer.handle) walk(stackOf(layer.handle));
      }
    };
    walk(stackOf((app as unknown as { router: unknown }).router));
    expect(routes.size).toBeGreaterThan(20);
    const covered = new Set(matrix().map((r) => `${r.method} ${r.route}`));
    const missing = [...routes].filter((r) => !covered.has(r) && !r.startsWith('HEAD'));
    expect(missing).toEqual([]);
  });
});
