-- GET /deals?select=title,contact:contacts(first_name,last_name),company:companies(name)

-- select
SELECT t0.title, t0.contact_id, t0.company_id FROM deals t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0

-- embed contact
SELECT t1.first_name, t1.last_name, t1.id FROM contacts t1 WHERE t1.workspace_id = ? AND unlikely(t1.id IN (?));
-- $1 = int64 1
-- $2 = "<parent>"

-- embed company
SELECT t1.name, t1.id FROM companies t1 WHERE t1.workspace_id = ? AND unlikely(t1.id IN (?));
-- $1 = int64 1
-- $2 = "<parent>"
