-- GET /deals?select=title&order=probability.desc.nullslast,value,custom_fields->items_count.asc.nullsfirst

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 ORDER BY t0.probability DESC NULLS LAST, t0.value NULLS LAST, (t0.custom_fields -> $2::text) NULLS FIRST LIMIT $3 OFFSET $4;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "items_count"
-- $3 = int64 1000
-- $4 = int64 0
