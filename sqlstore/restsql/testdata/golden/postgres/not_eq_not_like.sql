-- GET /deals?select=title&title=not.like.Order*&probability=not.eq.20

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (NOT (t0.title LIKE $2)) AND (NOT (t0.probability = $3)) LIMIT $4 OFFSET $5;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "Order%"
-- $3 = int64 20
-- $4 = int64 1000
-- $5 = int64 0
