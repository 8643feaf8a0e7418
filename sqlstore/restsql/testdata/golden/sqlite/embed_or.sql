-- GET /contacts?select=first_name,deals(title)&deals.or=(value.lt.8000,title.eq.x)

-- select
SELECT t0.first_name, t0.id FROM contacts t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0

-- embed deals
SELECT t1.title, t1.contact_id FROM deals t1 WHERE t1.workspace_id = ? AND (((t1.value < ?) OR (t1.title = ?))) AND unlikely(t1.contact_id IN (?)) ORDER BY t1.id;
-- $1 = int64 1
-- $2 = int64 80000000
-- $3 = "x"
-- $4 = "<parent>"
