-- GET /deals?select=title&custom_fields->>shopify_order_id=eq.68297797

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND ((t0.custom_fields ->> $2::text) = $3) LIMIT $4 OFFSET $5;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "shopify_order_id"
-- $3 = "68297797"
-- $4 = int64 1000
-- $5 = int64 0
