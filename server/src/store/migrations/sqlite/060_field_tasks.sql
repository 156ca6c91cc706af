-- Field work on a confirmed site: who was sent, what they found. `field_tasks` holds the current state (one row per
-- site, with its own version for 409 conflicts), `field_events` every change (append-only), `field_photos` the
-- evidence photos (each an `images` row with flight_id NULL, like a snap).
CREATE TABLE field_tasks (
  site_id INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('assigned', 'visited', 'eradicated', 'not_found', 'not_poppy')),
  assignee TEXT,
  due_date TEXT,
  plants_counted INTEGER,
  species TEXT,
  note TEXT,
  version INTEGER NOT NULL,
  assigned_at TEXT,
  assigned_by TEXT,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX field_tasks_assignee ON field_tasks(assignee, state);

CREATE TABLE field_events (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  before_state TEXT,
  after_state TEXT NOT NULL,
  assignee TEXT,
  due_date TEXT,
  plants_counted INTEGER,
  species TEXT,
  note TEXT,
  user_id TEXT,
  username TEXT,
  idempotency_key TEXT,
  at TEXT NOT NULL
);
CREATE INDEX field_events_site ON field_events(site_id, id);
CREATE INDEX field_events_at ON field_events(at);
-- A phone resending a visit after a lost answer must not record it twice (keys are per user, as for snaps).
CREATE UNIQUE INDEX field_events_idempotency ON field_events(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE field_photos (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES field_events(id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE
);
CREATE INDEX field_photos_event ON field_photos(event_id);

CREATE TRIGGER field_events_no_update BEFORE UPDATE ON field_events
BEGIN
  SELECT RAISE(ABORT, 'field_events is append-only');
END;

-- Field-checked outcomes as training labels for the retraining job: one row per site whose field work ended.
-- label: 'poppy' (eradicated: plants were there and counted), 'not_poppy' (an officer saw another plant; species
-- when known), NULL for not_found (nothing there to label). Join detections on site_id for the crops.
CREATE VIEW field_labels AS
SELECT
  t.site_id AS site_id,
  s.flight_id AS flight_id,
  s.source AS source,
  s.lat AS lat,
  s.lon AS lon,
  s.best_detection_id AS best_detection_id,
  s.model_version AS model_version,
  s.top_label AS model_top_label,
  s.score AS model_score,
  t.state AS outcome,
  CASE t.state WHEN 'eradicated' THEN 'poppy' WHEN 'not_poppy' THEN 'not_poppy' ELSE NULL END AS label,
  t.species AS species,
  t.plants_counted AS plants_counted,
  t.updated_at AS decided_at,
  t.updated_by AS decided_by
FROM field_tasks t JOIN sites s ON s.id = t.site_id
WHERE t.state IN ('eradicated', 'not_found', 'not_poppy');
