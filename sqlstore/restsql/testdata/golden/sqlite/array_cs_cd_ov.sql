-- GET /deals?select=title&tags=cs.%7Bshopify,online%7D&tags=cd.%7Ba,b%7D&tags=ov.%7Bx%7D

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = ? AND x0.tag = ? AND x0.rid = t0.rowid AND x0.created_at = +t0.created_at WHERE t0.workspace_id = ? AND (((instr(t0.tags, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value = ?)))) AND (NOT EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value NOT IN (?,?))) AND (EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value IN (?))) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "shopify"
-- $3 = int64 1
-- $4 = "\"online\""
-- $5 = "online"
-- $6 = "a"
-- $7 = "b"
-- $8 = "x"
-- $9 = int64 1000
-- $10 = int64 0
