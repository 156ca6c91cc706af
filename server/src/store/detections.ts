import { nowIso } from './db.js';
import { whereClause, type GeoFilters } from './filters.js';
import type { StoreContext } from './context.js';
import type { Detection, GeoJsonPolygon, LabelScore, SiteStatus } from './types.js';

interface DetectionRow {
  id: number;
  image_id: number;
  flight_id: number | null;
  site_id: number | null;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  score: number;
  lat: number | null;
  lon: number | null;
  error_radius_m: number | null;
  top: string | null;
  model_version: string;
  status: SiteStatus;
  seen_at: string | null;
  created_at: string;
  area_m2: number | null;
  estimated_heads: number | null;
  outline: string | null;
}

export const toDetection = (r: DetectionRow): Detection => ({
  id: r.id,
  imageId: r.image_id,
  flightId: r.flight_id,
  siteId: r.site_id,
  box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
  score: r.score,
  lat: r.lat,
  lon: r.lon,
  errorRadiusM: r.error_radius_m,
  top: r.top ? (JSON.parse(r.top) as LabelScore[]) : [],
  modelVersion: r.model_version,
  status: r.status,
  seenAt: r.seen_at,
  createdAt: r.created_at,
  areaM2: r.area_m2 ?? null,
  estimatedHeads: r.estimated_heads ?? null,
  outline: r.outline ? (JSON.parse(r.outline) as GeoJsonPolygon) : null,
});

/** what the pipeline or a snap gives; id, site, status and createdAt are the store's. Plot fields: aerial only. */
export type NewDetection = Pick<Detection, 'imageId' | 'flightId' | 'box' | 'score' | 'lat' | 'lon' | 'errorRadiusM' | 'top' | 'modelVersion' | 'seenAt'> &
  Partial<Pick<Detection, 'areaM2' | 'estimatedHeads' | 'outline'>>;

export const DEFAULT_LIMIT = 50_000;

const INSERT = `INSERT INTO detections (image_id, flight_id, box_x, box_y, box_w, box_h, score, lat, lon,
    error_radius_m, top, model_version, seen_at, created_at, area_m2, estimated_heads, outline)
  VALUES (@imageId, @flightId, @x, @y, @w, @h, @score, @lat, @lon, @errorRadiusM, @top, @modelVersion, @seenAt, @createdAt,
    @areaM2, @estimatedHeads, @outline) RETURNING *`;
const INSERT_FEATURES = `INSERT INTO cell_features (image_id, detection_id, model_version, cells, channels, data)
  VALUES (@imageId, @detectionId, @modelVersion, @cells, @channels, @data)`;
const SET_SITE = 'UPDATE detections SET site_id = ?, status = (SELECT status FROM sites WHERE id = ?) WHERE id = ?';

export function createDetectionsRepo({ sql }: StoreContext) {
  return {
    async insert(d: NewDetection): Promise<Detection> {
      const row = await sql.get<DetectionRow>(INSERT, {
        ...d,
        ...d.box,
        top: JSON.stringify(d.top),
        createdAt: nowIso(),
        areaM2: d.areaM2 ?? null,
        estimatedHeads: d.estimatedHeads ?? null,
        outline: d.outline ? JSON.stringify(d.outline) : null,
      });
      return toDetection(row!);
    },
    /** Stores the aerial head's inputs of a detection's cells (detectionId) or of a frame's background (null). */
    async saveFeatures(f: {
      imageId: number;
      detectionId: number | null;
      modelVersion: string;
      cells: number;
      channels: number;
      data: Float32Array;
    }): Promise<void> {
      if (f.cells === 0) return;
      await sql.run(INSERT_FEATURES, { ...f, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength) });
    },
    async get(id: number): Promise<Detection | null> {
      const r = await sql.get<DetectionRow>('SELECT * FROM detections WHERE id = ?', [id]);
      return r ? toDetection(r) : null;
    },
    async listBySite(siteId: number): Promise<Detection[]> {
      return (await sql.all<DetectionRow>('SELECT * FROM detections WHERE site_id = ? ORDER BY score DESC, id', [siteId])).map(toDetection);
    },
    /** Distinct frames that saw each site, in one query. */
    async imageIdsBySites(siteIds: number[]): Promise<Map<number, number[]>> {
      const out = new Map<number, number[]>(siteIds.map((id) => [id, []]));
      if (siteIds.length === 0) return out;
      const rows = await sql.all<{ site_id: number; image_id: number }>(
        `SELECT DISTINCT site_id, image_id FROM detections WHERE site_id IN (${siteIds.map(() => '?').join(',')}) ORDER BY image_id`,
        siteIds,
      );
      for (const r of rows) out.get(r.site_id)!.push(r.image_id);
      return out;
    },
    async listByImage(imageId: number): Promise<Detection[]> {
      return (await sql.all<DetectionRow>('SELECT * FROM detections WHERE image_id = ? ORDER BY id', [imageId])).map(toDetection);
    },
    /** Links a detection to its site; it takes the site's review status. */
    async attachToSite(detectionId: number, siteId: number): Promise<void> {
      await sql.run(SET_SITE, [siteId, siteId, detectionId]);
    },
    /** Located detections matching the filters (status is the detection's, i.e. its site's), best first. */
    async list(f: GeoFilters): Promise<Detection[]> {
      const w = whereClause(f, {
        flight: 'd.flight_id',
        status: 'd.status',
        score: 'd.score',
        lat: 'd.lat',
        lon: 'd.lon',
        time: 'COALESCE(d.seen_at, d.created_at)',
        source: "COALESCE(s.source, 'drone')",
      });
      const located = w.sql ? `${w.sql} AND d.lat IS NOT NULL` : 'WHERE d.lat IS NOT NULL';
      const query = `SELECT d.* FROM detections d LEFT JOIN sites s ON s.id = d.site_id ${located}
        ORDER BY d.score DESC, d.id LIMIT @limit`;
      return (await sql.all<DetectionRow>(query, { ...w.params, limit: f.limit ?? DEFAULT_LIMIT })).map(toDetection);
    },
  };
}

export type DetectionsRepo = ReturnType<typeof createDetectionsRepo>;
