-- Aerial model: plots with an outline, an area and an estimated count of visible flower heads.
ALTER TABLE detections ADD COLUMN area_m2 REAL;
ALTER TABLE detections ADD COLUMN estimated_heads INTEGER;
-- GeoJSON Polygon of the plot on the ground (NULL when the frame cannot be projected)
ALTER TABLE detections ADD COLUMN outline TEXT;
ALTER TABLE sites ADD COLUMN area_m2 REAL;
ALTER TABLE sites ADD COLUMN estimated_heads INTEGER;
ALTER TABLE sites ADD COLUMN outline TEXT;
-- kept on the site so that joining detections update the running mean position without re-reading them
ALTER TABLE sites ADD COLUMN detection_count INTEGER NOT NULL DEFAULT 0;
UPDATE sites SET detection_count = (SELECT COUNT(*) FROM detections d WHERE d.site_id = sites.id);

-- The aerial head's inputs at detection time, so that the head can be retrained from reviews without decoding a
-- frame again: a detection's most confident cells, and (detection_id NULL) a sample of each frame's background
-- cells. `data` is little-endian float32, cells × channels.
CREATE TABLE cell_features (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  detection_id INTEGER REFERENCES detections(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  cells INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX cell_features_detection ON cell_features(detection_id);
CREATE INDEX cell_features_image ON cell_features(image_id);
