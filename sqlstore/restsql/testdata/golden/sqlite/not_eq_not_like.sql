-- GET /deals?select=title&title=not.like.Order*&probability=not.eq.20

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (NOT (t0.title GLOB ?)) AND (NOT (t0.probability = ?)) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "Order*"
-- $3 = int64 20
-- $4 = int64 1000
-- $5 = int64 0
