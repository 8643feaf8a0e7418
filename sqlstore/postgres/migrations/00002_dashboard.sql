-- +goose Up
-- Dashboard sign-in sessions. Only the SHA-256 of the session token (a
-- random cookie value) is stored; like api_keys.hash it is looked up
-- before the workspace is known. A session dies with its key: revoking
-- the key (checked at every look-up) or deleting it ends the session.
CREATE TABLE dashboard_sessions (
    token_hash   bytea PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id),
    key_id       uuid NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, key_id) REFERENCES api_keys (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (workspace_id, expires_at);

-- The board's "changes since" poll reads MAX(updated_at) per workspace.
CREATE INDEX deals_updated ON deals (workspace_id, updated_at);
-- A board column's cards, newest first, a page at a time: the index
-- order is the ORDER BY, so a page reads only its own rows.
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, created_at, id);
-- A board's per-column totals (GROUP BY stage, currency) read this
-- index alone, already in group order.
CREATE INDEX deals_board_totals ON deals (workspace_id, pipeline_id, stage, currency, value, probability);

-- +goose Down
DROP INDEX deals_board_totals;
DROP INDEX deals_board;
DROP INDEX deals_updated;
DROP TABLE dashboard_sessions;
