import type { Store } from '../store/index.js';
import type { Detection, GeoJsonPolygon, Site } from '../store/types.js';
import { assignToSites, MAX_SITE_RADIUS_M, type Ring } from './assign.js';

const ring = (p: GeoJsonPolygon | null): Ring | null => (p ? (p.coordinates[0] as Ring) : null);
const polygon = (r: Ring | null): GeoJsonPolygon | null => (r ? { type: 'Polygon', coordinates: [r] } : null);

/**
 * Groups a frame's located detections with the flight's nearby sites (assign.ts decides), updating or creating
 * sites and linking each detection to its site. Runs inside the caller's transaction (commitFrame).
 */
export async function placeDetections(store: Store, flightId: number, detections: Detection[], seenAt: string): Promise<void> {
  const located = detections.filter((d) => d.lat != null && d.lon != null && d.errorRadiusM != null);
  if (located.length === 0) return;
  // Two workers committing frames of one flight at once would each miss the other's new sites (and overwrite each
  // other's aggregates) on PostgreSQL; the flight's row lock makes them take turns until commit. NO KEY UPDATE, as
  // the detections just inserted already hold the flight's KEY SHARE lock (foreign key), and FOR UPDATE would deadlock.
  if (store.dialect === 'postgres') await store.sql.get('SELECT id FROM flights WHERE id = ? FOR NO KEY UPDATE', [flightId]);
  const candidates = new Map<number, Site>();
  for (const d of located) {
    for (const s of await store.sites.nearby(flightId, d.lat!, d.lon!, MAX_SITE_RADIUS_M * 2)) candidates.set(s.id, s);
  }
  const frames = await store.detections.imageIdsBySites([...candidates.keys()]);
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
    const best = byId.get(s.bestDetectionId) ?? (s.bestDetectionId ? await store.detections.get(Number(s.bestDetectionId)) : null);
    const modelVersion = best?.modelVersion ?? null;
    const topLabel = best?.top[0]?.label ?? null;
    const plot = { areaM2: s.areaM2, estimatedHeads: s.estimatedHeads, outline: polygon(s.outline), detectionCount: s.detectionCount };
    if (s.isNew) {
      const created = await store.sites.create({
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
      await store.sites.updateAggregate(id, {
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
  for (const a of assignments) await store.detections.attachToSite(Number(a.detectionId), siteIdByKey.get(a.siteKey)!);
}
