import type { SiteFeature, SiteProps } from '../api/types.js';

export function site(id: number, score: number, over: Partial<SiteProps> = {}, lonLat: [number, number] = [100 + id / 1000, 20]): SiteFeature {
  return {
    type: 'Feature',
    id,
    geometry: { type: 'Point', coordinates: lonLat },
    properties: {
      id,
      score,
      status: 'pending',
      errorRadiusM: 2.5,
      frames: 2,
      modelVersion: 'poppy-1.0.0',
      flightId: 1,
      source: 'drone',
      topLabel: 'poppy_drone',
      firstSeenAt: '2026-04-01T10:00:00.000Z',
      version: 1,
      note: null,
      bestDetectionId: null,
      reviewedAt: null,
      reviewedBy: null,
      areaM2: null,
      estimatedHeads: null,
      outline: null,
      ...over,
    },
  };
}
