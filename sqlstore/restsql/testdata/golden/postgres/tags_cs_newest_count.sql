-- GET /deals?select=title&tags=cs.%7Bvip%7D&stage=in.(new,won)&order=created_at.desc,title&limit=50
-- Prefer: count=exact

-- count
SELECT COUNT(*) FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = $1 AND x0.tag = $2 AND x0.rid = t0.id AND x0.created_at = t0.created_at WHERE t0.workspace_id = $3 AND (TRUE) AND (t0.stage IN ($4,$5));
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "vip"
-- $3 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $4 = "new"
-- $5 = "won"

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = $1 AND x0.tag = $2 AND x0.rid = t0.id AND x0.created_at = t0.created_at WHERE t0.workspace_id = $3 AND (TRUE) AND (t0.stage IN ($4,$5)) ORDER BY x0.created_at DESC NULLS FIRST, t0.title NULLS LAST LIMIT $6 OFFSET $7;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "vip"
-- $3 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $4 = "new"
-- $5 = "won"
-- $6 = int64 50
-- $7 = int64 0
