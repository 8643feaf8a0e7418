-- GET /deals?select=title&custom_fields->items_count=gt.2&custom_fields->a->0->>b=like.x*

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND ((t0.custom_fields -> $2::text) > $3::jsonb) AND ((t0.custom_fields -> $4::text -> $5::integer ->> $6::text) LIKE $7) LIMIT $8 OFFSET $9;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "items_count"
-- $3 = "2"
-- $4 = "a"
-- $5 = int 0
-- $6 = "b"
-- $7 = "x%"
-- $8 = int64 1000
-- $9 = int64 0
