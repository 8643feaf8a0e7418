-- GET /deals?select=title&order=value&limit=2&offset=4

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? ORDER BY t0.value NULLS LAST LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 2
-- $3 = int64 4
