-- +goose Up
-- Idempotency-Key records (sqlstore/idempotency.go). One row per
-- (workspace, method and route, key): inserted as 'running' in its own
-- transaction before the request runs, marked 'committed' inside the
-- request's write transaction, and 'done' with the response once it is
-- answered. Times are Unix milliseconds. lease_until lets another attempt
-- take over a 'running' row whose server died; expires_at (24 hours after
-- the first attempt) ends the key.
CREATE TABLE idempotency_keys (
    workspace_id TEXT NOT NULL,
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    owner        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'committed', 'done')),
    lease_until  INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    status       INTEGER,
    headers      TEXT,
    body         BLOB,
    PRIMARY KEY (workspace_id, scope, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- +goose Down
DROP TABLE idempotency_keys;
