-- GET /deals?select=title,company:companies(name)&company=not.is.null&order=company(name).desc

-- select
SELECT t0.title, t0.company_id FROM deals t0 WHERE t0.workspace_id = ? AND (NOT (NOT EXISTS (SELECT 1 FROM companies t1 WHERE t1.workspace_id = ? AND t1.id = t0.company_id))) ORDER BY (SELECT o0.name FROM companies o0 WHERE o0.workspace_id = ? AND o0.id = t0.company_id) DESC NULLS FIRST LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1
-- $3 = int64 1
-- $4 = int64 1000
-- $5 = int64 0

-- embed company
SELECT t1.name, t1.id FROM companies t1 WHERE t1.workspace_id = ? AND unlikely(t1.id IN (?));
-- $1 = int64 1
-- $2 = "<parent>"
