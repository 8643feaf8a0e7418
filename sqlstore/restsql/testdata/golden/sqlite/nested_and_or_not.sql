-- GET /deals?select=title&or=(stage.eq.won,not.and(value.gte.1000,value.lte.100000))&not.or=(stage.eq.new,title.eq.%22a,b%22)

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (((t0.stage = ?) OR (NOT ((t0.value >= ?) AND (t0.value <= ?))))) AND (NOT ((t0.stage = ?) OR (t0.title = ?))) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "won"
-- $3 = int64 10000000
-- $4 = int64 1000000000
-- $5 = "new"
-- $6 = "a,b"
-- $7 = int64 1000
-- $8 = int64 0
