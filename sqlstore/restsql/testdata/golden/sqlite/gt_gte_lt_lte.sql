-- GET /deals?select=title&value=gt.10&value=gte.10.5&probability=lt.50&probability=lte.49

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.value > ?) AND (t0.value >= ?) AND (t0.probability < ?) AND (t0.probability <= ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 100000
-- $3 = int64 105000
-- $4 = int64 50
-- $5 = int64 49
-- $6 = int64 1000
-- $7 = int64 0
