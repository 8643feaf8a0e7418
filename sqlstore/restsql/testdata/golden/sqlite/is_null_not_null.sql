-- GET /deals?select=title&probability=is.null&company_id=not.is.null&source=is.not_null

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = ? AND (t0.probability IS NULL) AND (NOT (t0.company_id IS NULL)) AND (t0.source IS NOT NULL) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0
