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

/** `reviews` is the store's one reviews repo: a decision and its history row are written together. */
export function createSitesRepo(ctx: StoreContext, reviews: ReviewsRepo) {
  const { db } = ctx;
  const insert = db.prepare(`INSERT INTO sites (flight_id, source, lat, lon, error_radius_m, score, frames, best_detection_id,
      model_version, top_label, note, first_seen_at, created_at, area_m2, estimated_heads, outline, detection_count)
    VALUES (@flightId, @source, @lat, @lon, @errorRadiusM, @score, @frames, @bestDetectionId, @modelVersion, @topLabel, @note,
      @firstSeenAt, @createdAt, @areaM2, @estimatedHeads, @outline, @detectionCount)`);
  const byId = db.prepare('SELECT * FROM sites WHERE id = ?');
  const near = db.prepare(`SELECT * FROM sites WHERE flight_id = @flightId AND source = 'drone'
      AND lat BETWEEN @south AND @north AND lon BETWEEN @west AND @east`);
  const update = db.prepare(`UPDATE sites SET lat = @lat, lon = @lon, error_radius_m = @errorRadiusM, score = @score,
      frames = @frames, best_detection_id = @bestDetectionId, model_version = @modelVersion, top_label = @topLabel,
      first_seen_at = @firstSeenAt, area_m2 = @areaM2, estimated_heads = @estimatedHeads, outline = @outline,
      detection_count = @detectionCount WHERE id = @id`);
  const setReview = db.prepare(`UPDATE sites SET status = @status, note = @note, version = version + 1, reviewed_at = @at,
      reviewed_by = @by WHERE id = @id AND version = @version`);
  const setDetectionStatus = db.prepare('UPDATE detections SET status = ? WHERE site_id = ?');

  return {
    create(s: NewSite): Site {
      const now = nowIso();
      const r = insert.run({
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
      return toSite(byId.get(Number(r.lastInsertRowid)) as SiteRow);
    },
    get(id: number): Site | null {
      const r = byId.get(id) as SiteRow | undefined;
      return r ? toSite(r) : null;
    },
    /** Drone sites of a flight inside a square of ±radiusM around a point (the caller measures exact distance). */
    nearby(flightId: number, lat: number, lon: number, radiusM: number): Site[] {
      return (near.all({ flightId, ...boxAround({ lat, lon }, radiusM) }) as SiteRow[]).map(toSite);
    },
    /** Stores a site's recomputed position, score and counts after detections joined it. */
    updateAggregate(id: number, a: SiteAggregate): void {
      update.run({ id, ...a, outline: a.outline ? JSON.stringify(a.outline) : null });
    },
    list(f: GeoFilters): Site[] {
      const w = whereClause(f, SITE_FILTER_COLUMNS);
      const sql = `SELECT * FROM sites ${w.sql} ORDER BY score DESC, id LIMIT @limit`;
      return (db.prepare(sql).all({ ...w.params, limit: f.limit ?? DEFAULT_LIMIT }) as SiteRow[]).map(toSite);
    },
    /**
     * Records a decision on a site and its detections, with history, in one transaction. A `baseVersion` other than
     * the current version is a conflict: someone else decided in between, and nothing is written.
     */
    review(
      id: number,
      d: { decision: SiteStatus; note?: string | null; baseVersion?: number; actor: Actor },
    ): ReviewOutcome {
      return db.transaction((): ReviewOutcome => {
        const row = byId.get(id) as SiteRow | undefined;
        if (!row) return { kind: 'not_found' };
        if (d.baseVersion !== undefined && d.baseVersion !== row.version) return { kind: 'conflict', current: toSite(row) };
        const at = nowIso();
        const note = d.note !== undefined ? d.note : row.note;
        setReview.run({ id, status: d.decision, note, at, by: d.actor.username, version: row.version });
        setDetectionStatus.run(d.decision, id);
        const review = reviews.add({
          siteId: id,
          userId: d.actor.id == null ? null : String(d.actor.id),
          username: d.actor.username,
          at,
          before: row.status,
          after: d.decision,
          note: d.note ?? null,
          version: row.version + 1,
        });
        return { kind: 'ok', site: toSite(byId.get(id) as SiteRow), review };
      }).immediate();
    },
    countByStatus(f: GeoFilters = {}): Record<SiteStatus, number> {
      const w = whereClause({ ...f, status: undefined }, SITE_FILTER_COLUMNS);
      const out: Record<SiteStatus, number> = { pending: 0, confirmed: 0, rejected: 0 };
      const rows = db.prepare(`SELECT status, COUNT(*) AS n FROM sites ${w.sql} GROUP BY status`).all(w.params) as {
        status: SiteStatus;
        n: number;
      }[];
      for (const r of rows) out[r.status] = r.n;
      return out;
    },
  };
}

export type SitesRepo = ReturnType<typeof createSitesRepo>;
