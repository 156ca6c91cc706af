import { z } from 'zod';
import type { GeoFilters } from '../store/filters.js';
import { HttpError } from './errors.js';
import { parse } from './validate.js';

const STATUSES = ['pending', 'confirmed', 'rejected'] as const;

const num = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, `${what} must be a number`)
    .transform(Number);

const isoTime = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, `${what} must be an ISO date or date-time`)
    .refine((s) => !Number.isNaN(Date.parse(s)), `${what} is not a real date`);

const single = z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), z.string().optional());

const FilterQuery = z
  .object({
    flight: z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), z.string().trim().regex(/^\d{1,15}$/, 'flight must be a flight id').transform(Number).optional()),
    status: z
      .preprocess(
        (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean)),
        z.array(z.enum([...STATUSES, 'all'])).optional(),
      ),
    minScore: single.pipe(num('minScore').pipe(z.number().min(0).max(1)).optional()),
    maxScore: single.pipe(num('maxScore').pipe(z.number().min(0).max(1)).optional()),
    bbox: single.pipe(
      z
        .string()
        .transform((s) => s.split(',').map((p) => p.trim()))
        .refine((p) => p.length === 4 && p.every((x) => /^-?\d+(\.\d+)?$/.test(x)), 'bbox must be four numbers: west,south,east,north')
        .transform((p) => p.map(Number) as [number, number, number, number])
        .refine(([w, s, e, n]) => Math.abs(w) <= 180 && Math.abs(e) <= 180 && Math.abs(s) <= 90 && Math.abs(n) <= 90, 'bbox is outside -180..180 / -90..90')
        .refine(([, s, , n]) => s <= n, 'bbox south must not be above north')
        .optional(),
    ),
    from: single.pipe(isoTime('from').optional()),
    to: single.pipe(isoTime('to').optional()),
    source: single.pipe(z.enum(['drone', 'phone']).optional()),
    limit: single.pipe(num('limit').pipe(z.number().int().min(1).max(100_000)).optional()),
  })
  .refine((q) => q.minScore === undefined || q.maxScore === undefined || q.minScore <= q.maxScore, 'minScore must not exceed maxScore');

/** A date-only `to` means the whole of that day. */
function endOfDay(to: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(to) ? `${to}T23:59:59.999Z` : new Date(to).toISOString();
}

export const GEO_FILTER_KEYS = ['flight', 'status', 'minScore', 'maxScore', 'bbox', 'from', 'to', 'source', 'limit'] as const;

/** A misspelt or unknown filter key (`status[]`, `flight_id`) would otherwise be ignored and widen the answer silently. */
function refuseUnknownKeys(query: unknown): void {
  if (!query || typeof query !== 'object') return;
  const unknown = Object.keys(query).filter((k) => !(GEO_FILTER_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((k) => `"${k.slice(0, 40)}"`).join(', ');
    throw new HttpError(400, 'unknown_filter', `Unknown filter ${unknown.length > 1 ? 'keys' : 'key'} ${names}; known filters: ${GEO_FILTER_KEYS.join(', ')}.`);
  }
}

/** Parses the shared map/list/export filters from a query string; unknown filter keys and bad values are a 400. */
export function parseGeoFilters(query: unknown, defaults: { status?: GeoFilters['status'] } = {}): GeoFilters {
  refuseUnknownKeys(query);
  const q = parse(FilterQuery, query ?? {}, 'filter');
  const status = q.status === undefined ? defaults.status : q.status.includes('all') ? undefined : (q.status as GeoFilters['status']);
  return {
    flight: q.flight,
    status,
    minScore: q.minScore,
    maxScore: q.maxScore,
    bbox: q.bbox,
    from: q.from ? new Date(q.from).toISOString() : undefined,
    to: q.to ? endOfDay(q.to) : undefined,
    source: q.source,
    limit: q.limit,
  };
}
