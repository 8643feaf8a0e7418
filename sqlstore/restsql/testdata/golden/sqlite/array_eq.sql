-- GET /deals?select=title&tags=eq.%7Bshopify%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.tags = ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "[\"shopify\"]"
-- $3 = int64 1000
-- $4 = int64 0
