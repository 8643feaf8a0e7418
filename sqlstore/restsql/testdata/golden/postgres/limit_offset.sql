-- GET /deals?select=title&order=value&limit=2&offset=4

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 ORDER BY t0.value NULLS LAST LIMIT $2 OFFSET $3;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = int64 2
-- $3 = int64 4
