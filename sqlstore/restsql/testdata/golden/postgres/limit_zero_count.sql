-- GET /deals?limit=0
-- Prefer: count=exact

-- count
SELECT COUNT(*) FROM deals t0 WHERE t0.workspace_id = $1;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
