// GET /api/sites/:id (server/src/domain/contract.ts SiteDetail) → the review panel's view. The answer is typed by
// the server's contract, so nothing is guessed here, and URLs are the ones the server sends.
import type { DetectionView, HistoryEntry, SiteDetail, SiteDetailAnswer, SiteDetection, SiteFeature, SiteProps } from './types.js';
import type { GeoJsonPolygon, ReviewEntry } from '../../../server/src/domain/contract.js';

/** The site's properties from a site feature (GET /api/sites) or a site detail (a review's 200, its 409 `current`). */
export function siteProps(answer: SiteFeature | SiteDetailAnswer | null | undefined): SiteProps | null {
  if (!answer) return null;
  return 'properties' in answer ? answer.properties : answer;
}

/** The outer ring of a GeoJSON Polygon as [lon, lat] pairs. */
const ring = (g: GeoJsonPolygon | null | undefined): [number, number][] | null =>
  g ? g.coordinates[0].map(([lon, lat]) => [lon, lat] as [number, number]) : null;

function detectionView(d: SiteDetection): DetectionView {
  return {
    id: d.id,
    imageId: d.imageId,
    score: d.score,
    box: d.box,
    imageWidth: d.image?.width ?? null,
    imageHeight: d.image?.height ?? null,
    top: d.top,
    modelVersion: d.modelVersion,
    capturedAt: d.seenAt ?? d.image?.takenAt ?? null,
    orientation: d.image?.orientation ?? null,
    imageName: d.image?.name ?? null,
    footprint: ring(d.image?.footprint),
    cropUrl: d.cropUrl,
    previewUrl: d.previewUrl,
  };
}

const historyEntry = (h: ReviewEntry): HistoryEntry => ({ at: h.at, user: h.username, decision: h.after, from: h.before, note: h.note });

export function normaliseSiteDetail(answer: SiteDetailAnswer): SiteDetail {
  const detections = answer.detections.map(detectionView).sort((a, b) => b.score - a.score);
  // a phone site's photo and the officer's note live with its snap; the site's own note is the reviewer's
  const snap = answer.snaps[0];
  return {
    site: answer,
    lat: answer.lat,
    lon: answer.lon,
    detections,
    history: answer.history.map(historyEntry),
    top: detections[0]?.top ?? [],
    photoUrl: answer.source === 'phone' ? (snap?.photoUrl ?? null) : null,
    snapNote: snap?.note ?? null,
    flightName: answer.flight?.name ?? null,
    outline: ring(answer.outline),
  };
}
