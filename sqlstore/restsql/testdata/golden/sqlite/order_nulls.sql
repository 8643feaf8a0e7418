-- GET /deals?select=title&order=probability.desc.nullslast,value,custom_fields->items_count.asc.nullsfirst

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? ORDER BY t0.probability DESC NULLS LAST, t0.value NULLS LAST, (t0.custom_fields -> ?) COLLATE cg_jsonb NULLS FIRST LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "$.\"items_count\""
-- $3 = int64 1000
-- $4 = int64 0
