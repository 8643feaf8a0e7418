-- GET /deals?select=title&title=fts.shopify&title=plfts.big%20deal&title=phfts.a%20b&title=wfts.order%20-x

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (to_tsvector('english'::regconfig, t0.title) @@ to_tsquery('english'::regconfig, $2)) AND (to_tsvector('english'::regconfig, t0.title) @@ plainto_tsquery('english'::regconfig, $3)) AND (to_tsvector('english'::regconfig, t0.title) @@ phraseto_tsquery('english'::regconfig, $4)) AND (to_tsvector('english'::regconfig, t0.title) @@ websearch_to_tsquery('english'::regconfig, $5)) LIMIT $6 OFFSET $7;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "shopify"
-- $3 = "big deal"
-- $4 = "a b"
-- $5 = "order -x"
-- $6 = int64 1000
-- $7 = int64 0
