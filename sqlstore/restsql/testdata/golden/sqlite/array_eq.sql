-- GET /deals?select=title&tags=eq.%7Bshopify%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.tags = ?) LIMIT ? OFFSET ?;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "[\"shopify\"]"
-- $3 = int64 1000
-- $4 = int64 0
