// Field work API: every transition of assigned → visited → eradicated | not_found | not_poppy, who may make it,
// version conflicts (409), evidence photos with the snap checks, idempotent resends, audit and training labels.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBomb } from './helpers/hostileFiles.js';
import { fieldJpeg, frameSite, userWithToken } from './helpers/fieldFixtures.js';
import { makeTestJpeg, startTestServer, type TestServer } from './helpers/server.js';

let srv: TestServer;
const tok: Record<string, string> = {};
let flightId = 0;
let jpeg: Buffer;

interface FieldAnswer {
  siteId: number;
  task: { state: string; assignee: string | null; dueDate: string | null; plantsCounted: number | null; species: string | null; note: string | null; version: number } | null;
  next: string[];
  events: { before: string | null; after: string; username: string; photos: { imageId: number; previewUrl: string }[] }[];
  error?: string;
  message?: string;
  current?: FieldAnswer;
}

/** POSTs a field change; without a baseVersion key in `body` it sends the task's current version, as the apps do. */
async function field(siteId: number, who: string, given: Record<string, string | number | undefined>, photos: { bytes: Buffer; name: string }[] = [], headers: Record<string, string> = {}) {
  const body = 'baseVersion' in given ? given : { ...given, baseVersion: (await srv.store.field.get(siteId))?.version ?? 0 };
  let init: RequestInit;
  if (photos.length === 0) {
    init = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
  } else {
    const form = new FormData();
    for (const [k, v] of Object.entries(body)) if (v !== undefined) form.append(k, String(v));
    for (const p of photos) form.append('photos', new Blob([new Uint8Array(p.bytes)]), p.name);
    init = { method: 'POST', body: form, headers };
  }
  const res = await srv.fetch(`/api/sites/${siteId}/field`, { ...init, auth: tok[who] });
  return { status: res.status, body: (await res.json()) as FieldAnswer, headers: res.headers };
}

const photo = () => ({ bytes: jpeg, name: 'evidence.jpg' });
let seed = 100;
const newSite = async (confirm = true) => (await frameSite(srv.store, { flightId, lat: 25.04 + seed * 1e-4, lon: 102.7, confirm, seed: seed++ })).id;

beforeAll(async () => {
  srv = await startTestServer();
  for (const [name, role] of [
    ['rev', 'reviewer'],
    ['off1', 'officer'],
    ['off2', 'officer'],
    ['adm', 'admin'],
    ['op', 'operator'],
  ] as const) {
    tok[name] = await userWithToken(srv.store, name, role);
  }
  flightId = (await srv.store.flights.create({ name: 'field test flight' })).id;
  jpeg = await fieldJpeg(640, 480, 7);
});

afterAll(async () => {
  await srv?.close();
});

