-- Versions of the aerial model's head retrained on the server from the reviewers' decisions (issue 13). The head's
-- weights, the report and the full provenance (every labelled site: label, who decided, when) are in the version's
-- JSON file under <data dir>/models/aerial/ (written once, never overwritten); this table lists them.
CREATE TABLE model_versions (
  version TEXT PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT 'aerial',
  -- the shipped version whose network (ONNX) produced the training features: a head only fits that network
  base_version TEXT NOT NULL,
  base_sha256 TEXT NOT NULL,
  -- the version that was active when this one was trained (what the report compares against)
  parent_version TEXT NOT NULL,
  file TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT,
  summary_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  -- 1 when the version finds fewer plots than its parent on the gate set or the shipped synthetic evaluation
  loses_recall INTEGER NOT NULL DEFAULT 0
);

-- Which version makes new detections: the newest row wins; none = the shipped head. Append-only (a rollback is a
-- new row naming the older version).
CREATE TABLE model_promotions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL DEFAULT 'aerial',
  version TEXT NOT NULL,
  previous_version TEXT NOT NULL,
  at TEXT NOT NULL,
  user_id INTEGER,
  username TEXT,
  rescored_json TEXT NOT NULL
);

CREATE TRIGGER model_promotions_no_update BEFORE UPDATE ON model_promotions
BEGIN
  SELECT RAISE(ABORT, 'model_promotions is append-only');
END;

-- Pending drone sites are re-scored from their stored cell features when a version is promoted; the detections keep
-- the score and version that made them, the site says which head gave its current score.
ALTER TABLE sites ADD COLUMN scored_by TEXT;
