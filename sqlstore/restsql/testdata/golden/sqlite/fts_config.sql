-- GET /deals?select=title&title=fts(english).orders

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (cg_fts(t0.title, ?, ?, ?, ?)) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "fts"
-- $3 = "english"
-- $4 = "orders"
-- $5 = bool false
-- $6 = int64 1000
-- $7 = int64 0
