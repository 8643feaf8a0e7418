-- GET /deals?select=title&title=fts(english).orders

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (to_tsvector('english'::regconfig, t0.title) @@ to_tsquery('english'::regconfig, $2)) LIMIT $3 OFFSET $4;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "orders"
-- $3 = int64 1000
-- $4 = int64 0
