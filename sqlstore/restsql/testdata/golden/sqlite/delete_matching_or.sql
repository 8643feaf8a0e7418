-- DELETE /deals?or=(id.eq.0190a0b0-0000-7000-8000-000000000002,id.not.is.null)&title=eq.secret

-- matching
SELECT t0.id FROM deals t0 WHERE t0.workspace_id = ? AND (((t0.id = ?) OR (NOT (t0.id IS NULL)))) AND (t0.title = ?);
-- $1 = int64 1
-- $2 = bytes "\x01\x90\xa0\xb0\x00\x00p\x00\x80\x00\x00\x00\x00\x00\x00\x02"
-- $3 = "secret"
