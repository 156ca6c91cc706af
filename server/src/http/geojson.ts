import type { Detection, Site } from '../store/types.js';
import type { SiteFeature, SiteProperties } from '../domain/contract.js';

export function siteProperties(s: Site): SiteProperties {
  return {
    id: s.id,
    score: s.score,
    status: s.status,
    errorRadiusM: s.errorRadiusM,
    frames: s.frames,
    modelVersion: s.modelVersion,
    flightId: s.flightId,
    source: s.source,
    topLabel: s.topLabel,
    firstSeenAt: s.firstSeenAt,
    version: s.version,
    note: s.note,
    bestDetectionId: s.bestDetectionId,
    reviewedAt: s.reviewedAt,
    reviewedBy: s.reviewedBy,
    areaM2: s.areaM2,
    estimatedHeads: s.estimatedHeads,
    outline: s.outline,
  };
}

export function siteFeature(s: Site): SiteFeature {
  return { type: 'Feature', id: s.id, geometry: { type: 'Point', coordinates: [s.lon, s.lat] }, properties: siteProperties(s) };
}

export function detectionFeature(d: Detection) {
  return {
    type: 'Feature' as const,
    id: d.id,
    geometry: { type: 'Point' as const, coordinates: [d.lon, d.lat] },
    properties: {
      id: d.id,
      score: d.score,
      status: d.status,
      errorRadiusM: d.errorRadiusM,
      frames: 1,
      modelVersion: d.modelVersion,
      flightId: d.flightId,
      imageId: d.imageId,
      siteId: d.siteId,
      box: d.box,
      top: d.top,
      topLabel: d.top[0]?.label ?? null,
      seenAt: d.seenAt,
      source: 'drone' as const,
      areaM2: d.areaM2,
      estimatedHeads: d.estimatedHeads,
      outline: d.outline,
    },
  };
}

export const featureCollection = (features: unknown[]) => ({ type: 'FeatureCollection' as const, features });
