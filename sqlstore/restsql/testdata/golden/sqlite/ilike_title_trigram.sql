-- GET /deals?select=title&title=ilike.*Order%206829*

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND ((t0.rid IN (SELECT rowid FROM deals_title_fts WHERE deals_title_fts MATCH ?) AND cg_ilike(t0.title, ?))) LIMIT ? OFFSET ?;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "\"6829\""
-- $3 = "%Order 6829%"
-- $4 = int64 1000
-- $5 = int64 0
