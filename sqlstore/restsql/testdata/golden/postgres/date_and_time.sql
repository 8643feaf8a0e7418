-- GET /deals?select=title&expected_close_date=gt.2025-01-01&created_at=lt.2025-06-01T12:00:00Z

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.expected_close_date > $2) AND (t0.created_at < $3) LIMIT $4 OFFSET $5;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "2025-01-01"
-- $3 = time 2025-06-01T12:00:00Z
-- $4 = int64 1000
-- $5 = int64 0
