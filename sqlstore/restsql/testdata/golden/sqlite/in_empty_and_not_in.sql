-- GET /deals?select=title&stage=in.()&source=not.in.(a,%22b,c%22)

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (FALSE) AND (NOT (unlikely(t0.source IN (?,?)))) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "a"
-- $3 = "b,c"
-- $4 = int64 1000
-- $5 = int64 0
