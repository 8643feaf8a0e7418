-- +goose Up
-- An index of deals by tag (crm.Column.Elements on deals.tags). Until
-- here tags=cs.{vip}&order=created_at.desc walked the workspace's deals
-- newest first and tested each row's JSON text: a tag on one deal in a
-- hundred read ~5,000 rows for a page of 50 (407 req/s, where the title
-- search served 2,263-3,019).
--
-- deal_tags lists each deal under each of its distinct tags, keyed so
-- that a tag's newest deals come first: (workspace_id, tag, created_at,
-- rid). The REST engine joins it to deals (restsql.ElementJoiner,
-- sqlite/rest.go ElementJoin) and orders by its created_at, so a page
-- reads its 50 entries and their 50 deals, whether the tag is rare or on
-- every deal. workspace_id leads the key and every query binds it: a
-- workspace reads only its own entries.
--
-- created_at has no declared type: it holds whatever deals.created_at
-- holds (text in RFC 3339 up to 00010, whatever a later migration makes
-- it), with no affinity to convert it, so the copy orders and compares as
-- the deal's own value. Comparisons against a deals column write it as
-- +column (no affinity), so the primary key still serves them. A
-- migration that changes what deals.created_at holds must rebuild this
-- table (the INSERT below) and its triggers.
CREATE TABLE deal_tags (
    workspace_id INTEGER NOT NULL,
    tag          TEXT NOT NULL,
    created_at   NOT NULL,
    rid          INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, tag, created_at, rid)
) WITHOUT ROWID;

INSERT OR IGNORE INTO deal_tags (workspace_id, tag, created_at, rid)
SELECT d.workspace_id, j.value, d.created_at, d.rid FROM deals d, json_each(d.tags) j;

-- A deal's entries: one per distinct tag (a tag sent twice is listed
-- once, so the join yields each deal once).
-- +goose StatementBegin
CREATE TRIGGER deal_tags_insert AFTER INSERT ON deals WHEN new.tags <> '[]' BEGIN
    INSERT INTO deal_tags (workspace_id, tag, created_at, rid)
    SELECT DISTINCT new.workspace_id, value, new.created_at, new.rid FROM json_each(new.tags);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deal_tags_delete AFTER DELETE ON deals WHEN old.tags <> '[]' BEGIN
    DELETE FROM deal_tags WHERE workspace_id = old.workspace_id AND tag IN (SELECT value FROM json_each(old.tags))
        AND created_at = +old.created_at AND rid = old.rid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deal_tags_update AFTER UPDATE OF tags, created_at, workspace_id, rid ON deals
WHEN old.tags IS NOT new.tags OR old.created_at IS NOT new.created_at OR old.workspace_id IS NOT new.workspace_id OR old.rid IS NOT new.rid BEGIN
    DELETE FROM deal_tags WHERE workspace_id = old.workspace_id AND tag IN (SELECT value FROM json_each(old.tags))
        AND created_at = +old.created_at AND rid = old.rid;
    INSERT INTO deal_tags (workspace_id, tag, created_at, rid)
    SELECT DISTINCT new.workspace_id, value, new.created_at, new.rid FROM json_each(new.tags);
END;
-- +goose StatementEnd

-- Statistics for the planner (a tag's share of the deals).
PRAGMA analysis_limit = 1000;
ANALYZE deal_tags;

-- +goose Down
DROP TRIGGER deal_tags_update;
DROP TRIGGER deal_tags_delete;
DROP TRIGGER deal_tags_insert;
DROP TABLE deal_tags;
