-- GET /deals?select=title&probability=isdistinct.20

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.probability IS DISTINCT FROM ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 20
-- $3 = int64 1000
-- $4 = int64 0
