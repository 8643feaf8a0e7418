-- GET /deals?limit=0
-- Prefer: count=exact

-- count
SELECT COUNT(*) FROM deals t0 WHERE t0.workspace_id = ?;
-- $1 = int64 1
