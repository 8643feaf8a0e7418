-- GET /deals?select=title&tags=ov.%7Bvip%7D&order=created_at.desc

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = $1 AND x0.tag = $2 AND x0.rid = t0.id AND x0.created_at = t0.created_at WHERE t0.workspace_id = $3 AND (TRUE) ORDER BY x0.created_at DESC NULLS FIRST LIMIT $4 OFFSET $5;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "vip"
-- $3 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $4 = int64 1000
-- $5 = int64 0
