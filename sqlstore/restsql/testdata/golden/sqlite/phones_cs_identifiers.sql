-- GET /contacts?select=first_name&phones=cs.%7B%22%2B20%20101%20717%207777%22%7D&emails=cs.%7BA@Example.com%7D

-- select
SELECT t0.first_name FROM contacts t0 WHERE t0.workspace_id = ? AND (t0.id IN (SELECT ci.contact_id FROM contact_identifiers ci WHERE ci.workspace_id = ? AND ci.kind = ? AND ci.value = ?)) AND (t0.id IN (SELECT ci.contact_id FROM contact_identifiers ci WHERE ci.workspace_id = ? AND ci.kind = ? AND ci.value = ?)) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1
-- $3 = "phone"
-- $4 = "+201017177777"
-- $5 = int64 1
-- $6 = "email"
-- $7 = "a@example.com"
-- $8 = int64 1000
-- $9 = int64 0
