-- One row per phone snap: what the officer sent, what the model answered, and the exact answer body, so that a
-- retried request with the same idempotency key gets the same answer and nothing is stored twice.
CREATE TABLE snaps (
  id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  username TEXT NOT NULL,
  idempotency_key TEXT,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  mime TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
  detection_id INTEGER REFERENCES detections(id) ON DELETE SET NULL,
  site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('poppy', 'not_poppy', 'uncertain')),
  poppy_score REAL NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  location_source TEXT NOT NULL CHECK (location_source IN ('exif', 'device', 'manual')),
  accuracy_m REAL,
  note TEXT,
  taken_at TEXT,
  model_version TEXT NOT NULL,
  answer TEXT NOT NULL,
  created_at TEXT NOT NULL
);
-- Keys are per user: two officers' phones may well generate the same key format.
CREATE UNIQUE INDEX snaps_idempotency ON snaps(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX snaps_site ON snaps(site_id);
CREATE INDEX snaps_created ON snaps(created_at);
