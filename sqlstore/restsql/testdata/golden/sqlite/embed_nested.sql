-- GET /contacts?select=first_name,deals(title,company:companies(name))

-- select
SELECT t0.first_name, t0.id FROM contacts t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0

-- embed deals
SELECT t1.title, t1.company_id, t1.contact_id FROM deals t1 WHERE t1.workspace_id = ? AND unlikely(t1.contact_id IN (?)) ORDER BY t1.id;
-- $1 = int64 1
-- $2 = "<parent>"

-- embed deals.company
SELECT t2.name, t2.id FROM companies t2 WHERE t2.workspace_id = ? AND unlikely(t2.id IN (?));
-- $1 = int64 1
-- $2 = "<parent>"
