-- GET /deals?select=title&title=ilike.*Order%206829*

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND ((t0.rowid IN (SELECT rowid FROM deal_title_grams WHERE deal_title_grams MATCH ?) AND cg_ilike(t0.title, ?))) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "\"w1x363832\" \"w1x383239\""
-- $3 = "%Order 6829%"
-- $4 = int64 1000
-- $5 = int64 0
