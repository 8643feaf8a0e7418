-- GET /deals?select=title&and=(stage.in.(new,lost),tags.cs.%7Ba,b%7D,custom_fields->>x.is.null)

-- select
SELECT t0.title FROM deals t0 WHERE t0.workspace_id = $1 AND (((t0.stage IN ($2,$3)) AND (t0.tags @> $4::text[]) AND ((t0.custom_fields ->> $5::text) IS NULL))) LIMIT $6 OFFSET $7;
-- $1 = "0190a0b0-0000-7000-8000-0000000000aa"
-- $2 = "new"
-- $3 = "lost"
-- $4 = []string["a" "b"]
-- $5 = "x"
-- $6 = int64 1000
-- $7 = int64 0
