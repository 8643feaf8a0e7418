-- GET /deals?select=title&stage=eq.new
-- Prefer: count=exact

-- count
SELECT COUNT(*) FROM deals t0 WHERE t0.workspace_id = ? AND (t0.stage = ?);
-- $1 = int64 1
-- $2 = "new"

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.stage = ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "new"
-- $3 = int64 1000
-- $4 = int64 0
