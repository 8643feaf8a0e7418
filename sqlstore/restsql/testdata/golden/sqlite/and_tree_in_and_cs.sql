-- GET /deals?select=title&and=(stage.in.(new,lost),tags.cs.%7Ba,b%7D,custom_fields->>x.is.null)

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = ? AND x0.tag = ? AND x0.rid = t0.rowid AND x0.created_at = +t0.created_at WHERE t0.workspace_id = ? AND (((t0.stage IN (?,?)) AND (((instr(t0.tags, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(t0.tags) WHERE value = ?)))) AND ((CASE json_type(t0.custom_fields, ?) WHEN 'text' THEN json_extract(t0.custom_fields, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE cg_jsonb_text(t0.custom_fields -> ?) END) IS NULL))) LIMIT ? OFFSET ?;
-- $1 = int64 1
-- $2 = "a"
-- $3 = int64 1
-- $4 = "new"
-- $5 = "lost"
-- $6 = "\"b\""
-- $7 = "b"
-- $8 = "$.\"x\""
-- $9 = "$.\"x\""
-- $10 = "$.\"x\""
-- $11 = int64 1000
-- $12 = int64 0