describe('POST /api/sites/:id/field', () => {
  it('reviewer assigns a confirmed site to an officer with a due date; the change is audited', async () => {
    const id = await newSite();
    const r = await field(id, 'rev', { state: 'assigned', assignee: 'OFF1', dueDate: '2027-05-01', note: 'behind the school' });
    expect(r.status).toBe(201);
    expect(r.body.task).toMatchObject({ state: 'assigned', assignee: 'off1', dueDate: '2027-05-01', version: 1, note: 'behind the school' });
    expect(r.body.next).toEqual(['assigned', 'visited', 'eradicated', 'not_found', 'not_poppy']);
    const audit = await srv.store.audit.list({ siteId: id, action: 'field' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ username: 'rev', before: { state: null }, after: { state: 'assigned', assignee: 'off1', version: 1 } });
  });

  it('refuses to assign: officer/operator 403, pending site 409, unknown or non-officer assignee 422, missing assignee 400', async () => {
    const id = await newSite();
    expect((await field(id, 'off1', { state: 'assigned', assignee: 'off1' })).status).toBe(403);
    expect((await field(id, 'op', { state: 'assigned', assignee: 'off1' })).status).toBe(403);
    const pending = await newSite(false);
    const p = await field(pending, 'rev', { state: 'assigned', assignee: 'off1' });
    expect([p.status, p.body.error]).toEqual([409, 'site_not_confirmed']);
    const nobody = await field(id, 'rev', { state: 'assigned', assignee: 'ghost' });
    expect([nobody.status, nobody.body.error]).toEqual([422, 'unknown_assignee']);
    expect((await field(id, 'rev', { state: 'assigned', assignee: 'rev' })).body.error).toBe('unknown_assignee');
    expect((await field(id, 'rev', { state: 'assigned' })).status).toBe(400);
    expect((await field(id, 'rev', { state: 'visited' })).status).toBe(403);
    const unversioned = await field(id, 'rev', { state: 'assigned', assignee: 'off1', baseVersion: undefined });
    expect([unversioned.status, unversioned.body.error]).toEqual([428, 'base_version_required']);
    const bad = await field(id, 'rev', { state: 'destroyed' });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
    expect(bad.body.message).toMatch(/state/);
    expect((await field(999_999, 'rev', { state: 'assigned', assignee: 'off1' })).status).toBe(404);
    const unassigned = await field(id, 'off1', { state: 'visited' });
    expect([unassigned.status, unassigned.body.error]).toEqual([409, 'invalid_transition']);
    expect(await srv.store.audit.list({ siteId: id, action: 'field' })).toHaveLength(0);
  });

  it('assigned → visited → eradicated by the assigned officer, with count and photos; stale versions get 409', async () => {
    const id = await newSite();
    await field(id, 'rev', { state: 'assigned', assignee: 'off1' });
    const other = await field(id, 'off2', { state: 'visited' });
    expect([other.status, other.body.error]).toEqual([403, 'not_assignee']);
    const visited = await field(id, 'off1', { state: 'visited', note: 'found the plot', baseVersion: 1 });
    expect(visited.status).toBe(201);
    expect(visited.body.task).toMatchObject({ state: 'visited', assignee: 'off1', version: 2 });

    const stale = await field(id, 'off1', { state: 'eradicated', plantsCounted: 120, baseVersion: 1 }, [photo()]);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('conflict');
    expect(stale.body.current?.task).toMatchObject({ state: 'visited', version: 2 });

    const noCount = await field(id, 'off1', { state: 'eradicated', baseVersion: 2 }, [photo()]);
    expect([noCount.status, noCount.body.error]).toEqual([400, 'count_required']);
    const noPhoto = await field(id, 'off1', { state: 'eradicated', plantsCounted: 120, baseVersion: 2 });
    expect([noPhoto.status, noPhoto.body.error]).toEqual([400, 'photo_required']);

    const done = await field(id, 'off1', { state: 'eradicated', plantsCounted: 120, note: 'pulled and burnt', baseVersion: 2 }, [photo(), { bytes: await fieldJpeg(300, 200, 3), name: 'second.jpg' }]);
    expect(done.status).toBe(201);
    expect(done.body.task).toMatchObject({ state: 'eradicated', plantsCounted: 120, version: 3 });
    expect(done.body.next).toEqual([]);
    const last = done.body.events.at(-1)!;
    expect(last).toMatchObject({ before: 'visited', after: 'eradicated', username: 'off1' });
    expect(last.photos).toHaveLength(2);
    const img = await srv.fetch(last.photos[0].previewUrl, { auth: tok.rev });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toMatch(/image\/jpeg/);

    const after = await field(id, 'adm', { state: 'not_found', note: 'x' }, [photo()]);
    expect([after.status, after.body.error]).toEqual([409, 'invalid_transition']);
    expect(after.body.message).toMatch(/final/);
    const audit = await srv.store.audit.list({ siteId: id, action: 'field' });
    expect(audit.map((a) => (a.after as { state: string }).state)).toEqual(['eradicated', 'visited', 'assigned']);
    expect((audit[0].details as { photoImageIds: number[] }).photoImageIds).toHaveLength(2);
  });

  it('assigned → eradicated straight away (one visit)', async () => {
    const id = await newSite();
    await field(id, 'rev', { state: 'assigned', assignee: 'off1' });
    const r = await field(id, 'off1', { state: 'eradicated', plantsCounted: 640 }, [photo()]);
    expect(r.status).toBe(201);
    expect(r.body.events.map((e) => e.after)).toEqual(['assigned', 'eradicated']);
  });

  it('keeps where and when an evidence photo was taken (its EXIF GPS), or null without', async () => {
    const id = await newSite();
    await field(id, 'rev', { state: 'assigned', assignee: 'off1' });
    const withGps = await makeTestJpeg({ lat: 25.0412, lon: 102.7034, seed: 4, width: 320, height: 240 });
    const r = await field(id, 'off1', { state: 'eradicated', plantsCounted: 9 }, [{ bytes: withGps, name: 'gps.jpg' }, photo()]);
    expect(r.status).toBe(201);
    const photos = r.body.events.at(-1)!.photos as unknown as { location: { lat: number; lon: number } | null }[];
    expect(photos[0].location!.lat).toBeCloseTo(25.0412, 4);
    expect(photos[0].location!.lon).toBeCloseTo(102.7034, 4);
    expect(photos[1].location).toBeNull();
  });

  it('not_found needs a note and a photo, and the site can be sent out again', async () => {
    const id = await newSite();
    await field(id, 'rev', { state: 'assigned', assignee: 'off2' });
    const noNote = await field(id, 'off2', { state: 'not_found' }, [photo()]);
    expect([noNote.status, noNote.body.error]).toEqual([400, 'note_required']);
    const noPhoto = await field(id, 'off2', { state: 'not_found', note: 'only wheat here' });
    expect([noPhoto.status, noPhoto.body.error]).toEqual([400, 'photo_required']);
    const nf = await field(id, 'off2', { state: 'not_found', note: 'only wheat here' }, [photo()]);
    expect(nf.status).toBe(201);
    expect(nf.body.next).toEqual(['assigned']);
    expect((await field(id, 'off2', { state: 'visited' })).body.error).toBe('invalid_transition');
    const again = await field(id, 'rev', { state: 'assigned', assignee: 'off1', dueDate: '2027-06-01' });
    expect(again.status).toBe(201);
    expect(again.body.task).toMatchObject({ state: 'assigned', assignee: 'off1', version: 3 });
  });

  it('not_poppy with species; an admin may assign and record; outcomes become training labels', async () => {
    const id = await newSite();
    expect((await field(id, 'adm', { state: 'assigned', assignee: 'adm' })).status).toBe(201);
    const r = await field(id, 'adm', { state: 'not_poppy', species: 'Papaver rhoeas', note: 'corn poppy in a verge' }, [photo()]);
    expect(r.status).toBe(201);
    expect(r.body.task).toMatchObject({ state: 'not_poppy', species: 'Papaver rhoeas' });
    const labels = await srv.fetch('/api/field/labels', { auth: tok.rev });
    expect(labels.status).toBe(200);
    const { labels: rows } = (await labels.json()) as { labels: { siteId: number; label: string | null; outcome: string; species: string | null; plantsCounted: number | null; bestDetectionId: number }[] };
    const mine = rows.find((l) => l.siteId === id)!;
    expect(mine).toMatchObject({ outcome: 'not_poppy', label: 'not_poppy', species: 'Papaver rhoeas' });
    expect(mine.bestDetectionId).toBeGreaterThan(0);
    expect(rows.some((l) => l.outcome === 'eradicated' && l.label === 'poppy' && l.plantsCounted === 120)).toBe(true);
    expect(rows.some((l) => l.outcome === 'not_found' && l.label === null)).toBe(false); // re-assigned above: open again
    expect((await srv.fetch('/api/field/labels', { auth: tok.off1 })).status).toBe(403);
  });

  it('checks photos as snaps are checked: HEIC 415 with advice, non-image 415, pixel bomb 413, damaged 400; nothing stored', async () => {
    const id = await newSite();
    await field(id, 'rev', { state: 'assigned', assignee: 'off1' });
    const images = async () => (await srv.store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM images'))!.n;
    const before = await images();
    const heic = Buffer.concat([Buffer.from('00000018667479706865696300000000', 'hex'), Buffer.from('mif1heic'), crypto.randomBytes(2000)]);
    const h = await field(id, 'off1', { state: 'eradicated', plantsCounted: 3 }, [{ bytes: heic, name: 'IMG_1.HEIC' }]);
    expect([h.status, h.body.error]).toEqual([415, 'heic_not_supported']);
    expect(h.body.message).toMatch(/JPEG/);
    const txt = await field(id, 'off1', { state: 'eradicated', plantsCounted: 3 }, [{ bytes: Buffer.from('<html>hello</html>'), name: 'x.jpg' }]);
    expect([txt.status, txt.body.error]).toEqual([415, 'unsupported_photo_type']);
    const bomb = await field(id, 'off1', { state: 'eradicated', plantsCounted: 3 }, [{ bytes: await pngBomb(), name: 'bomb.png' }]);
    expect([bomb.status, bomb.body.error]).toEqual([413, 'photo_too_large']);
    const broken = await field(id, 'off1', { state: 'eradicated', plantsCounted: 3 }, [{ bytes: jpeg.subarray(0, 40), name: 'cut.jpg' }]);
    expect([broken.status, broken.body.error]).toEqual([400, 'unreadable_photo']);
    const wrongField = new FormData();
    wrongField.append('state', 'visited');
    wrongField.append('evidence', new Blob([new Uint8Array(jpeg)]), 'a.jpg');
    const wf = await srv.fetch(`/api/sites/${id}/field`, { method: 'POST', body: wrongField, auth: tok.off1 });
    expect(wf.status).toBe(400);
    expect(await images()).toBe(before);
    expect((await srv.store.field.get(id))?.state).toBe('assigned');
    expect((await srv.fetch('/api/health')).status).toBe(200);
  });

  it('answers bad input with a 400 that names the field', async () => {
    const id = await newSite();
    const cases: [Record<string, string | number>, RegExp][] = [
      [{ state: 'assigned', assignee: 'off1', dueDate: '2027-02-30' }, /dueDate/],
      [{ state: 'assigned', assignee: 'off1', dueDate: 'tomorrow' }, /dueDate/],
      [{ state: 'assigned', assignee: 'off1', note: 'x'.repeat(2001) }, /note/],
      [{ state: 'assigned', assignee: 'off1', baseVersion: -1 }, /baseVersion/],
      [{ state: 'assigned', assignee: 'off1', idempotencyKey: 'has space' }, /idempotencyKey/],
    ];
    for (const [body, named] of cases) {
      const r = await field(id, 'rev', body);
      expect([r.status, r.body.error]).toEqual([400, 'invalid_request']);
      expect(r.body.message).toMatch(named);
    }
    await field(id, 'rev', { state: 'assigned', assignee: 'off1' });
    const form = new FormData();
    for (const [k, v] of Object.entries({ state: 'eradicated', plantsCounted: '12.5', baseVersion: '1' })) form.append(k, v);
    const frac = await srv.fetch(`/api/sites/${id}/field`, { method: 'POST', body: form, auth: tok.off1 });
    expect(frac.status).toBe(400);
    expect(((await frac.json()) as { message: string }).message).toMatch(/plantsCounted/);
    const broken = await srv.fetch(`/api/sites/${id}/field`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"state":', auth: tok.off1 });
    expect(broken.status).toBe(400);
    expect((await srv.fetch(`/api/sites/abc/field`, { method: 'POST', json: { state: 'visited', baseVersion: 1 }, auth: tok.off1 })).status).toBe(400);
    expect((await srv.store.field.get(id))?.version).toBe(1);
  });

  it('a resend with the same idempotency key answers the stored record once (200, Idempotent-Replayed)', async () => {
    const id = await newSite();
    await field(id, 'rev', { state: 'assigned', assignee: 'off1' });
    const body = { state: 'eradicated', plantsCounted: 42, baseVersion: 1, idempotencyKey: 'phone-visit-0001' };
    const first = await field(id, 'off1', body, [photo()]);
    expect(first.status).toBe(201);
    const again = await field(id, 'off1', body, [photo()]);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.events.filter((e) => e.after === 'eradicated')).toHaveLength(1);
    const other = await newSite();
    await field(other, 'rev', { state: 'assigned', assignee: 'off1' });
    const reused = await field(other, 'off1', { ...body, baseVersion: 1 }, [photo()]);
    expect([reused.status, reused.body.error]).toEqual([409, 'idempotency_key_reused']);
  });

  it('GET /api/field/tasks: an officer sees their own open tasks; a reviewer filters by assignee; GET /sites/:id/field for anyone', async () => {
    const mine = await newSite();
    const theirs = await newSite();
    await field(mine, 'rev', { state: 'assigned', assignee: 'off2', dueDate: '2027-01-02' });
    await field(theirs, 'rev', { state: 'assigned', assignee: 'off1' });
    const res = await srv.fetch('/api/field/tasks', { auth: tok.off2 });
    expect(res.status).toBe(200);
    const { tasks } = (await res.json()) as { tasks: { siteId: number; state: string; assignee: string; lat: number; lon: number; cropUrl: string; flight: { name: string } }[] };
    expect(tasks.every((t) => t.assignee === 'off2' && ['assigned', 'visited'].includes(t.state))).toBe(true);
    const t = tasks.find((x) => x.siteId === mine)!;
    expect(t).toMatchObject({ dueDate: '2027-01-02', flight: { name: 'field test flight' }, cropUrl: `/api/sites/${mine}/crop` });
    expect(typeof t.lat).toBe('number');
    const byRev = (await (await srv.fetch('/api/field/tasks?assignee=off1&state=assigned', { auth: tok.rev })).json()) as { tasks: { assignee: string }[] };
    expect(byRev.tasks.length).toBeGreaterThan(0);
    expect(byRev.tasks.every((x) => x.assignee === 'off1')).toBe(true);
    expect((await srv.fetch('/api/field/tasks?state=burnt', { auth: tok.rev })).status).toBe(400);
    expect((await srv.fetch('/api/field/tasks', { auth: tok.op })).status).toBe(403);
    const who = (await (await srv.fetch('/api/field/assignees', { auth: tok.rev })).json()) as { assignees: { username: string; role: string }[] };
    expect(who.assignees.map((a) => a.username).sort()).toEqual(['adm', 'off1', 'off2']);
    expect((await srv.fetch('/api/field/assignees', { auth: tok.off1 })).status).toBe(403);
    const detail = await srv.fetch(`/api/sites/${mine}/field`, { auth: tok.op });
    expect(detail.status).toBe(200);
    expect(((await detail.json()) as FieldAnswer).task?.assignee).toBe('off2');
  });
});
