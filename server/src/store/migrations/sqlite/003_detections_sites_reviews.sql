-- A place on the ground that one or more detections (or a phone snap) point at; the unit of review.
CREATE TABLE sites (
  id INTEGER PRIMARY KEY,
  flight_id INTEGER REFERENCES flights(id) ON DELETE CASCADE,
  source TEXT NOT NULL DEFAULT 'drone' CHECK (source IN ('drone', 'phone')),
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  error_radius_m REAL NOT NULL,
  score REAL NOT NULL,
  frames INTEGER NOT NULL DEFAULT 0,
  best_detection_id INTEGER,
  model_version TEXT,
  top_label TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
  version INTEGER NOT NULL DEFAULT 0,
  note TEXT,
  first_seen_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  reviewed_at TEXT,
  reviewed_by TEXT
);
CREATE INDEX sites_flight ON sites(flight_id, status);
CREATE INDEX sites_score ON sites(score);
CREATE INDEX sites_latlon ON sites(lat, lon);

CREATE TABLE detections (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  flight_id INTEGER REFERENCES flights(id) ON DELETE CASCADE, -- NULL for a phone snap (no flight)
  site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,
  box_x REAL NOT NULL,
  box_y REAL NOT NULL,
  box_w REAL NOT NULL,
  box_h REAL NOT NULL,
  score REAL NOT NULL,
  lat REAL,
  lon REAL,
  error_radius_m REAL,
  top TEXT,
  model_version TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
  seen_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX detections_image ON detections(image_id);
CREATE INDEX detections_site ON detections(site_id);
CREATE INDEX detections_flight ON detections(flight_id, status);

-- Every decision on a site, append-only: who, when, before and after.
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id TEXT,
  username TEXT,
  at TEXT NOT NULL,
  before_status TEXT NOT NULL,
  after_status TEXT NOT NULL,
  note TEXT,
  version INTEGER NOT NULL
);
CREATE INDEX reviews_site ON reviews(site_id, id);
