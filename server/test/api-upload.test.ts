import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestJpeg, startTestServer, uploadForm, type TestServer } from './helpers/server.js';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('flights and uploads API', () => {
  let s: TestServer;
  beforeAll(async () => {
    // 1 MB per file and 5 files per request, so the limits are cheap to hit
    s = await startTestServer({ env: { POPPY_MAX_FILE_MB: '1', POPPY_MAX_FILES: '5' } });
  });
  afterAll(async () => s?.close());

  async function newFlight(name = 'Test flight'): Promise<number> {
    const r = await s.fetch('/api/flights', { method: 'POST', json: { name, altitudeAglM: 80 } });
    expect(r.status).toBe(201);
    return ((await r.json()) as { id: number }).id;
  }

  it('answers health and config publicly, and 401 for anonymous API calls', async () => {
    const h = await fetch(`${s.url}/api/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ ok: true });
    const c = await (await fetch(`${s.url}/api/config`)).json();
    expect(c).toHaveProperty('basemap');
    const anon = await s.fetch('/api/flights', { auth: false });
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });

  it('creates, lists and reads flights; rejects bad bodies with 400 naming the field', async () => {
    const id = await newFlight('Helmand north');
    const list = (await (await s.fetch('/api/flights')).json()) as { flights: { id: number; name: string; status: string }[] };
    expect(list.flights.find((f) => f.id === id)).toMatchObject({ name: 'Helmand north', status: 'empty' });
    const one = await (await s.fetch(`/api/flights/${id}`)).json();
    expect(one).toMatchObject({ id, images: { total: 0, processed: 0, failed: 0 }, altitudeAglM: 80 });

    const bad = await s.fetch('/api/flights', { method: 'POST', json: { name: '', altitudeAglM: 'high' } });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_request');
    expect(body.message).toMatch(/name/);
    expect(body.message).toMatch(/altitudeAglM/);

    const broken = await s.fetch('/api/flights', { method: 'POST', body: '{"name":', headers: { 'Content-Type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'invalid_json' });

    // numbers typed into a form arrive as strings
    const typed = await s.fetch('/api/flights', { method: 'POST', json: { name: 'typed', altitudeAglM: '60', groundElevationM: '' } });
    expect(typed.status).toBe(201);
    expect(await typed.json()).toMatchObject({ altitudeAglM: 60, groundElevationM: null });
    expect((await s.fetch('/api/flights', { method: 'POST', json: { name: 'x', altitudeAglM: 0.5 } })).status).toBe(400);

    expect((await s.fetch('/api/flights/999999')).status).toBe(404);
    expect((await s.fetch('/api/flights/abc')).status).toBe(400);
    const unknown = await s.fetch('/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
  });

  it('accepts images by content, stores originals byte-for-byte, rejects others per file, and reports duplicates', async () => {
    const id = await newFlight();
    const a = await makeTestJpeg({ lat: 34.5, lon: 69.1, seed: 1 });
    const b = await makeTestJpeg({ lat: 34.5001, lon: 69.1, seed: 2 });
    const png = await (await import('sharp')).default({ create: { width: 8, height: 8, channels: 3, background: '#0f0' } }).png().toBuffer();
    const r = await s.fetch(`/api/flights/${id}/images`, {
      method: 'POST',
      body: uploadForm([
        { name: 'DJI_0001.JPG', data: a },
        { name: '../../etc/DJI_0002.jpg', data: b },
        { name: 'notes.jpg', data: 'this is not an image at all' },
        { name: 'empty.jpg', data: Buffer.alloc(0) },
        { name: 'plot.png', data: png },
      ]),
    });
    expect(r.status).toBe(202);
    const body = (await r.json()) as { accepted: { id: number; name: string; sha256: string; duplicate: boolean }[]; rejected: { name: string; error: string }[] };
    expect(body.accepted.map((x) => x.name).sort()).toEqual(['DJI_0001.JPG', 'DJI_0002.jpg', 'plot.png']);
    expect(body.accepted.every((x) => x.duplicate === false)).toBe(true);
    expect(body.accepted.find((x) => x.name === 'DJI_0001.JPG')!.sha256).toBe(sha(a));
    expect(body.rejected.map((x) => x.name).sort()).toEqual(['empty.jpg', 'notes.jpg']);
    expect(body.rejected.find((x) => x.name === 'notes.jpg')!.error).toMatch(/JPEG, PNG, TIFF or WebP/);
    expect(body.rejected.find((x) => x.name === 'empty.jpg')!.error).toMatch(/empty/);

    // originals are stored unmodified under their sha256, the temp files are gone
    expect(fs.readFileSync(s.store.blobs.originalPath(sha(a))).equals(a)).toBe(true);
    expect(fs.readFileSync(s.store.blobs.originalPath(sha(b))).equals(b)).toBe(true);
    expect(fs.readdirSync(path.join(s.dataDir, 'tmp'))).toEqual([]);
    const orig = await s.fetch(`/api/images/${body.accepted[0].id}/original`);
    expect(Buffer.from(await orig.arrayBuffer()).equals(a)).toBe(true);

    // sending the same bytes again is a no-op reported as duplicate, with the same id
    const again = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm([{ name: 'renamed.jpg', data: a }]) });
    expect(again.status).toBe(202);
    const againBody = (await again.json()) as { accepted: { id: number; duplicate: boolean }[] };
    expect(againBody.accepted).toEqual([expect.objectContaining({ id: body.accepted[0].id, duplicate: true })]);

    const flight = (await (await s.fetch(`/api/flights/${id}`)).json()) as { images: { total: number }; status: string };
    expect(flight.images.total).toBe(3);
    expect(flight.status).toBe('queued');
    const images = (await (await s.fetch(`/api/flights/${id}/images`)).json()) as { images: { name: string; status: string }[] };
    expect(images.images).toHaveLength(3);
    expect((await s.store.jobs.counts()).queued).toBe(3);
  });

  it('rejects a file over the per-file limit but keeps the others in the same request', async () => {
    const id = await newFlight();
    const good = await makeTestJpeg({ lat: 1, lon: 2, seed: 3 });
    const big = Buffer.concat([good.subarray(0, 4), crypto.randomBytes(1024 * 1024 + 10)]);
    const r = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm([{ name: 'big.jpg', data: big }, { name: 'good.jpg', data: good }]) });
    expect(r.status).toBe(202);
    const body = (await r.json()) as { accepted: { name: string }[]; rejected: { name: string; error: string }[] };
    expect(body.accepted.map((x) => x.name)).toEqual(['good.jpg']);
    expect(body.rejected).toEqual([expect.objectContaining({ name: 'big.jpg', error: expect.stringMatching(/1 MB limit/) })]);
  });

  it('answers a clear 4xx when nothing is acceptable, too many files are sent, or no files at all', async () => {
    const id = await newFlight();
    const onlyBad = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm([{ name: 'x.jpg', data: 'nope' }]) });
    expect(onlyBad.status).toBe(415);
    expect(await onlyBad.json()).toMatchObject({ error: 'no_valid_images', rejected: [expect.objectContaining({ name: 'x.jpg' })] });

    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(16)]);
    const h = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm([{ name: 'IMG_1.HEIC', data: heic }]) });
    expect(h.status).toBe(415);
    expect(((await h.json()) as { rejected: { error: string }[] }).rejected[0].error).toMatch(/JPEG/);

    const six = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => makeTestJpeg({ seed: 100 + i })));
    const many = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm(six.map((d, i) => ({ name: `f${i}.jpg`, data: d }))) });
    expect(many.status).toBe(413);
    expect(await many.json()).toMatchObject({ error: 'too_many_files', message: expect.stringMatching(/at most 5/) });

    const none = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: new FormData() });
    expect(none.status).toBe(400);
    const notMultipart = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', json: { images: [] } });
    expect(notMultipart.status).toBe(415);
    const noFlight = await s.fetch(`/api/flights/424242/images`, { method: 'POST', body: uploadForm([{ name: 'a.jpg', data: six[0] }]) });
    expect(noFlight.status).toBe(404);
    // nothing of the refused requests was kept
    expect((await s.store.flights.get(id))!.images.total).toBe(0);
  });
});
