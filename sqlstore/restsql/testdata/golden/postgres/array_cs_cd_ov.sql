-- GET /deals?select=title&tags=cs.%7Bshopify,online%7D&tags=cd.%7Ba,b%7D&tags=ov.%7Bx%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.tags @> $2::text[]) AND (t0.tags <@ $3::text[]) AND (t0.tags && $4::text[]) LIMIT $5 OFFSET $6;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = []string["shopify" "online"]
-- $3 = []string["a" "b"]
-- $4 = []string["x"]
-- $5 = int64 1000
-- $6 = int64 0
