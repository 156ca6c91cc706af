import { nowIso } from './db.js';
import type { StoreContext } from './context.js';

export type SnapVerdictValue = 'poppy' | 'not_poppy' | 'uncertain';
export type SnapLocationSource = 'exif' | 'device' | 'manual';

export interface SnapRecord {
  id: number;
  userId: string;
  username: string;
  idempotencyKey: string | null;
  sha256: string;
  sizeBytes: number;
  mime: string;
  width: number;
  height: number;
  imageId: number | null;
  detectionId: number | null;
  siteId: number | null;
  verdict: SnapVerdictValue;
  poppyScore: number;
  lat: number;
  lon: number;
  locationSource: SnapLocationSource;
  accuracyM: number | null;
  note: string | null;
  takenAt: string | null;
  modelVersion: string;
  /** the JSON body answered to the officer, replayed verbatim for a repeated idempotency key */
  answer: unknown;
  createdAt: string;
}

export type NewSnap = Omit<SnapRecord, 'id' | 'createdAt' | 'answer'> & { answer: (id: number, createdAt: string) => unknown };

interface SnapRow {
  id: number;
  user_id: string;
  username: string;
  idempotency_key: string | null;
  sha256: string;
  size_bytes: number;
  mime: string;
  width: number;
  height: number;
  image_id: number | null;
  detection_id: number | null;
  site_id: number | null;
  verdict: SnapVerdictValue;
  poppy_score: number;
  lat: number;
  lon: number;
  location_source: SnapLocationSource;
  accuracy_m: number | null;
  note: string | null;
  taken_at: string | null;
  model_version: string;
  answer: string;
  created_at: string;
}

const toSnap = (r: SnapRow): SnapRecord => ({
  id: r.id,
  userId: r.user_id,
  username: r.username,
  idempotencyKey: r.idempotency_key,
  sha256: r.sha256,
  sizeBytes: r.size_bytes,
  mime: r.mime,
  width: r.width,
  height: r.height,
  imageId: r.image_id,
  detectionId: r.detection_id,
  siteId: r.site_id,
  verdict: r.verdict,
  poppyScore: r.poppy_score,
  lat: r.lat,
  lon: r.lon,
  locationSource: r.location_source,
  accuracyM: r.accuracy_m,
  note: r.note,
  takenAt: r.taken_at,
  modelVersion: r.model_version,
  answer: JSON.parse(r.answer) as unknown,
  createdAt: r.created_at,
});

const INSERT = `INSERT INTO snaps (user_id, username, idempotency_key, sha256, size_bytes, mime, width, height,
    image_id, detection_id, site_id, verdict, poppy_score, lat, lon, location_source, accuracy_m, note, taken_at,
    model_version, answer, created_at)
  VALUES (@userId, @username, @idempotencyKey, @sha256, @sizeBytes, @mime, @width, @height, @imageId, @detectionId,
    @siteId, @verdict, @poppyScore, @lat, @lon, @locationSource, @accuracyM, @note, @takenAt, @modelVersion, '{}', @createdAt)
  RETURNING id`;
const SET_ANSWER = 'UPDATE snaps SET answer = ? WHERE id = ? RETURNING *';

export function createSnapsRepo({ sql }: StoreContext) {
  return {
    /**
     * Stores a snap; its answer body is built from the new id, so the stored answer is exactly what was sent. One
     * transaction, so that nobody (a retry with the same key) reads the placeholder answer.
     */
    async insert(s: NewSnap): Promise<SnapRecord> {
      const createdAt = nowIso();
      const { answer, ...fields } = s;
      return sql.tx(async () => {
        const { id } = (await sql.get<{ id: number }>(INSERT, { ...fields, createdAt }))!;
        return toSnap((await sql.get<SnapRow>(SET_ANSWER, [JSON.stringify(answer(id, createdAt)), id]))!);
      });
    },
    async get(id: number): Promise<SnapRecord | null> {
      const r = await sql.get<SnapRow>('SELECT * FROM snaps WHERE id = ?', [id]);
      return r ? toSnap(r) : null;
    },
    async findByIdempotencyKey(userId: string, key: string): Promise<SnapRecord | null> {
      const r = await sql.get<SnapRow>('SELECT * FROM snaps WHERE user_id = ? AND idempotency_key = ?', [userId, key]);
      return r ? toSnap(r) : null;
    },
    async listBySite(siteId: number): Promise<SnapRecord[]> {
      return (await sql.all<SnapRow>('SELECT * FROM snaps WHERE site_id = ? ORDER BY id', [siteId])).map(toSnap);
    },
    async count(): Promise<number> {
      return (await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM snaps'))!.n;
    },
  };
}

export type SnapsRepo = ReturnType<typeof createSnapsRepo>;
