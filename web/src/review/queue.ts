// Pure review-queue logic: filters → API query, ordering, counts. No React here, so it is easy to test.
import type { SiteFeature, SiteStatus } from '../api/types.js';

export type StatusFilter = SiteStatus | 'all';

export interface QueueFilters {
  flight: string; // '' = every flight
  status: StatusFilter;
  minScore: number; // 0..1
  maxScore: number; // 0..1
  from: string; // yyyy-mm-dd or ''
  to: string; // yyyy-mm-dd or ''
}

export const defaultFilters: QueueFilters = { flight: '', status: 'pending', minScore: 0, maxScore: 1, from: '', to: '' };

/**
 * Query string for /api/sites and the exports. The status filter is applied locally so the counts per status stay
 * visible, hence `withStatus` is false for the queue fetch; exports pass no status (confirmed sites only).
 */
export function siteQuery(f: QueueFilters, opts: { withStatus?: boolean } = {}): string {
  const q = new URLSearchParams();
  if (f.flight) q.set('flight', f.flight);
  if (opts.withStatus && f.status !== 'all') q.set('status', f.status);
  if (f.minScore > 0) q.set('minScore', String(f.minScore));
  if (f.maxScore < 1) q.set('maxScore', String(f.maxScore));
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set('to', new Date(`${f.to}T23:59:59.999`).toISOString());
  return q.toString();
}

/** Highest score first; equal scores by first sighting, then id, so the order is stable between reloads. */
export function compareSites(a: SiteFeature, b: SiteFeature): number {
  const pa = a.properties;
  const pb = b.properties;
  if (pb.score !== pa.score) return pb.score - pa.score;
  const ta = pa.firstSeenAt ?? '';
  const tb = pb.firstSeenAt ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (typeof pa.id === 'number' && typeof pb.id === 'number') return pa.id - pb.id;
  const ia = String(pa.id);
  const ib = String(pb.id);
  return ia.length !== ib.length ? ia.length - ib.length : ia < ib ? -1 : ia > ib ? 1 : 0;
}

export function orderQueue(sites: SiteFeature[], status: StatusFilter): SiteFeature[] {
  const kept = status === 'all' ? sites.slice() : sites.filter((s) => s.properties.status === status);
  return kept.sort(compareSites);
}

/** Where the page opens: the highest-scoring pending site, else the top of the queue. */
export function openingIndex(queue: SiteFeature[]): number {
  const i = queue.findIndex((s) => s.properties.status === 'pending');
  return i >= 0 ? i : 0;
}

export function countByStatus(sites: SiteFeature[]): Record<StatusFilter, number> {
  const counts = { all: sites.length, pending: 0, confirmed: 0, rejected: 0 };
  for (const s of sites) counts[s.properties.status]++;
  return counts;
}
