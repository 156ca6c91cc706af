-- API tokens expire (POPPY_TOKEN_TTL_DAYS). Tokens made before this migration get the default lifetime from now,
-- so an upgrade does not cut off running scripts at once. Times are ISO-8601 UTC, like created_at.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days') WHERE expires_at IS NULL;
