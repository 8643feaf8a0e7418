-- GET /deals?select=title&or=(stage.eq.won,not.and(value.gte.1000,value.lte.100000))&not.or=(stage.eq.new,title.eq.%22a,b%22)

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (((t0.stage = $2) OR (NOT ((t0.value >= $3) AND (t0.value <= $4))))) AND (NOT ((t0.stage = $5) OR (t0.title = $6))) LIMIT $7 OFFSET $8;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "won"
-- $3 = "1000"
-- $4 = "100000"
-- $5 = "new"
-- $6 = "a,b"
-- $7 = int64 1000
-- $8 = int64 0
