-- The officer's snap note and the reviewer's note are separate (issue 11): a phone site's note is the reviewer's.
-- Sites nobody reviewed yet still carry a copy of the officer's note (snaps.note keeps the original): clear it.
UPDATE sites SET note = NULL
WHERE source = 'phone' AND version = 0 AND note IS NOT NULL
  AND note = (SELECT s.note FROM snaps s WHERE s.site_id = sites.id ORDER BY s.id LIMIT 1);
