// Section 4 of issue 11: what a flight could see, and correcting its altitude / ground elevation / sensor width after
// upload: every frame processed again exactly once, old detections replaced, reviewed sites kept, audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeProcessor, waitFor } from './helpers/fakeProcessor.js';
import { makeTestJpeg, startTestServer, uploadForm, type TestServer } from './helpers/server.js';
import { visibilityVerdict } from '../src/coverage/visibility.js';
import { frameCoverage, ringAreaM2 } from '../src/coverage/frameCoverage.js';

let server: TestServer;
const fake = fakeProcessor({ delayMs: 20 });
let flightId: number;

async function flightDone(): Promise<void> {
  await waitFor(async () => {
    const f = (await (await server.fetch(`/api/flights/${flightId}`)).json()) as { status: string };
    return f.status === 'done';
  }, 20_000, 'flight processed');
}

describe('what the flight could see, and reprocessing', () => {
  beforeAll(async () => {
    server = await startTestServer({ process: fake.process, workers: 1, idlePollMs: 20 });
    flightId = ((await (await server.fetch('/api/flights', { method: 'POST', json: { name: 'Terraces' } })).json()) as { id: number }).id;
    const files = await Promise.all([0, 1, 2].map(async (i) => ({ name: `F${i}.jpg`, data: await makeTestJpeg({ lat: 25 + i * 0.001, lon: 102.5, seed: i }), type: 'image/jpeg' })));
    const up = await server.fetch(`/api/flights/${flightId}/images`, { method: 'POST', body: uploadForm(files) });
    expect(up.status).toBe(202);
    const answer = (await up.json()) as { visibility: { level: string; message: string } };
    // tiny test frames have no height above ground: the answer says so instead of guessing
    expect(answer.visibility.level).toBe('unknown');
    expect(answer.visibility.message).toMatch(/unknown/);
    await flightDone();
  });
  afterAll(() => server.close());

  it('words the visibility verdict from the resolution', () => {
    const v = visibilityVerdict(3.4, 60, 2);
    expect(v.level).toBe('too_coarse');
    expect(v.flowerPx).toBe(1.8);
    expect(v.flyBelowM).toBe(35);
    expect(v.message).toBe('At 3.4 cm/px a 6 cm flower is under 2 px across — fly below 35 m for this camera (the model looks at 2 cm/px).');
    expect(visibilityVerdict(1.6, 30, 2).level).toBe('good');
    expect(visibilityVerdict(2.6, 30, 2).level).toBe('marginal');
  });

  it('answers an upload with the verdict from the new frames\' metadata before they are processed', async () => {
    const slow = await server.fetch('/api/flights', { method: 'POST', json: { name: 'High pass', altitudeAglM: 40 } });
    const id = ((await slow.json()) as { id: number }).id;
    // 800 px across a DJI FC6310 (13.2 mm sensor, 8.8 mm lens) from 40 m: 7.5 cm/px
    const frame = await makeTestJpeg({ lat: 25.01, lon: 102.51, seed: 9, width: 800, height: 600 });
    const up = await server.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm([{ name: 'HIGH.jpg', data: frame, type: 'image/jpeg' }]) });
    expect(up.status).toBe(202);
    const { visibility } = (await up.json()) as { visibility: { level: string; gsdCmPerPx: number; flyBelowM: number; message: string } };
    expect(visibility).toMatchObject({ level: 'too_coarse', gsdCmPerPx: 7.5, flyBelowM: 10 });
    expect(visibility.message).toBe('At 7.5 cm/px a 6 cm flower is under 2 px across — fly below 10 m for this camera (the model looks at 2 cm/px).');
    await waitFor(async () => ((await (await server.fetch(`/api/flights/${id}`)).json()) as { status: string }).status === 'done', 20_000, 'high pass processed');
  });

  it('measures a frame: height, cm/px, area, and why an imprecise frame is imprecise', () => {
    const ring = [[102.5, 25], [102.5004, 25], [102.5004, 25.0003], [102.5, 25.0003], [102.5, 25]];
    expect(ringAreaM2(ring)).toBeGreaterThan(1300);
    expect(ringAreaM2(ring)).toBeLessThan(1360); // ≈ 40.4 m × 33.4 m
    const c = frameCoverage({
      camera: { heightAboveGroundM: 42.04, gsdCmPerPx: 1.234, pitchDeg: -88, precise: true, yawDeg: 10 },
      footprint: { type: 'Polygon', coordinates: [ring] }, located: true, unlocatedReason: null, status: 'done', error: null,
    });
    expect(c).toMatchObject({ heightAboveGroundM: 42, gsdCmPerPx: 1.23, offNadirDeg: 2, precise: true, reason: null });
    expect(c.areaHa).toBeCloseTo(0.134, 2);
    const oblique = frameCoverage({ camera: { precise: false, fallbackReason: 'oblique: gimbal pitch −40°' }, footprint: null, located: true, unlocatedReason: null, status: 'done', error: null });
    expect(oblique).toMatchObject({ precise: false, reason: 'oblique: gimbal pitch −40°' });
    const nogps = frameCoverage({ camera: null, footprint: null, located: false, unlocatedReason: 'no GPS in EXIF', status: 'done', error: null });
    expect(nogps.reason).toBe('no GPS in EXIF');
  });

  it('lists per-frame and per-flight facts with the verdict', async () => {
    const body = (await (await server.fetch(`/api/flights/${flightId}/images`)).json()) as {
      images: { coverage: { reason: string | null } }[];
      coverage: { frames: number; processed: number };
      visibility: { level: string };
    };
    expect(body.images).toHaveLength(3);
    expect(body.coverage).toMatchObject({ frames: 3, processed: 3 });
    expect(body.visibility.level).toBe('unknown');
  });

  it('editing the altitude processes every frame again exactly once and replaces the old detections', async () => {
    const before = await server.store.images.listByFlight(flightId);
    // ids of deleted rows may be reused by SQLite: a detection is its id and its creation time
    const key = (d: { id: number; createdAt: string }) => `${d.id}@${d.createdAt}`;
    const detectionsOf = async (images: { id: number }[]) => (await Promise.all(images.map((i) => server.store.detections.listByImage(i.id)))).flat();
    const oldDetections = (await detectionsOf(before)).map(key);
    expect(oldDetections.length).toBe(3);
    // one site reviewed: it stays, with its detection as evidence
    const sites = (await (await server.fetch(`/api/sites?flight=${flightId}`)).json()) as { features: { properties: { id: number; version: number } }[] };
    const reviewed = sites.features[0].properties;
    expect((await server.fetch(`/api/sites/${reviewed.id}/review`, { method: 'POST', json: { decision: 'confirmed', baseVersion: reviewed.version } })).status).toBe(200);
    const runsBefore = new Map(before.map((i) => [i.sha256, fake.runs.get(i.sha256) ?? 0]));

    const res = await server.fetch(`/api/flights/${flightId}`, { method: 'PATCH', json: { altitudeAglM: 40, sensorWidthMm: 6.17 } });
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { flight: { altitudeAglM: number }; requeued: { images: number; reviewedSitesKept: number } };
    expect(answer.flight.altitudeAglM).toBe(40);
    expect(answer.requeued).toMatchObject({ images: 3, reviewedSitesKept: 1 });
    // asking again while the frames are queued would process them twice: refused
    const again = await server.fetch(`/api/flights/${flightId}`, { method: 'PATCH', json: { altitudeAglM: 50 } });
    expect([409, 202]).toContain(again.status);
    if (again.status === 409) expect(((await again.json()) as { error: string }).error).toBe('flight_busy');
    await flightDone();
    await new Promise((r) => setTimeout(r, 200));

    const twice = again.status === 202 ? 2 : 1;
    for (const [sha, n] of runsBefore) expect(fake.runs.get(sha)).toBe(n + twice);
    const after = await detectionsOf(await server.store.images.listByFlight(flightId));
    const kept = after.filter((d) => oldDetections.includes(key(d)));
    expect(kept.map((d) => d.siteId)).toEqual([reviewed.id]);
    expect(after.filter((d) => !oldDetections.includes(key(d)))).toHaveLength(3); // one new per frame (the last run's)
    expect((await server.store.sites.get(reviewed.id))?.status).toBe('confirmed');
    const audit = (await (await server.fetch(`/api/audit?action=flight_changed&flightId=${flightId}`)).json()) as { records: { before: { altitudeAglM: null }; after: { altitudeAglM: number } }[] };
    expect(audit.records.at(-1)).toMatchObject({ before: { altitudeAglM: null }, after: { altitudeAglM: 40 } });
  });

  it('refuses bad values and no-op changes with clear 4xx', async () => {
    expect((await server.fetch(`/api/flights/${flightId}`, { method: 'PATCH', json: { altitudeAglM: -3 } })).status).toBe(400);
    expect((await server.fetch(`/api/flights/${flightId}`, { method: 'PATCH', json: { colour: 'red' } })).status).toBe(400);
    const cur = (await server.store.flights.overrides(flightId))!;
    const same = await server.fetch(`/api/flights/${flightId}`, { method: 'PATCH', json: { altitudeAglM: cur.altitudeAglM } });
    expect(same.status).toBe(409);
    expect(((await same.json()) as { error: string }).error).toBe('nothing_changed');
    expect((await server.fetch('/api/flights/999999', { method: 'PATCH', json: { altitudeAglM: 30 } })).status).toBe(404);
  });
});
