-- GET /deals?select=title&and=(stage.in.(new,lost),tags.cs.%7Ba,b%7D,custom_fields->>x.is.null)

-- select
SELECT t0.title FROM deals t0 JOIN deal_tags x0 ON x0.workspace_id = $1 AND x0.tag = $2 AND x0.rid = t0.id AND x0.created_at = t0.created_at WHERE t0.workspace_id = $3 AND (((t0.stage IN ($4,$5)) AND (t0.tags @> $6::text[]) AND ((t0.custom_fields ->> $7::text) IS NULL))) LIMIT $8 OFFSET $9;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "a"
-- $3 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $4 = "new"
-- $5 = "lost"
-- $6 = []string["b"]
-- $7 = "x"
-- $8 = int64 1000
-- $9 = int64 0
