-- GET /deals?select=title&title=like(any).%7BOrder*,big*%7D&value=gt(all).%7B1,5000%7D&stage=eq(any).%7B%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND ((t0.title LIKE $2 OR t0.title LIKE $3)) AND ((t0.value > $4 AND t0.value > $5)) AND (FALSE) LIMIT $6 OFFSET $7;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "Order%"
-- $3 = "big%"
-- $4 = "1"
-- $5 = "5000"
-- $6 = int64 1000
-- $7 = int64 0
