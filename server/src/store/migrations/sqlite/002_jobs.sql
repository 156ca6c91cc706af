-- The durable work queue. A job is claimed with a lease; its results and its 'done' are written in one transaction.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT 'frame',
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  duration_ms REAL
);
CREATE INDEX jobs_claim ON jobs(status, id);
CREATE INDEX jobs_image ON jobs(image_id);
