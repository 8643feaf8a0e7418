-- GET /deals?select=title&or=(value.gt.10000,stage.eq.won)

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (((t0.value > ?) OR (t0.stage = ?))) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 100000000
-- $3 = "won"
-- $4 = int64 1000
-- $5 = int64 0
