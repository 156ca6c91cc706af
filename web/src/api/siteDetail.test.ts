import { describe, expect, it } from 'vitest';
import { normaliseSiteDetail, siteProps } from './siteDetail.js';
import type { SiteDetailAnswer, SiteFeature } from './types.js';

// The shape server/src/http/routes/sites.ts answers for GET /api/sites/:id (and in a 409's `current`), typed by the
// server's contract (server/src/domain/contract.ts): a field the server renames breaks this file at compile time.
const props = {
  id: 12, score: 0.93, status: 'pending', errorRadiusM: 2.1, frames: 2, modelVersion: 'poppywatch-mnv2-1.0.0', flightId: 3,
  source: 'drone', topLabel: 'poppy_field', firstSeenAt: '2026-05-01T10:00:00.000Z', version: 4, note: null,
  bestDetectionId: 8, reviewedAt: null, reviewedBy: null, areaM2: null, estimatedHeads: null, outline: null,
} as const;
const detectionBase = { flightId: 3, siteId: 12, lat: 25.1, lon: 102.5, errorRadiusM: 2, status: 'pending', seenAt: null, createdAt: '2026-05-01T10:05:00.000Z', areaM2: null, estimatedHeads: null, outline: null } as const;
const answer: SiteDetailAnswer = {
  ...props,
  lat: 25.1, lon: 102.5, flight: { id: 3, name: 'Valley north' },
  snaps: [],
  detections: [
    { ...detectionBase, id: 7, imageId: 70, score: 0.81, box: { x: 10, y: 20, w: 30, h: 40 }, top: [{ label: 'poppy_field', score: 0.81 }], modelVersion: 'm',
      image: { id: 70, name: 'DJI_0001.JPG', takenAt: '2026-05-01T10:00:01.000Z', width: 4000, height: 3000, orientation: 1, footprint: null },
      cropUrl: '/api/detections/7/crop?v=1777629900000', previewUrl: '/api/images/70/preview' },
    { ...detectionBase, id: 8, imageId: 71, score: 0.93, box: { x: 1, y: 2, w: 3, h: 4 }, top: [{ label: 'poppy_field', score: 0.93 }, { label: 'wheat', score: 0.05 }], modelVersion: 'm',
      image: { id: 71, name: 'DJI_0002.JPG', takenAt: '2026-05-01T10:00:03.000Z', width: 4000, height: 3000, orientation: 6, footprint: { type: 'Polygon', coordinates: [[[102.5, 25.1], [102.6, 25.1], [102.6, 25.2], [102.5, 25.2], [102.5, 25.1]]] } },
      cropUrl: '/api/detections/8/crop?v=1777629900000', previewUrl: '/api/images/71/preview' },
  ],
  history: [{ id: 1, siteId: 12, userId: '4', username: 'rita', at: '2026-05-02T08:00:00.000Z', before: 'pending', after: 'confirmed', note: 'seen', version: 2 }],
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

  it('uses the addresses the server sends (versioned crops, previews) and the frame footprint as a ring', () => {
    const d = normaliseSiteDetail(answer);
    expect(d.detections.map((x) => [x.cropUrl, x.previewUrl])).toEqual([
      ['/api/detections/8/crop?v=1777629900000', '/api/images/71/preview'],
      ['/api/detections/7/crop?v=1777629900000', '/api/images/70/preview'],
    ]);
    expect(d.detections[0].footprint).toEqual([[102.5, 25.1], [102.6, 25.1], [102.6, 25.2], [102.5, 25.2], [102.5, 25.1]]);
    expect(d.detections[1].footprint).toBeNull();
  });

  it('shows a phone site with its photo and the officer\'s note', () => {
    const d = normaliseSiteDetail({
      ...answer, source: 'phone', flightId: null, flight: null,
      snaps: [{ id: 5, imageId: 90, verdict: 'poppy', poppyScore: 0.9, note: 'behind the school', username: 'olga', location: { lat: 25.1, lon: 102.5, source: 'exif', accuracyM: 5 }, takenAt: null, createdAt: '2026-05-01T10:00:00.000Z', photoUrl: '/api/images/90/preview' }],
    });
    expect(d.photoUrl).toBe('/api/images/90/preview');
    expect(d.snapNote).toBe('behind the school');
  });

  it('reads site props from a GeoJSON feature as well as from a flat object', () => {
    const feature: SiteFeature = { type: 'Feature', id: 3, geometry: { type: 'Point', coordinates: [1, 2] }, properties: { ...props, id: 3, version: 9 } };
    expect(siteProps(feature)).toMatchObject({ id: 3, version: 9 });
    expect(siteProps(answer)).toMatchObject({ id: 12, version: 4 });
  });
});
