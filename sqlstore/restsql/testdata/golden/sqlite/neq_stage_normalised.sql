-- GET /deals?select=title&stage=neq.QUALIFIED

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.stage <> ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "qualified"
-- $3 = int64 1000
-- $4 = int64 0
