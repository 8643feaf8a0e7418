-- GET /deals?select=title&custom_fields->>shopify_order_id=eq.68297797

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND ((CASE json_type(t0.custom_fields, ?) WHEN 'text' THEN json_extract(t0.custom_fields, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE cg_jsonb_text(t0.custom_fields -> ?) END) = ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "$.\"shopify_order_id\""
-- $3 = "$.\"shopify_order_id\""
-- $4 = "$.\"shopify_order_id\""
-- $5 = "68297797"
-- $6 = int64 1000
-- $7 = int64 0
