-- GET /deals?select=title&tags=cs.%7Bshopify,online%7D&tags=cd.%7Ba,b%7D&tags=ov.%7Bx%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND ((EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value = ?) AND EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value = ?))) AND (NOT EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value NOT IN (?,?))) AND (EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value IN (?))) LIMIT ? OFFSET ?;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "shopify"
-- $3 = "online"
-- $4 = "a"
-- $5 = "b"
-- $6 = "x"
-- $7 = int64 1000
-- $8 = int64 0
