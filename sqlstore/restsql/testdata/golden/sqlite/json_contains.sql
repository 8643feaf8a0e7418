-- GET /deals?select=title&custom_fields=cs.%7B%22payment_method%22%3A%22mada%22%7D

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (cg_jsonb_contains(t0.custom_fields, ?)) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "{\"payment_method\":\"mada\"}"
-- $3 = int64 1000
-- $4 = int64 0
