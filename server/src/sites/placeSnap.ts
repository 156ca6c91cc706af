import type { Store } from '../store/index.js';
import type { Detection, Site } from '../store/types.js';

/**
 * A phone snap becomes a site of its own (source 'phone', no flight): the snap's one detection (the whole photo)
 * seeds it and is linked to it. Officers judge each plant they photograph, so snaps are never merged with each
 * other or with drone sites. Runs inside the caller's transaction.
 */
export async function placeSnapDetection(store: Store, detection: Detection, seenAt: string): Promise<Site> {
  if (detection.lat == null || detection.lon == null || detection.errorRadiusM == null) {
    throw new Error(`placeSnapDetection: detection ${detection.id} has no position`);
  }
  const site = await store.sites.create({
    flightId: null,
    source: 'phone',
    lat: detection.lat,
    lon: detection.lon,
    errorRadiusM: detection.errorRadiusM,
    score: detection.score,
    frames: 1,
    bestDetectionId: detection.id,
    modelVersion: detection.modelVersion,
    topLabel: detection.top[0]?.label ?? null,
    // the site's note is the reviewer's; the officer's note stays with the snap (snaps.note)
    note: null,
    firstSeenAt: seenAt,
  });
  await store.detections.attachToSite(detection.id, site.id);
  return site;
}
