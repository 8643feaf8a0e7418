-- GET /deals?select=oid:custom_fields->>shopify_order_id,custom_fields->items_count,tags->0

-- select
SELECT (t0.custom_fields ->> $1::text), (t0.custom_fields -> $2::text), (to_jsonb(t0.tags) -> $3::integer) FROM deals t0 WHERE t0.workspace_id = $4 LIMIT $5 OFFSET $6;
-- $1 = "shopify_order_id"
-- $2 = "items_count"
-- $3 = int 0
-- $4 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $5 = int64 1000
-- $6 = int64 0
