-- GET /deals?select=title&stage=neq.QUALIFIED

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.stage <> $2) LIMIT $3 OFFSET $4;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "qualified"
-- $3 = int64 1000
-- $4 = int64 0
