-- +goose Up
-- The dashboard with one index on deals instead of three (00003 added
-- deals_updated, deals_board and deals_board_totals: 31 MB of a 134.6 MB
-- file at 100,000 deals, and 6-12% of bulk ingest).
--
-- deals_board serves both of the board's queries:
--  * a column's totals (GROUP BY stage, currency: count, value and
--    value x probability) read this index alone, already in group order;
--  * a column's cards, newest first, a page at a time: within a stage the
--    index holds each currency's deals in (created_at, rid) order, and the
--    page names the stage's currencies (currency IN (...), found with a
--    few seeks on this index), so SQLite reads each currency's newest rows
--    and merges them (its IN + ORDER BY + LIMIT early out) instead of
--    sorting the stage. rid (the rowid) orders deals created at the same
--    instant (a bulk request stamps all its deals with one created_at):
--    an integer of a few bytes where id was 36.
-- Inserts land at the end of each (stage, currency) run, not at random
-- places as in deals_board_totals (ordered by value).
DROP INDEX deals_board_totals;
DROP INDEX deals_board;
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, currency, created_at, rid, value, probability);

-- The board's live poll reads one row instead of COUNT(*) and
-- MAX(updated_at) over the workspace's deals (7 ms at 50,000 deals, and
-- the deals_updated index): every write transaction of a workspace
-- (sqlstore.Store.inWrite, the one write path of the bulk endpoint, REST
-- and the dashboard) adds one to its row before it commits.
DROP INDEX deals_updated;
CREATE TABLE workspace_changes (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id),
    n            INTEGER NOT NULL
) WITHOUT ROWID;

-- Statistics for the new index (the store analyzes only as it writes).
PRAGMA analysis_limit = 1000;
ANALYZE deals;

-- +goose Down
DROP TABLE workspace_changes;
DROP INDEX deals_board;
CREATE INDEX deals_updated ON deals (workspace_id, updated_at);
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, created_at, id);
CREATE INDEX deals_board_totals ON deals (workspace_id, pipeline_id, stage, currency, value, probability);
