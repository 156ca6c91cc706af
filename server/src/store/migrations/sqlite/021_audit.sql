-- Append-only evidence trail: who did what, when. The triggers make UPDATE and DELETE fail for everyone,
-- including code in this repository.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  user_id INTEGER,
  username TEXT,
  action TEXT NOT NULL,
  site_id INTEGER,
  flight_id INTEGER,
  image_id INTEGER,
  before_json TEXT,
  after_json TEXT,
  details_json TEXT,
  ip TEXT
);
CREATE INDEX audit_site ON audit_log(site_id);
CREATE INDEX audit_at ON audit_log(at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
