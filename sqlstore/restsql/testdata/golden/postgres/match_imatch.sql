-- GET /deals?select=title&title=match.%5EOrder%20%5B0-9%5D%2B%24&source=imatch.%5Eshop

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.title ~ $2) AND (t0.source ~* $3) LIMIT $4 OFFSET $5;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "^Order [0-9]+$"
-- $3 = "^shop"
-- $4 = int64 1000
-- $5 = int64 0
