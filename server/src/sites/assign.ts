import { distanceM } from './geodesy.js';

/** Detections closer than this always belong to one site; farther ones only when their error radii overlap that much. */
export const MIN_SITE_RADIUS_M = 5;
/** Cap on the joining distance, so a few fallback detections with huge radii do not swallow a whole area. */
export const MAX_SITE_RADIUS_M = 25;

export interface LocatedDetection {
  id: string;
  frameId: string;
  lat: number;
  lon: number;
  errorRadiusM: number;
  score: number;
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
}

export interface SiteAssignment {
  detectionId: string;
  siteKey: string;
}

/** How far apart two located things may be and still be one site. */
export function joinDistanceM(a: { errorRadiusM: number }, b: { errorRadiusM: number }): number {
  return Math.min(MAX_SITE_RADIUS_M, Math.max(MIN_SITE_RADIUS_M, Math.min(a.errorRadiusM, b.errorRadiusM)));
}

/**
 * Puts each new detection into the nearest site within joining distance (existing or created in this call),
 * else starts a new site. Best detections go first so they seed sites. Pure: returns every touched or new site.
 * Site position is the running mean of its detections; frames counts distinct frames.
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
      if (dist <= joinDistanceM(s, d) && dist < bestDistance) {
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
      };
      sites.push(best);
    } else {
      const n = best.detectionCount;
      best.lat = (best.lat * n + d.lat) / (n + 1);
      best.lon = (best.lon * n + d.lon) / (n + 1);
      best.detectionCount = n + 1;
      best.errorRadiusM = Math.min(best.errorRadiusM, d.errorRadiusM);
      if (d.score > best.score) {
        best.score = d.score;
        best.bestDetectionId = d.id;
      }
      if (!best.frameIds.includes(d.frameId)) best.frameIds.push(d.frameId);
    }
    touched.add(best.key);
    assignments.push({ detectionId: d.id, siteKey: best.key });
  }
  return { sites: sites.filter((s) => touched.has(s.key)), assignments };
}
