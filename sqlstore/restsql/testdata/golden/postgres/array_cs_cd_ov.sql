-- GET /deals?select=title&tags=cs.%7Bshopify,online%7D&tags=cd.%7Ba,b%7D&tags=ov.%7Bx%7D

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = $1 AND x0.tag = $2 AND x0.rid = t0.id AND x0.created_at = t0.created_at WHERE t0.workspace_id = $3 AND (t0.tags @> $4::text[]) AND (t0.tags <@ $5::text[]) AND (t0.tags && $6::text[]) LIMIT $7 OFFSET $8;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "shopify"
-- $3 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $4 = []string["online"]
-- $5 = []string["a" "b"]
-- $6 = []string["x"]
-- $7 = int64 1000
-- $8 = int64 0
