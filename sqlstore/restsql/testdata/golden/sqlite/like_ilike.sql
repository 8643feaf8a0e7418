-- GET /deals?select=title&title=like.Order*&source=ilike.*shop*

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.title GLOB ?) AND (cg_ilike(t0.source, ?)) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "Order*"
-- $3 = "%shop%"
-- $4 = int64 1000
-- $5 = int64 0
