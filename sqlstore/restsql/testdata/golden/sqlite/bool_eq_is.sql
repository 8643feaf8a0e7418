-- GET /pipelines?select=name&is_default=eq.true&is_default=is.true

-- select
SELECT t0.name FROM pipelines t0 WHERE t0.workspace_id = ? AND (t0.is_default = ?) AND (t0.is_default IS TRUE) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int 1
-- $3 = int64 1000
-- $4 = int64 0
