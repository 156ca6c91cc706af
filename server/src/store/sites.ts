import { nowIso } from './db.js';
import { whereClause, type GeoFilters } from './filters.js';
import type { StoreContext } from './context.js';
import type { ReviewsRepo } from './reviews.js';
import { boxAround } from '../pipeline/geodesy.js';
import type { Actor, GeoJsonPolygon, Review, Site, SiteSource, SiteStatus } from './types.js';
import { DEFAULT_LIMIT } from './detections.js';

interface SiteRow {
  id: number;
  flight_id: number | null;
  source: SiteSource;
  lat: number;
  lon: number;
  error_radius_m: number;
  score: number;
  frames: number;
  best_detection_id: number | null;
  model_version: string | null;
  top_label: string | null;
  status: SiteStatus;
  version: number;
  note: string | null;
  first_seen_at: string;
  created_at: string;
  reviewed_at: string | null;
  reviewed_by: string | null;
  area_m2: number | null;
  estimated_heads: number | null;
  outline: string | null;
  detection_count: number;
}

const toSite = (r: SiteRow): Site => ({
  id: r.id,
  flightId: r.flight_id,
  source: r.source,
  lat: r.lat,
  lon: r.lon,
  errorRadiusM: r.error_radius_m,
  score: r.score,
  frames: r.frames,
  bestDetectionId: r.best_detection_id,
  modelVersion: r.model_version,
  topLabel: r.top_label,
  status: r.status,
  version: r.version,
  note: r.note,
  firstSeenAt: r.first_seen_at,
  createdAt: r.created_at,
  reviewedAt: r.reviewed_at,
  reviewedBy: r.reviewed_by,
  areaM2: r.area_m2 ?? null,
  estimatedHeads: r.estimated_heads ?? null,
  outline: r.outline ? (JSON.parse(r.outline) as GeoJsonPolygon) : null,
  detectionCount: r.detection_count ?? 0,
});

/** Which column each site filter reads (lists and counts filter alike). */
const SITE_FILTER_COLUMNS = {
  flight: 'flight_id',
  status: 'status',
  score: 'score',
  lat: 'lat',
  lon: 'lon',
  time: 'first_seen_at',
  source: 'source',
} as const;

export interface NewSite {
  flightId: number | null;
  source: SiteSource;
  lat: number;
  lon: number;
  errorRadiusM: number;
  score: number;
  frames?: number;
  bestDetectionId?: number | null;
  modelVersion: string | null;
  topLabel: string | null;
  note?: string | null;
  firstSeenAt?: string | null;
  areaM2?: number | null;
  estimatedHeads?: number | null;
  outline?: GeoJsonPolygon | null;
  detectionCount?: number;
}

/** What a site's position and score become when detections join it. */
export interface SiteAggregate {
  lat: number;
  lon: number;
  errorRadiusM: number;
  score: number;
  frames: number;
  bestDetectionId: number;
  modelVersion: string;
  topLabel: string | null;
  firstSeenAt: string;
  areaM2: number | null;
  estimatedHeads: number | null;
  outline: GeoJsonPolygon | null;
  detectionCount: number;
}

export type ReviewOutcome =
  | { kind: 'ok'; site: Site; review: Review }
  | { kind: 'conflict'; current: Site }
  | { kind: 'not_found' };

const INSERT = `INSERT INTO sites (flight_id, source, lat, lon, error_radius_m, score, frames, best_detection_id,
    model_version, top_label, note, first_seen_at, created_at, area_m2, estimated_heads, outline, detection_count)
  VALUES (@flightId, @source, @lat, @lon, @errorRadiusM, @score, @frames, @bestDetectionId, @modelVersion, @topLabel, @note,
    @firstSeenAt, @createdAt, @areaM2, @estimatedHeads, @outline, @detectionCount)
  RETURNING *`;
const BY_ID = 'SELECT * FROM sites WHERE id = ?';
const NEAR = `SELECT * FROM sites WHERE flight_id = @flightId AND source = 'drone'
    AND lat BETWEEN @south AND @north AND lon BETWEEN @west AND @east`;
const UPDATE_AGGREGATE = `UPDATE sites SET lat = @lat, lon = @lon, error_radius_m = @errorRadiusM, score = @score,
    frames = @frames, best_detection_id = @bestDetectionId, model_version = @modelVersion, top_label = @topLabel,
    first_seen_at = @firstSeenAt, area_m2 = @areaM2, estimated_heads = @estimatedHeads, outline = @outline,
    detection_count = @detectionCount WHERE id = @id`;
