-- GET /deals?select=name:title,value,probability::text

-- select
SELECT t0.title, t0.value, t0.probability FROM deals t0 WHERE t0.workspace_id = $1 LIMIT $2 OFFSET $3;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = int64 1000
-- $3 = int64 0
