-- GET /deals?select=title,...contacts(first_name)

-- select
SELECT t0.title, t0.contact_id FROM deals t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0

-- embed contacts
SELECT t1.first_name, t1.id FROM contacts t1 WHERE t1.workspace_id = ? AND unlikely(t1.id IN (?));
-- $1 = int64 1
-- $2 = "<parent>"
