-- GET /deals?select=title&title=match.%5EOrder%20%5B0-9%5D%2B%24&source=imatch.%5Eshop

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (cg_match(t0.title, ?, ?)) AND (cg_match(t0.source, ?, ?)) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "^Order [0-9]+$"
-- $3 = bool false
-- $4 = "^shop"
-- $5 = bool true
-- $6 = int64 1000
-- $7 = int64 0
