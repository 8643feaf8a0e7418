-- DELETE /deals?or=(id.eq.0190a0b0-0000-7000-8000-000000000002,id.not.is.null)&title=eq.secret

-- matching
SELECT t0.id FROM deals t0 WHERE t0.workspace_id = $1 AND (((t0.id = $2) OR (NOT (t0.id IS NULL)))) AND (t0.title = $3);
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "0190a0b0-0000-7000-8000-000000000002"
-- $3 = "secret"
