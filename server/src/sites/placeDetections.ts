import type { Store } from '../store/index.js';
import type { Detection, GeoJsonPolygon } from '../store/types.js';
import { assignToSites, MAX_SITE_RADIUS_M, type Ring } from './assign.js';

const ring = (p: GeoJsonPolygon | null): Ring | null => (p ? (p.coordinates[0] as Ring) : null);
const polygon = (r: Ring | null): GeoJsonPolygon | null => (r ? { type: 'Polygon', coordinates: [r] } : null);

/**
 * Groups a frame's located detections with the flight's nearby sites (assign.ts decides), updating or creating
 * sites and linking each detection to its site. Runs inside the caller's transaction.
 */
export function placeDetections(store: Store, flightId: number, detections: Detection[], seenAt: string): void {
  const located = detections.filter((d) => d.lat != null && d.lon != null && d.errorRadiusM != null);
  if (located.length === 0) return;
  const candidates = new Map<number, ReturnType<Store['sites']['nearby']>[number]>();
  for (const d of located) {
    for (const s of store.sites.nearby(flightId, d.lat!, d.lon!, MAX_SITE_RADIUS_M * 2)) candidates.set(s.id, s);
  }
  const frames = store.detections.imageIdsBySites([...candidates.keys()]);
  const existing = [...candidates.values()].map((s) => ({
    key: String(s.id),
    lat: s.lat,
    lon: s.lon,
    errorRadiusM: s.errorRadiusM,
    score: s.score,
    bestDetectionId: String(s.bestDetectionId ?? ''),
    frameIds: (frames.get(s.id) ?? []).map(String),
    detectionCount: Math.max(1, s.detectionCount),
    areaM2: s.areaM2,
    estimatedHeads: s.estimatedHeads,
    outline: ring(s.outline),
  }));
  const byId = new Map(located.map((d) => [String(d.id), d]));
  const { sites, assignments } = assignToSites(
    existing,
    located.map((d) => ({
      id: String(d.id),
      frameId: String(d.imageId),
      lat: d.lat!,
      lon: d.lon!,
      errorRadiusM: d.errorRadiusM!,
      score: d.score,
      areaM2: d.areaM2,
      estimatedHeads: d.estimatedHeads,
      outline: ring(d.outline),
    })),
  );
  const siteIdByKey = new Map<string, number>();
  for (const s of sites) {
    const best = byId.get(s.bestDetectionId) ?? (s.bestDetectionId ? store.detections.get(Number(s.bestDetectionId)) : null);
    const modelVersion = best?.modelVersion ?? null;
    const topLabel = best?.top[0]?.label ?? null;
    const plot = { areaM2: s.areaM2, estimatedHeads: s.estimatedHeads, outline: polygon(s.outline), detectionCount: s.detectionCount };
    if (s.isNew) {
      const created = store.sites.create({
        flightId,
        source: 'drone',
        lat: s.lat,
        lon: s.lon,
        errorRadiusM: s.errorRadiusM,
        score: s.score,
        frames: s.frameIds.length,
        bestDetectionId: best?.id ?? null,
        modelVersion,
        topLabel,
        firstSeenAt: seenAt,
        ...plot,
      });
      siteIdByKey.set(s.key, created.id);
    } else {
      const id = Number(s.key);
      const current = candidates.get(id)!;
      store.sites.updateAggregate(id, {
        lat: s.lat,
        lon: s.lon,
        errorRadiusM: s.errorRadiusM,
        score: s.score,
        frames: s.frameIds.length,
        bestDetectionId: best?.id ?? current.bestDetectionId ?? 0,
        modelVersion: modelVersion ?? current.modelVersion ?? '',
        topLabel: topLabel ?? current.topLabel,
        firstSeenAt: current.firstSeenAt < seenAt ? current.firstSeenAt : seenAt,
        ...plot,
      });
      siteIdByKey.set(s.key, id);
    }
  }
  for (const a of assignments) store.detections.attachToSite(Number(a.detectionId), siteIdByKey.get(a.siteKey)!);
}
