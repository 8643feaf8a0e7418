-- GET /deals?select=title&tags=ov.%7Bvip%7D&order=created_at.desc

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = ? AND x0.tag = ? AND x0.rid = t0.rowid AND x0.created_at = +t0.created_at WHERE t0.workspace_id = ? AND (TRUE) ORDER BY x0.created_at DESC NULLS FIRST LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "vip"
-- $3 = int64 1
-- $4 = int64 1000
-- $5 = int64 0
