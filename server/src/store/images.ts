import { nowIso } from './db.js';
import type { StoreContext } from './context.js';
import type { GeoJsonPolygon, ImageRecord, ImageStatus } from './types.js';

interface ImageRow {
  id: number;
  flight_id: number | null;
  name: string;
  sha256: string;
  size_bytes: number;
  mime: string;
  status: ImageStatus;
  error: string | null;
  uploaded_at: string;
  uploaded_by: string | null;
  processed_at: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  taken_at: string | null;
  lat: number | null;
  lon: number | null;
  located: number | null;
  unlocated_reason: string | null;
  footprint: string | null;
  metadata: string | null;
  camera: string | null;
  timings: string | null;
  model_version: string | null;
  detections?: number;
}

const parse = <T>(s: string | null): T | null => (s == null ? null : (JSON.parse(s) as T));

function toImage(r: ImageRow): ImageRecord {
  return {
    id: r.id,
    flightId: r.flight_id,
    name: r.name,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    mime: r.mime,
    status: r.status,
    error: r.error,
    uploadedAt: r.uploaded_at,
    uploadedBy: r.uploaded_by,
    processedAt: r.processed_at,
    width: r.width,
    height: r.height,
    orientation: r.orientation,
    takenAt: r.taken_at,
    lat: r.lat,
    lon: r.lon,
    located: r.located == null ? null : r.located === 1,
    unlocatedReason: r.unlocated_reason,
    footprint: parse<GeoJsonPolygon>(r.footprint),
    metadata: parse(r.metadata),
    camera: parse(r.camera),
    timings: parse<Record<string, number>>(r.timings),
    modelVersion: r.model_version,
    ...(r.detections !== undefined ? { detections: r.detections } : {}),
  };
}

export interface NewImage {
  /** null for a phone snap */
  flightId: number | null;
  name: string;
  sha256: string;
  sizeBytes: number;
  mime: string;
  uploadedBy?: string | null;
}

/** What processing a frame learned about it, stored with its detections. */
export interface FrameFacts {
  width: number | null;
  height: number | null;
  orientation: number | null;
  takenAt: string | null;
  lat: number | null;
  lon: number | null;
  located: boolean;
  unlocatedReason: string | null;
  footprint: GeoJsonPolygon | null;
  metadata: unknown;
  camera: unknown;
  timings: Record<string, number>;
  modelVersion: string;
}

// a concurrent upload of the same bytes to the same flight wins the UNIQUE (flight_id, sha256) race: nothing is returned
const INSERT = `INSERT INTO images (flight_id, name, sha256, size_bytes, mime, uploaded_at, uploaded_by)
  VALUES (@flightId, @name, @sha256, @sizeBytes, @mime, @uploadedAt, @uploadedBy)
  ON CONFLICT (flight_id, sha256) DO NOTHING RETURNING *`;
const BY_SHA = 'SELECT * FROM images WHERE flight_id = ? AND sha256 = ?';
const BY_ID = 'SELECT * FROM images WHERE id = ?';
const BY_FLIGHT = `SELECT i.*, (SELECT COUNT(*) FROM detections d WHERE d.image_id = i.id) AS detections
  FROM images i WHERE i.flight_id = ? ORDER BY i.taken_at ASC NULLS LAST, i.name, i.id`;
const SET_STATUS = 'UPDATE images SET status = @status, error = @error WHERE id = @id';
const SAVE_FACTS = `UPDATE images SET status = 'done', error = NULL, processed_at = @processedAt,
    width = @width, height = @height, orientation = @orientation, taken_at = @takenAt, lat = @lat, lon = @lon,
    located = @located, unlocated_reason = @unlocatedReason, footprint = @footprint, metadata = @metadata,
    camera = @camera, timings = @timings, model_version = @modelVersion
  WHERE id = @id`;

export function createImagesRepo({ sql }: StoreContext) {
  const bySha = (flightId: number | null, sha256: string): Promise<ImageRow | undefined> => sql.get<ImageRow>(BY_SHA, [flightId, sha256]);

  return {
    /** Adds the frame to its flight, or returns the one already there with the same bytes. */
    async insertOrGet(n: NewImage): Promise<{ image: ImageRecord; duplicate: boolean }> {
      const existing = await bySha(n.flightId, n.sha256);
      if (existing) return { image: toImage(existing), duplicate: true };
      const inserted = await sql.get<ImageRow>(INSERT, {
        flightId: n.flightId,
        name: n.name,
        sha256: n.sha256,
        sizeBytes: n.sizeBytes,
        mime: n.mime,
        uploadedAt: nowIso(),
        uploadedBy: n.uploadedBy ?? null,
      });
      if (inserted) return { image: toImage(inserted), duplicate: false };
      return { image: toImage((await bySha(n.flightId, n.sha256))!), duplicate: true };
    },
    async findInFlight(flightId: number, sha256: string): Promise<ImageRecord | null> {
      const r = await bySha(flightId, sha256);
      return r ? toImage(r) : null;
    },
    async get(id: number): Promise<ImageRecord | null> {
      const r = await sql.get<ImageRow>(BY_ID, [id]);
      return r ? toImage(r) : null;
    },
    async listByFlight(flightId: number): Promise<ImageRecord[]> {
      return (await sql.all<ImageRow>(BY_FLIGHT, [flightId])).map(toImage);
    },
    async setStatus(id: number, status: ImageStatus, error: string | null = null): Promise<void> {
      await sql.run(SET_STATUS, { id, status, error });
    },
    async saveFacts(id: number, f: FrameFacts): Promise<void> {
      await sql.run(SAVE_FACTS, {
        id,
        processedAt: nowIso(),
        width: f.width,
        height: f.height,
        orientation: f.orientation,
        takenAt: f.takenAt,
        lat: f.lat,
        lon: f.lon,
        located: f.located ? 1 : 0,
        unlocatedReason: f.unlocatedReason,
        footprint: f.footprint ? JSON.stringify(f.footprint) : null,
        metadata: JSON.stringify(f.metadata ?? null),
        camera: JSON.stringify(f.camera ?? null),
        timings: JSON.stringify(f.timings),
        modelVersion: f.modelVersion,
      });
    },
    /** whether any image still refers to these bytes (originals are shared between flights) */
    async isShaReferenced(sha256: string): Promise<boolean> {
      return (await sql.get('SELECT 1 AS one FROM images WHERE sha256 = ? LIMIT 1', [sha256])) !== undefined;
    },
  };
}

export type ImagesRepo = ReturnType<typeof createImagesRepo>;
