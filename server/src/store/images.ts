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

export function createImagesRepo({ db }: StoreContext) {
  const insert = db.prepare(`INSERT INTO images (flight_id, name, sha256, size_bytes, mime, uploaded_at, uploaded_by)
    VALUES (@flightId, @name, @sha256, @sizeBytes, @mime, @uploadedAt, @uploadedBy)`);
  const bySha = db.prepare('SELECT * FROM images WHERE flight_id = ? AND sha256 = ?');
  const byId = db.prepare('SELECT * FROM images WHERE id = ?');
  const byFlight = db.prepare(`SELECT i.*, (SELECT COUNT(*) FROM detections d WHERE d.image_id = i.id) AS detections
    FROM images i WHERE i.flight_id = ? ORDER BY i.taken_at IS NULL, i.taken_at, i.name, i.id`);
  const setStatus = db.prepare('UPDATE images SET status = @status, error = @error WHERE id = @id');
  const saveFacts = db.prepare(`UPDATE images SET status = 'done', error = NULL, processed_at = @processedAt,
      width = @width, height = @height, orientation = @orientation, taken_at = @takenAt, lat = @lat, lon = @lon,
      located = @located, unlocated_reason = @unlockedReason, footprint = @footprint, metadata = @metadata,
      camera = @camera, timings = @timings, model_version = @modelVersion
    WHERE id = @id`);
  const shaUsed = db.prepare('SELECT 1 FROM images WHERE sha256 = ? LIMIT 1');

  return {
    /** Adds the frame to its flight, or returns the one already there with the same bytes. */
    insertOrGet(n: NewImage): { image: ImageRecord; duplicate: boolean } {
      const existing = bySha.get(n.flightId, n.sha256) as ImageRow | undefined;
      if (existing) return { image: toImage(existing), duplicate: true };
      const r = insert.run({ ...n, uploadedAt: nowIso(), uploadedBy: n.uploadedBy ?? null });
      return { image: toImage(byId.get(Number(r.lastInsertRowid)) as ImageRow), duplicate: false };
    },
    findInFlight(flightId: number, sha256: string): ImageRecord | null {
      const r = bySha.get(flightId, sha256) as ImageRow | undefined;
      return r ? toImage(r) : null;
    },
    get(id: number): ImageRecord | null {
      const r = byId.get(id) as ImageRow | undefined;
      return r ? toImage(r) : null;
    },
    listByFlight(flightId: number): ImageRecord[] {
      return (byFlight.all(flightId) as ImageRow[]).map(toImage);
    },
    setStatus(id: number, status: ImageStatus, error: string | null = null): void {
      setStatus.run({ id, status, error });
    },
    saveFacts(id: number, f: FrameFacts): void {
      saveFacts.run({
        id,
        processedAt: nowIso(),
        width: f.width,
        height: f.height,
        orientation: f.orientation,
        takenAt: f.takenAt,
        lat: f.lat,
        lon: f.lon,
        located: f.located ? 1 : 0,
        unlockedReason: f.unlocatedReason,
        footprint: f.footprint ? JSON.stringify(f.footprint) : null,
        metadata: JSON.stringify(f.metadata ?? null),
        camera: JSON.stringify(f.camera ?? null),
        timings: JSON.stringify(f.timings),
        modelVersion: f.modelVersion,
      });
    },
    /** whether any image still refers to these bytes (originals are shared between flights) */
    isShaReferenced(sha256: string): boolean {
      return shaUsed.get(sha256) !== undefined;
    },
  };
}

export type ImagesRepo = ReturnType<typeof createImagesRepo>;
