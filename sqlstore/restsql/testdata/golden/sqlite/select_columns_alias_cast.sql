-- GET /deals?select=name:title,value,probability::text

-- select
SELECT t0.title, t0.value, t0.probability FROM deals t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0
