-- GET /deals?select=title&value=gt.10&value=gte.10.5&probability=lt.50&probability=lte.49

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.value > $2) AND (t0.value >= $3) AND (t0.probability < $4) AND (t0.probability <= $5) LIMIT $6 OFFSET $7;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "10"
-- $3 = "10.5"
-- $4 = int64 50
-- $5 = int64 49
-- $6 = int64 1000
-- $7 = int64 0
