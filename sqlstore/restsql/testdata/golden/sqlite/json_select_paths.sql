-- GET /deals?select=oid:custom_fields->>shopify_order_id,custom_fields->items_count,tags->0

-- select
SELECT (CASE json_type(t0.custom_fields, ?) WHEN 'text' THEN json_extract(t0.custom_fields, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE cg_jsonb_text(t0.custom_fields -> ?) END), (t0.custom_fields -> ?), (t0.tags -> ?) FROM deals t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = "$.\"shopify_order_id\""
-- $2 = "$.\"shopify_order_id\""
-- $3 = "$.\"shopify_order_id\""
-- $4 = "$.\"items_count\""
-- $5 = "$[0]"
-- $6 = int64 1
-- $7 = int64 1000
-- $8 = int64 0
