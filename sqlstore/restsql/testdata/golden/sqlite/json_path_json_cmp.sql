-- GET /deals?select=title&custom_fields->items_count=gt.2&custom_fields->a->0->>b=like.x*

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (cg_jsonb_cmp((t0.custom_fields -> ?), ?) > 0) AND ((CASE json_type(t0.custom_fields, ?) WHEN 'text' THEN json_extract(t0.custom_fields, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE cg_jsonb_text(t0.custom_fields -> ?) END) GLOB ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "$.\"items_count\""
-- $3 = "2"
-- $4 = "$.\"a\"[0].\"b\""
-- $5 = "$.\"a\"[0].\"b\""
-- $6 = "$.\"a\"[0].\"b\""
-- $7 = "x*"
-- $8 = int64 1000
-- $9 = int64 0
