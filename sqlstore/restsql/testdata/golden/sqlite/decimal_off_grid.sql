-- GET /deals?select=title&value=eq.0.50001&value=gt.0.00005

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.value <> t0.value) AND (t0.value > ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 0
-- $3 = int64 1000
-- $4 = int64 0