const SET_REVIEW = `UPDATE sites SET status = @status, note = @note, version = version + 1, reviewed_at = @at,
    reviewed_by = @by WHERE id = @id AND version = @version`;
const SET_DETECTION_STATUS = 'UPDATE detections SET status = ? WHERE site_id = ?';

/** `reviews` is the store's one reviews repo: a decision and its history row are written together. */
export function createSitesRepo({ sql }: StoreContext, reviews: ReviewsRepo) {
  // BEGIN IMMEDIATE serialises reviews on SQLite; PostgreSQL needs the site's row locked for the same effect.
  const byIdForUpdate = BY_ID + (sql.dialect === 'postgres' ? ' FOR UPDATE' : '');

  return {
    async create(s: NewSite): Promise<Site> {
      const now = nowIso();
      const row = await sql.get<SiteRow>(INSERT, {
        ...s,
        frames: s.frames ?? 1,
        bestDetectionId: s.bestDetectionId ?? null,
        note: s.note ?? null,
        firstSeenAt: s.firstSeenAt ?? now,
        createdAt: now,
        areaM2: s.areaM2 ?? null,
        estimatedHeads: s.estimatedHeads ?? null,
        outline: s.outline ? JSON.stringify(s.outline) : null,
        detectionCount: s.detectionCount ?? 1,
      });
      return toSite(row!);
    },
    async get(id: number): Promise<Site | null> {
      const r = await sql.get<SiteRow>(BY_ID, [id]);
      return r ? toSite(r) : null;
    },
    /** Drone sites of a flight inside a square of ±radiusM around a point (the caller measures exact distance). */
    async nearby(flightId: number, lat: number, lon: number, radiusM: number): Promise<Site[]> {
      return (await sql.all<SiteRow>(NEAR, { flightId, ...boxAround({ lat, lon }, radiusM) })).map(toSite);
    },
    /** Stores a site's recomputed position, score and counts after detections joined it. */
    async updateAggregate(id: number, a: SiteAggregate): Promise<void> {
      await sql.run(UPDATE_AGGREGATE, { id, ...a, outline: a.outline ? JSON.stringify(a.outline) : null });
    },
    async list(f: GeoFilters): Promise<Site[]> {
      const w = whereClause(f, SITE_FILTER_COLUMNS);
      const q = `SELECT * FROM sites ${w.sql} ORDER BY score DESC, id LIMIT @limit`;
      return (await sql.all<SiteRow>(q, { ...w.params, limit: f.limit ?? DEFAULT_LIMIT })).map(toSite);
    },
    /**
     * Records a decision on a site and its detections, with history, in one transaction. A `baseVersion` other than
     * the current version is a conflict: someone else decided in between, and nothing is written.
     */
    async review(
      id: number,
      d: { decision: SiteStatus; note?: string | null; baseVersion?: number; actor: Actor },
    ): Promise<ReviewOutcome> {
      return sql.tx(
        async (): Promise<ReviewOutcome> => {
          const row = await sql.get<SiteRow>(byIdForUpdate, [id]);
          if (!row) return { kind: 'not_found' };
          if (d.baseVersion !== undefined && d.baseVersion !== row.version) return { kind: 'conflict', current: toSite(row) };
          const at = nowIso();
          const note = d.note !== undefined ? d.note : row.note;
          await sql.run(SET_REVIEW, { id, status: d.decision, note, at, by: d.actor.username, version: row.version });
          await sql.run(SET_DETECTION_STATUS, [d.decision, id]);
          const review = await reviews.add({
            siteId: id,
            userId: d.actor.id == null ? null : String(d.actor.id),
            username: d.actor.username,
            at,
            before: row.status,
            after: d.decision,
            note: d.note ?? null,
            version: row.version + 1,
          });
          return { kind: 'ok', site: toSite((await sql.get<SiteRow>(BY_ID, [id]))!), review };
        },
      );
    },
    async countByStatus(f: GeoFilters = {}): Promise<Record<SiteStatus, number>> {
      const w = whereClause({ ...f, status: undefined }, SITE_FILTER_COLUMNS);
      const out: Record<SiteStatus, number> = { pending: 0, confirmed: 0, rejected: 0 };
      const rows = await sql.all<{ status: SiteStatus; n: number }>(
        `SELECT status, COUNT(*) AS n FROM sites ${w.sql} GROUP BY status`,
        w.params,
      );
      for (const r of rows) out[r.status] = r.n;
      return out;
    },
  };
}

export type SitesRepo = ReturnType<typeof createSitesRepo>;
