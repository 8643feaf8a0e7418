-- GET /deals?select=title&title=ilike.*Order%206829*

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND ((t0.rowid IN (SELECT rowid FROM deal_title_grams WHERE deal_title_grams MATCH coalesce((SELECT '"w' || n || 'x' || ? || '"' || ' ' || '"w' || n || 'x' || ? || '"' FROM search_workspaces WHERE workspace_id = ?), '"wnone"')) AND cg_ilike(t0.title, ?))) LIMIT ? OFFSET ?;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "363832"
-- $3 = "383239"
-- $4 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $5 = "%Order 6829%"
-- $6 = int64 1000
-- $7 = int64 0
