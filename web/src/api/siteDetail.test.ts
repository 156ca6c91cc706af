import { describe, expect, it } from 'vitest';
import { normaliseSiteDetail, siteProps } from './siteDetail.js';

// The shape server/src/http/routes/sites.ts answers for GET /api/sites/:id (and in a 409's `current`).
const answer = {
  id: 12, score: 0.93, status: 'pending', errorRadiusM: 2.1, frames: 2, modelVersion: 'poppywatch-mnv2-1.0.0', flightId: 3,
  source: 'drone', topLabel: 'poppy_field', firstSeenAt: '2026-05-01T10:00:00.000Z', version: 4, note: null,
  lat: 25.1, lon: 102.5, flight: { id: 3, name: 'Valley north' },
  snaps: [],
  detections: [
    { id: 7, imageId: 70, score: 0.81, box: { x: 10, y: 20, w: 30, h: 40 }, top: [{ label: 'poppy_field', score: 0.81 }], modelVersion: 'm', seenAt: null,
      image: { id: 70, name: 'DJI_0001.JPG', takenAt: '2026-05-01T10:00:01.000Z', width: 4000, height: 3000, orientation: 1 } },
    { id: 8, imageId: 71, score: 0.93, box: { x: 1, y: 2, w: 3, h: 4 }, top: [{ label: 'poppy_field', score: 0.93 }, { label: 'wheat', score: 0.05 }], modelVersion: 'm', seenAt: null,
      image: { id: 71, name: 'DJI_0002.JPG', takenAt: '2026-05-01T10:00:03.000Z', width: 4000, height: 3000, orientation: 6 } },
  ],
  history: [{ id: 1, siteId: 12, username: 'rita', at: '2026-05-02T08:00:00.000Z', before: 'pending', after: 'confirmed', note: 'seen', version: 2 }],
};

describe('site detail from the API', () => {
  it('gives the review panel one shape: best detection first, frame sizes, labels, history, flight name', () => {
    const d = normaliseSiteDetail(answer);
    expect(d.site).toMatchObject({ id: 12, version: 4, status: 'pending' });
    expect([d.lat, d.lon]).toEqual([25.1, 102.5]);
    expect(d.detections.map((x) => x.id)).toEqual([8, 7]);
    expect(d.detections[0]).toMatchObject({ imageId: 71, imageWidth: 4000, imageHeight: 3000, orientation: 6, imageName: 'DJI_0002.JPG', capturedAt: '2026-05-01T10:00:03.000Z', box: { x: 1, y: 2, w: 3, h: 4 } });
    expect(d.top).toEqual([{ label: 'poppy_field', score: 0.93 }, { label: 'wheat', score: 0.05 }]);
    expect(d.history).toEqual([{ at: '2026-05-02T08:00:00.000Z', user: 'rita', decision: 'confirmed', from: 'pending', note: 'seen' }]);
    expect(d.flightName).toBe('Valley north');
    expect(d.photoUrl).toBeNull();
  });

  it('shows a phone site with its photo and the officer\'s note', () => {
    const d = normaliseSiteDetail({
      ...answer, source: 'phone', flightId: null, flight: null,
      snaps: [{ id: 5, imageId: 90, note: 'behind the school', photoUrl: '/api/images/90/preview' }],
    });
    expect(d.photoUrl).toBe('/api/images/90/preview');
    expect(d.snapNote).toBe('behind the school');
  });

  it('reads site props from a GeoJSON feature as well as from a flat object', () => {
    expect(siteProps({ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: { id: 3, version: 9 } })).toMatchObject({ id: 3, version: 9 });
    expect(siteProps(answer)).toMatchObject({ id: 12, version: 4 });
  });
});
