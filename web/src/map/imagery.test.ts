import { describe, expect, it } from 'vitest';
import type { FeatureCollection } from '../api/types.js';
import { nadirZIndex } from './frameOverlays.js';
import { firstTakenByFlight, framesByFlight, imageryFrom } from './imagery.js';

const ring: [number, number][] = [[102.6, 25.001], [102.601, 25.001], [102.601, 25], [102.6, 25], [102.6, 25.001]];
const fc: FeatureCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { kind: 'footprint', imageId: 1, flightId: 7, overlayUrl: '/api/images/1/overlay', width: 4000, height: 3000, offNadirDeg: 12, takenAt: '2026-05-02T10:00:00Z' } },
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { kind: 'footprint', imageId: 2, flightId: 7, overlayUrl: '/api/images/2/overlay', width: 4000, height: 3000, offNadirDeg: 0.5, takenAt: '2026-05-01T09:00:00Z' } },
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { kind: 'footprint', imageId: 3, flightId: 8, overlayUrl: '/api/images/3/overlay', width: 3000, height: 4000, offNadirDeg: null } },
    { type: 'Feature', geometry: { type: 'LineString', coordinates: ring }, properties: { kind: 'track', flightId: 7 } },
  ],
};

describe('frame imagery on the map', () => {
  it('draws the frames of the flights switched on, by their four corners and stored aspect', () => {
    const specs = imageryFrom(fc, new Set(['7']));
    expect(specs.map((s) => s.imageId)).toEqual(['1', '2']);
    expect(specs[0]).toMatchObject({ url: '/api/images/1/overlay', aspect: 4000 / 3000, corners: ring.slice(0, 4) });
    expect(imageryFrom(fc, new Set())).toEqual([]);
    expect(imageryFrom(fc, new Set(['8']))[0].aspect).toBe(0.75);
  });
  it('puts the most nadir frame on top; an unknown tilt lowest', () => {
    expect(nadirZIndex(0.5)).toBeGreaterThan(nadirZIndex(12));
    expect(nadirZIndex(12)).toBeGreaterThan(nadirZIndex(null));
  });
  it('lists each flight with its first frame time and frame count', () => {
    expect(firstTakenByFlight(fc).get('7')).toBe('2026-05-01T09:00:00Z');
    expect(framesByFlight(fc)).toEqual(new Map([['7', 2], ['8', 1]]));
  });
});
