-- GET /deals?select=title&custom_fields=cs.%7B%22payment_method%22%3A%22mada%22%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.custom_fields @> $2::jsonb) LIMIT $3 OFFSET $4;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "{\"payment_method\":\"mada\"}"
-- $3 = int64 1000
-- $4 = int64 0
