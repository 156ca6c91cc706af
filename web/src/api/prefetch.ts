// The site list is the biggest answer the review app needs. It is requested as the page starts, in parallel with the
// session check, and the first queue load takes it over (when the user turns out to be signed out it is dropped).
import type { FeatureCollection, SiteFeature } from './types.js';

let pending: Promise<SiteFeature[] | null> | null = null;

export function prefetchSites(): void {
  pending = fetch('/api/sites', { credentials: 'same-origin' })
    .then((res) => (res.ok ? (res.json() as Promise<FeatureCollection<SiteFeature>>) : null))
    .then((fc) => fc?.features ?? null)
    .catch(() => null);
}

/** The prefetched list for the unfiltered query, once; null when there is none (then fetch as usual). */
export function takePrefetchedSites(query: string): Promise<SiteFeature[] | null> | null {
  if (query !== '' || !pending) return null;
  const p = pending;
  pending = null;
  return p;
}
