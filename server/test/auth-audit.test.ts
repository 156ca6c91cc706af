// The audit trail on the real app: uploads, review decisions with before/after, note-only changes, exports and
// logins are recorded with user and time, per site and as CSV; the records cannot be changed afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/accounts.js';
import { Classifier } from '../src/model/classifier.js';
import { detectFrame } from '../src/pipeline/detectFrame.js';
import { testManifestPath } from './helpers/model.js';
import { makeFrame } from '../../scripts/load/frames.js';
import { fakeAerialModel } from './helpers/hostileFiles.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let srv: TestServer;
let cookie = '';
let csrf = '';

interface Rec {
  action: string;
  username: string | null;
  userId: number | null;
  at: string;
  siteId: number | null;
  flightId: number | null;
  before: any;
  after: any;
  details: any;
}

const asReviewer = (p: string, init: RequestInit & { json?: unknown } = {}) =>
  srv.fetch(p, { ...init, auth: false, headers: { cookie, 'x-csrf-token': csrf, ...(init.headers as Record<string, string>) } });
const records = async (q = '') => ((await (await srv.fetch(`/api/audit${q}`)).json()) as { records: Rec[] }).records;

beforeAll(async () => {
  const classifier = fakeAerialModel();
  srv = await startTestServer({ process: (file, o) => detectFrame(file, o, classifier), idlePollMs: 50 });
  await createUser(srv.store.users, { username: 'rita', password: 'reviewer-password', role: 'reviewer' });
  const login = await fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'rita', password: 'reviewer-password' }) });
  csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
});

afterAll(async () => {
  await srv?.close();
});

describe('audit trail', () => {
  it('records upload, decisions (before/after), notes, exports and logins with user and time', async () => {
    const f = (await (await srv.fetch('/api/flights', { method: 'POST', json: { name: 'audited', altitudeAglM: 5 } })).json()) as { id: number };
    const form = new FormData();
    form.append('images', new Blob([new Uint8Array(await makeFrame({ lat: 24.95, lon: 102.6, seed: 1, width: 640, height: 480 }))]), 'a.jpg');
    form.append('images', new Blob([Buffer.from('junk')]), 'junk.jpg');
    expect((await srv.fetch(`/api/flights/${f.id}/images`, { method: 'POST', body: form })).status).toBe(202);
    const up = (await records(`?flightId=${f.id}&action=upload`))[0];
    expect(up).toMatchObject({ username: 'bootstrap-token', flightId: f.id });
    expect(up.details.accepted[0]).toMatchObject({ name: 'a.jpg', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(up.details.rejected[0]).toMatchObject({ name: 'junk.jpg', code: 'unsupported_type' });

    let sites: { properties: { id: number; version: number } }[] = [];
    for (let i = 0; i < 200 && sites.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sites = ((await (await srv.fetch(`/api/sites?flight=${f.id}&status=all`)).json()) as { features: typeof sites }).features;
    }
    const site = sites[0].properties;
    const confirm = await asReviewer(`/api/sites/${site.id}/review`, { method: 'POST', json: { decision: 'confirmed', note: 'red flowers', baseVersion: site.version } });
    expect(confirm.status).toBe(200);
    const v = ((await confirm.json()) as { version: number }).version;
    expect((await asReviewer(`/api/sites/${site.id}/review`, { method: 'POST', json: { decision: 'confirmed', note: 'seen again from the road', baseVersion: v } })).status).toBe(200);
    const stale = await asReviewer(`/api/sites/${site.id}/review`, { method: 'POST', json: { decision: 'rejected', baseVersion: v } });
    expect(stale.status).toBe(409);

    const perSite = await records(`?siteId=${site.id}`);
    expect(perSite.map((r) => r.action)).toEqual(['note', 'review']); // newest first; the 409 changed nothing
    expect(perSite[1]).toMatchObject({ username: 'rita', before: { status: 'pending' }, after: { status: 'confirmed', note: 'red flowers' } });
    expect(perSite[0]).toMatchObject({ before: { status: 'confirmed' }, after: { status: 'confirmed', note: 'seen again from the road' } });
    expect(Date.now() - Date.parse(perSite[0].at)).toBeLessThan(60_000);

    const exp = await asReviewer(`/api/exports/sites.geojson?flight=${f.id}`);
    expect(exp.status).toBe(200);
    await exp.arrayBuffer();
    const exports = await records('?action=export');
    expect(exports[0]).toMatchObject({ username: 'rita', details: { format: 'geojson', count: 1 } });

    const logins = await records('?action=login');
    expect(logins.some((r) => r.username === 'rita' && r.userId !== null)).toBe(true);

    const csv = await (await asReviewer(`/api/audit.csv?siteId=${site.id}`)).text();
    expect(csv.trim().split('\n')).toHaveLength(3);
    expect(csv).toContain('seen again from the road');
  });

  it('records cannot be changed or deleted, even with direct SQL', async () => {
    const n = (await srv.store.audit.list()).length;
    await expect(srv.store.sql.run("UPDATE audit_log SET username = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(srv.store.sql.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect((await srv.store.audit.list()).length).toBe(n);
  });
});

const manifest = testManifestPath();
(manifest ? describe : describe.skip)('audit of phone snaps', () => {
  it('a snap is recorded with its site, verdict and officer', async () => {
    const snapSrv = await startTestServer({ classifier: await Classifier.load({ manifestPath: manifest!, threads: 1 }) });
    try {
      await createUser(snapSrv.store.users, { username: 'olly', password: 'officer-password', role: 'officer' });
      const login = await fetch(`${snapSrv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'olly', password: 'officer-password' }) });
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(await makeFrame({ lat: 24.95, lon: 102.6, seed: 3, width: 640, height: 480 }))], { type: 'image/jpeg' }), 'snap.jpg');
      form.append('note', 'by the road');
      const snap = await fetch(`${snapSrv.url}/api/snaps`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken }, body: form });
      expect(snap.status).toBe(201);
      const answer = (await snap.json()) as { siteId: number; verdict: string };
      const recs = ((await (await snapSrv.fetch(`/api/audit?siteId=${answer.siteId}`)).json()) as { records: Rec[] }).records;
      expect(recs).toHaveLength(1);
      expect(recs[0]).toMatchObject({ action: 'snap', username: 'olly', siteId: answer.siteId, after: { verdict: answer.verdict, note: 'by the road' } });
    } finally {
      await snapSrv.close();
    }
  });
});
