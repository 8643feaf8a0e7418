-- +goose Up
-- Idempotency-Key records (sqlstore/idempotency.go), as in SQLite's
-- 00004_idempotency.sql: a 'running' row inserted in its own transaction
-- first (the primary key makes exactly one of several servers win), then
-- 'committed' inside the request's write transaction, then 'done' with
-- the response. Times are Unix milliseconds.
CREATE TABLE idempotency_keys (
    workspace_id uuid NOT NULL,
    scope        text NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    owner        text NOT NULL,
    state        text NOT NULL CHECK (state IN ('running', 'committed', 'done')),
    lease_until  bigint NOT NULL,
    expires_at   bigint NOT NULL,
    status       integer,
    headers      text,
    body         bytea,
    PRIMARY KEY (workspace_id, scope, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- +goose Down
DROP TABLE idempotency_keys;
