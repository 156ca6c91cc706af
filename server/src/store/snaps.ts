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

export function createSnapsRepo({ db }: StoreContext) {
  const insert = db.prepare(`INSERT INTO snaps (user_id, username, idempotency_key, sha256, size_bytes, mime, width, height,
      image_id, detection_id, site_id, verdict, poppy_score, lat, lon, location_source, accuracy_m, note, taken_at,
      model_version, answer, created_at)
    VALUES (@userId, @username, @idempotencyKey, @sha256, @sizeBytes, @mime, @width, @height, @imageId, @detectionId,
      @siteId, @verdict, @poppyScore, @lat, @lon, @locationSource, @accuracyM, @note, @takenAt, @modelVersion, '{}', @createdAt)`);
  const setAnswer = db.prepare('UPDATE snaps SET answer = ? WHERE id = ?');
  const byId = db.prepare('SELECT * FROM snaps WHERE id = ?');
  const byKey = db.prepare('SELECT * FROM snaps WHERE user_id = ? AND idempotency_key = ?');
  const bySite = db.prepare('SELECT * FROM snaps WHERE site_id = ? ORDER BY id');
  const count = db.prepare('SELECT COUNT(*) AS n FROM snaps');

  return {
    /** Stores a snap; its answer body is built from the new id, so the stored answer is exactly what was sent. */
    insert(s: NewSnap): SnapRecord {
      const createdAt = nowIso();
      const { answer, ...fields } = s;
      const id = Number(insert.run({ ...fields, createdAt }).lastInsertRowid);
      setAnswer.run(JSON.stringify(answer(id, createdAt)), id);
      return toSnap(byId.get(id) as SnapRow);
    },
    get(id: number): SnapRecord | null {
      const r = byId.get(id) as SnapRow | undefined;
      return r ? toSnap(r) : null;
    },
    findByIdempotencyKey(userId: string, key: string): SnapRecord | null {
      const r = byKey.get(userId, key) as SnapRow | undefined;
      return r ? toSnap(r) : null;
    },
    listBySite(siteId: number): SnapRecord[] {
      return (bySite.all(siteId) as SnapRow[]).map(toSnap);
    },
    count(): number {
      return (count.get() as { n: number }).n;
    },
  };
}

export type SnapsRepo = ReturnType<typeof createSnapsRepo>;
