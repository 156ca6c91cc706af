import type { SiteStatus, SiteSource } from './types.js';

/** Filters shared by /api/sites, /api/detections and the exports; validated by the HTTP layer. */
export interface GeoFilters {
  flight?: number;
  status?: SiteStatus[];
  minScore?: number;
  maxScore?: number;
  /** west, south, east, north in degrees */
  bbox?: [number, number, number, number];
  from?: string;
  to?: string;
  source?: SiteSource;
  limit?: number;
}

/** Builds a WHERE clause over bound parameters only; `cols` names the columns in the query at hand. */
export function whereClause(
  f: GeoFilters,
  cols: { flight: string; status: string; score: string; lat: string; lon: string; time: string; source: string },
): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.flight !== undefined) {
    parts.push(`${cols.flight} = @flight`);
    params.flight = f.flight;
  }
  if (f.status && f.status.length) {
    const names = f.status.map((s, i) => {
      params[`status${i}`] = s;
      return `@status${i}`;
    });
    parts.push(`${cols.status} IN (${names.join(', ')})`);
  }
  if (f.minScore !== undefined) {
    parts.push(`${cols.score} >= @minScore`);
    params.minScore = f.minScore;
  }
  if (f.maxScore !== undefined) {
    parts.push(`${cols.score} <= @maxScore`);
    params.maxScore = f.maxScore;
  }
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    parts.push(`${cols.lat} BETWEEN @south AND @north`);
    Object.assign(params, { south: s, north: n });
    if (w <= e) {
      parts.push(`${cols.lon} BETWEEN @west AND @east`);
    } else {
      // a box across the antimeridian
      parts.push(`(${cols.lon} >= @west OR ${cols.lon} <= @east)`);
    }
    Object.assign(params, { west: w, east: e });
  }
  if (f.from) {
    parts.push(`${cols.time} >= @from`);
    params.from = f.from;
  }
  if (f.to) {
    parts.push(`${cols.time} <= @to`);
    params.to = f.to;
  }
  if (f.source) {
    parts.push(`${cols.source} = @source`);
    params.source = f.source;
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}
