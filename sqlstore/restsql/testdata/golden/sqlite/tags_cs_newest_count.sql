-- GET /deals?select=title&tags=cs.%7Bvip%7D&stage=in.(new,won)&order=created_at.desc,title&limit=50
-- Prefer: count=exact

-- count
SELECT COUNT(*) FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = ? AND x0.tag = ? AND x0.rid = t0.rowid AND x0.created_at = +t0.created_at WHERE t0.workspace_id = ? AND (TRUE) AND (t0.stage IN (?,?));
-- $1 = int64 1
-- $2 = "vip"
-- $3 = int64 1
-- $4 = "new"
-- $5 = "won"

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = ? AND x0.tag = ? AND x0.rid = t0.rowid AND x0.created_at = +t0.created_at WHERE t0.workspace_id = ? AND (TRUE) AND (t0.stage IN (?,?)) ORDER BY x0.created_at DESC NULLS FIRST, t0.title NULLS LAST LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "vip"
-- $3 = int64 1
-- $4 = "new"
-- $5 = "won"
-- $6 = int64 50
-- $7 = int64 0
