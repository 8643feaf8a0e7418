-- GET /deals?select=title&expected_close_date=gt.2025-01-01&created_at=lt.2025-06-01T12:00:00Z

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.expected_close_date > ?) AND (t0.created_at < ?) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "2025-01-01"
-- $3 = int64 1748779200000000
-- $4 = int64 1000
-- $5 = int64 0
