-- GET /deals

-- select
SELECT t0.id, t0.title, t0.value, t0.currency, t0.stage, t0.pipeline_id, t0.contact_id, t0.company_id, t0.expected_close_date, t0.probability, t0.source, t0.tags, t0.custom_fields, t0.created_at, t0.updated_at FROM deals t0 WHERE t0.workspace_id = ? LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = int64 1000
-- $3 = int64 0
