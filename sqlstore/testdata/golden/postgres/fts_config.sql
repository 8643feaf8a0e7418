-- GET /deals?select=title&title=fts(english).orders

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (to_tsvector($2::regconfig, t0.title) @@ to_tsquery($3::regconfig, $4)) LIMIT $5 OFFSET $6;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "english"
-- $3 = "english"
-- $4 = "orders"
-- $5 = int64 1000
-- $6 = int64 0
