import { distanceM, latLonToOffset } from '../pipeline/geodesy.js';
import { WeightedCentre } from '../util/weightedCentre.js';

/** Detections closer than this always belong to one site; farther ones only when their error radii overlap that much. */
export const MIN_SITE_RADIUS_M = 5;
/** Cap on the joining distance, so a few fallback detections with huge radii do not swallow a whole area. */
export const MAX_SITE_RADIUS_M = 25;

/** A closed ring of [lon, lat]. */
export type Ring = Array<[number, number]>;

export interface LocatedDetection {
  id: string;
  frameId: string;
  lat: number;
  lon: number;
  errorRadiusM: number;
  score: number;
  areaM2?: number | null;
  estimatedHeads?: number | null;
  outline?: Ring | null;
}

export interface SiteState {
  /** existing site id, or "new-<n>" for a site this call creates */
  key: string;
  isNew: boolean;
  lat: number;
  lon: number;
  /** smallest error radius among its detections */
  errorRadiusM: number;
  /** max score of its detections */
  score: number;
  bestDetectionId: string;
  frameIds: string[];
  detectionCount: number;
  /** the largest plot one detection saw: overlapping frames of a plot are not added up */
  areaM2: number | null;
  estimatedHeads: number | null;
  outline: Ring | null;
}

export interface SiteAssignment {
  detectionId: string;
  siteKey: string;
}

/** How far apart two located things may be and still be one site. */
export function joinDistanceM(a: { errorRadiusM: number }, b: { errorRadiusM: number }): number {
  return Math.min(MAX_SITE_RADIUS_M, Math.max(MIN_SITE_RADIUS_M, Math.min(a.errorRadiusM, b.errorRadiusM)));
}

/** True when the point lies inside the ring (ray casting in a local metric plane). */
export function insideRing(ring: Ring, p: { lat: number; lon: number }): boolean {
  const origin = { lat: ring[0][1], lon: ring[0][0] };
  const q = latLonToOffset(origin, p);
  const pts = ring.map(([lon, lat]) => latLonToOffset(origin, { lat, lon }));
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const a = pts[i];
    const b = pts[j];
    if (a.northM > q.northM !== b.northM > q.northM && q.eastM < ((b.eastM - a.eastM) * (q.northM - a.northM)) / (b.northM - a.northM) + a.eastM) inside = !inside;
  }
  return inside;
}

/** Two sightings are one site when close enough, or when either centre lies inside the other's plot outline. */
function sameSite(s: SiteState, d: LocatedDetection, dist: number): boolean {
  if (dist <= joinDistanceM(s, d)) return true;
  if (dist > MAX_SITE_RADIUS_M * 2) return false;
  return (s.outline !== null && insideRing(s.outline, d)) || (d.outline != null && insideRing(d.outline, s));
}

/**
 * Puts each new detection into the nearest site it belongs to (existing or created in this call), else starts a
 * new site. Best detections go first so they seed sites. Pure: returns every touched or new site. Site position is
 * the running mean of its detections; frames counts distinct frames; area, heads and outline come from the
 * largest plot seen, since overlapping frames see the same flowers.
 */
export function assignToSites(
  existingSites: Array<Omit<SiteState, 'isNew'>>,
  newDetections: LocatedDetection[],
): { sites: SiteState[]; assignments: SiteAssignment[] } {
  const sites: SiteState[] = existingSites.map((s) => ({ ...s, frameIds: [...s.frameIds], isNew: false }));
  const touched = new Set<string>();
  const assignments: SiteAssignment[] = [];
  let created = 0;
  const ordered = [...newDetections].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  for (const d of ordered) {
    let best: SiteState | null = null;
    let bestDistance = Infinity;
    for (const s of sites) {
      const dist = distanceM(s, d);
      if (dist < bestDistance && sameSite(s, d, dist)) {
        best = s;
        bestDistance = dist;
      }
    }
    if (!best) {
      best = {
        key: `new-${created++}`,
        isNew: true,
        lat: d.lat,
        lon: d.lon,
        errorRadiusM: d.errorRadiusM,
        score: d.score,
        bestDetectionId: d.id,
        frameIds: [d.frameId],
        detectionCount: 1,
        areaM2: d.areaM2 ?? null,
        estimatedHeads: d.estimatedHeads ?? null,
        outline: d.outline ?? null,
      };
      sites.push(best);
    } else {
      const n = best.detectionCount;
      const mean = new WeightedCentre().add(best.lat, best.lon, n).add(d.lat, d.lon, 1).centre()!;
      best.lat = mean.x;
      best.lon = mean.y;
      best.detectionCount = n + 1;
      best.errorRadiusM = Math.min(best.errorRadiusM, d.errorRadiusM);
      if (d.score > best.score) {
        best.score = d.score;
        best.bestDetectionId = d.id;
      }
      if (d.areaM2 != null && d.areaM2 > (best.areaM2 ?? -1)) {
        best.areaM2 = d.areaM2;
        best.outline = d.outline ?? best.outline;
      }
      if (d.estimatedHeads != null) best.estimatedHeads = Math.max(best.estimatedHeads ?? 0, d.estimatedHeads);
      if (!best.frameIds.includes(d.frameId)) best.frameIds.push(d.frameId);
    }
    touched.add(best.key);
    assignments.push({ detectionId: d.id, siteKey: best.key });
  }
  return { sites: sites.filter((s) => touched.has(s.key)), assignments };
}
