-- GET /deals?select=title&title=eq.Order+1

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.title = ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "Order 1"
-- $3 = int64 1000
-- $4 = int64 0
