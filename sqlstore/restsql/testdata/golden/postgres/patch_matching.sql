-- PATCH /deals?id=eq.0190a0b0-0000-7000-8000-000000000001&select=title

-- matching
SELECT t0.id FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.id = $2);
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "0190a0b0-0000-7000-8000-000000000001"
