CREATE TABLE flights (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT,
  altitude_agl_m REAL,
  ground_elevation_m REAL,
  sensor_width_mm REAL,
  is_demo INTEGER NOT NULL DEFAULT 0
);

-- One row per frame received in a flight; the original bytes live in originals/<sha256>.
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  flight_id INTEGER REFERENCES flights(id) ON DELETE CASCADE, -- NULL for a phone snap (no flight)
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  mime TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processing', 'done', 'failed')),
  error TEXT,
  uploaded_at TEXT NOT NULL,
  uploaded_by TEXT,
  processed_at TEXT,
  width INTEGER,
  height INTEGER,
  orientation INTEGER,
  taken_at TEXT,
  lat REAL,
  lon REAL,
  located INTEGER,
  unlocated_reason TEXT,
  footprint TEXT,
  metadata TEXT,
  camera TEXT,
  timings TEXT,
  model_version TEXT,
  UNIQUE (flight_id, sha256)
);
CREATE INDEX images_flight ON images(flight_id, status);
