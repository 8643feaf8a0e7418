-- GET /deals?select=title&or=(value.gt.10000,stage.eq.won)

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (((t0.value > $2) OR (t0.stage = $3))) LIMIT $4 OFFSET $5;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "10000"
-- $3 = "won"
-- $4 = int64 1000
-- $5 = int64 0
