-- GET /deals?select=title&title=fts.shopify&title=plfts.big%20deal&title=phfts.a%20b&title=wfts.order%20-x

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (cg_fts(t0.title, ?, ?)) AND (cg_fts(t0.title, ?, ?)) AND (cg_fts(t0.title, ?, ?)) AND (cg_fts(t0.title, ?, ?)) LIMIT ? OFFSET ?;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "fts"
-- $3 = "shopify"
-- $4 = "plfts"
-- $5 = "big deal"
-- $6 = "phfts"
-- $7 = "a b"
-- $8 = "wfts"
-- $9 = "order -x"
-- $10 = int64 1000
-- $11 = int64 0
