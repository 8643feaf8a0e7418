-- GET /deals?select=title&title=ilike.*Order%206829*

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND ((t0.rid IN (SELECT deal_rid FROM deal_title_trigrams WHERE ws = (SELECT n FROM search_workspaces WHERE workspace_id = ?) AND trigram = ? INTERSECT SELECT deal_rid FROM deal_title_trigrams WHERE ws = (SELECT n FROM search_workspaces WHERE workspace_id = ?) AND trigram = ?) AND cg_ilike(t0.title, ?))) LIMIT ? OFFSET ?;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $3 = "682"
-- $4 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $5 = "829"
-- $6 = "%Order 6829%"
-- $7 = int64 1000
-- $8 = int64 0
