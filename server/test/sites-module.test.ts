// The sites module (issue 15): flight frames (placeDetections) and phone snaps (placeSnapDetection) get their sites
// from server/src/sites/; the store's coarse "nearby" box uses the pipeline's geodesy, not its own degree maths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxAround, distanceM, offsetToLatLon } from '../src/pipeline/geodesy.js';
import { placeDetections } from '../src/sites/placeDetections.js';
import { placeSnapDetection } from '../src/sites/placeSnap.js';
import { openTestStore, type TestStore } from './helpers/testStore.js';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store?.dispose());

const at = { lat: 25.0433, lon: 102.7106 };
const image = async (flightId: number | null, n: number) =>
  (await store.images.insertOrGet({ flightId, name: `i${n}.jpg`, sha256: String(n).padStart(64, 'a'), sizeBytes: 1, mime: 'image/jpeg' })).image;
const detection = (imageId: number, flightId: number | null, p: { lat: number; lon: number }, score: number) =>
  store.detections.insert({ imageId, flightId, box: { x: 0, y: 0, w: 10, h: 10 }, score, lat: p.lat, lon: p.lon, errorRadiusM: 4, top: [{ label: 'papaver_somniferum', score }], modelVersion: 'test-1', seenAt: '2026-05-01T10:00:00Z' });

describe('sites module', () => {
  it('boxAround holds every point within the radius, at the radius on each side', () => {
    const box = boxAround(at, 50);
    for (const [e, n] of [[50, 0], [-50, 0], [0, 50], [0, -50], [35, 35]]) {
      const p = offsetToLatLon(at, e, n);
      expect(p.lat).toBeGreaterThanOrEqual(box.south);
      expect(p.lat).toBeLessThanOrEqual(box.north);
      expect(p.lon).toBeGreaterThanOrEqual(box.west);
      expect(p.lon).toBeLessThanOrEqual(box.east);
    }
    expect(distanceM({ lat: box.north, lon: at.lon }, at)).toBeCloseTo(50, 3);
  });

  it('a snap is a phone site of its own, linked to its detection; a drone detection on the same spot is not merged into it', async () => {
    const snapImage = await image(null, 1);
    const snapDet = await detection(snapImage.id, null, at, 0.9);
    const site = await store.tx(() => placeSnapDetection(store, snapDet, '2026-05-01T10:00:00Z'));
    expect(site).toMatchObject({ source: 'phone', flightId: null, lat: at.lat, lon: at.lon, score: 0.9, bestDetectionId: snapDet.id, topLabel: 'papaver_somniferum', frames: 1 });
    expect((await store.detections.get(snapDet.id))?.siteId).toBe(site.id);

    const flight = await store.flights.create({ name: 'sites module' });
    const frame = await image(flight.id, 2);
    const droneDet = await detection(frame.id, flight.id, offsetToLatLon(at, 1, 1), 0.7);
    await store.tx(() => placeDetections(store, flight.id, [droneDet], '2026-05-01T10:00:00Z'));
    const droneSiteId = (await store.detections.get(droneDet.id))?.siteId;
    expect(droneSiteId).toBeTruthy();
    expect(droneSiteId).not.toBe(site.id);
    expect(await store.sites.get(droneSiteId!)).toMatchObject({ source: 'drone', flightId: flight.id });
  });
});
