import type { FieldTask } from '../store/field.js';
import type { Store } from '../store/index.js';
import type { Site } from '../store/types.js';
import { NEXT_STATES } from './rules.js';

/** The aerial model's estimates of a plot (migration 030); null when the model gave none. */
export function siteEstimates(site: Site): { areaM2: number | null; estimatedHeads: number | null; outline: Site['outline'] } {
  return { areaM2: site.areaM2 ?? null, estimatedHeads: site.estimatedHeads ?? null, outline: site.outline ?? null };
}

/** A site's field work with its history; photos as URLs the apps can show. */
export async function fieldDetail(store: Store, siteId: number) {
  const [task, history] = await Promise.all([store.field.get(siteId), store.field.events(siteId)]);
  const events = [];
  for (const { idempotencyKey: _key, photos, ...e } of history) {
    const shown = [];
    for (const p of photos) {
      const image = await store.images.get(p.imageId);
      shown.push({
        imageId: p.imageId,
        previewUrl: `/api/images/${p.imageId}/preview`,
        thumbUrl: `/api/images/${p.imageId}/thumb`,
        takenAt: image?.takenAt ?? null,
        location: image?.located && image.lat != null && image.lon != null ? { lat: image.lat, lon: image.lon } : null,
      });
    }
    events.push({ ...e, photos: shown });
  }
  return { siteId, task, next: NEXT_STATES[task?.state ?? 'none'], events };
}

/** One row of a task list: where to go and what to expect there. */
export async function taskSummary(store: Store, task: FieldTask, flightNames = new Map<number, string>()) {
  const site = await store.sites.get(task.siteId);
  if (!site) return null;
  let flight: { id: number; name: string } | null = null;
  if (site.flightId != null) {
    if (!flightNames.has(site.flightId)) flightNames.set(site.flightId, (await store.flights.get(site.flightId))?.name ?? '');
    flight = { id: site.flightId, name: flightNames.get(site.flightId)! };
  }
  return {
    ...task,
    lat: site.lat,
    lon: site.lon,
    errorRadiusM: site.errorRadiusM,
    score: site.score,
    topLabel: site.topLabel,
    source: site.source,
    flight,
    ...siteEstimates(site),
    cropUrl: `/api/sites/${site.id}/crop`,
  };
}
