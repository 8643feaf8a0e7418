-- GET /contacts?select=first_name,deals(title,value)&deals.order=value.desc&deals.limit=1&deals.stage=eq.won

-- select
SELECT t0.first_name, t0.id FROM contacts t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0

-- embed deals
SELECT t1.title, t1.value, t1.contact_id FROM deals t1 WHERE t1.workspace_id = ? AND (t1.stage = ?) AND unlikely(t1.contact_id IN (?)) ORDER BY t1.value DESC NULLS FIRST, t1.id;
-- $1 = int64 1
-- $2 = "won"
-- $3 = "<parent>"
