-- GET /deals?select=title&stage=in.(new,qualified)&probability=in.(1,2,3)

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (unlikely(t0.stage IN (?,?))) AND (unlikely(t0.probability IN (?,?,?))) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "new"
-- $3 = "qualified"
-- $4 = int64 1
-- $5 = int64 2
-- $6 = int64 3
-- $7 = int64 1000
-- $8 = int64 0
