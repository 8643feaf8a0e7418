-- GET /deals?select=title&title=like(any).%7BOrder*,big*%7D&value=gt(all).%7B1,5000%7D&stage=eq(any).%7B%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND ((t0.title GLOB ? OR t0.title GLOB ?)) AND ((t0.value > ? AND t0.value > ?)) AND (FALSE) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "Order*"
-- $3 = "big*"
-- $4 = int64 10000
-- $5 = int64 50000000
-- $6 = int64 1000
-- $7 = int64 0
