-- +goose Up
-- The dashboard with one index on deals instead of three (00002 added
-- deals_updated, deals_board and deals_board_totals).
--
-- deals_board serves both of the board's queries:
--  * a column's cards, newest first, a page at a time: the key order is
--    the ORDER BY (created_at DESC, id DESC), so a page reads only its
--    own rows;
--  * a column's totals (GROUP BY stage, currency): a hash aggregate over
--    the pipeline's entries, the summed columns carried in the index
--    (INCLUDE: stored, not compared) for index-only scans.
-- SQLite's index differs (currency before created_at, see its 00009):
-- SQLite sorts a GROUP BY its index does not order, where PostgreSQL
-- hashes, and PostgreSQL 15 cannot merge an IN list's ordered runs.
DROP INDEX deals_board_totals;
DROP INDEX deals_board;
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, created_at, id) INCLUDE (currency, value, probability);

-- The board's live poll reads one row instead of COUNT(*) and
-- MAX(updated_at) over the workspace's deals: every write transaction of
-- a workspace (sqlstore.Store.inWrite) adds one to its row before it
-- commits. Writers of one workspace already hold its advisory lock
-- (BeginWrite) until they commit, so the row lock adds no waiting;
-- other workspaces have other rows.
DROP INDEX deals_updated;
CREATE TABLE workspace_changes (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id),
    n            bigint NOT NULL
);

-- +goose Down
DROP TABLE workspace_changes;
DROP INDEX deals_board;
CREATE INDEX deals_updated ON deals (workspace_id, updated_at);
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, created_at, id);
CREATE INDEX deals_board_totals ON deals (workspace_id, pipeline_id, stage, currency, value, probability);
