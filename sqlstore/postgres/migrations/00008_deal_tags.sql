-- +goose Up
-- An index of deals by tag (crm.Column.Elements on deals.tags), the
-- same as SQLite's (its 00012): deal_tags lists each deal under each of
-- its distinct tags, keyed so that a tag's newest deals come first. The
-- REST engine joins it to deals (restsql.ElementJoiner) for
-- tags=cs.{vip}&order=created_at.desc, and the plan reads the list's
-- key backwards and each deal by its primary key: 50 entries for a page
-- of 50, whatever the tag's share. Without it, a tag on one deal in a
-- hundred walked deals_created testing ~5,000 rows (1.0 ms), and a GIN
-- index on tags was slower still for such a tag (its 1,000 rows on 1,000
-- heap pages, then sorted: 1.7 ms).
--
-- rid is the deal's id. workspace_id leads the key and every query binds
-- it. Kept by triggers: inserts a statement at a time (a bulk request's
-- 10,000 deals in one INSERT ... SELECT), deletes likewise, updates per
-- row and only when tags or created_at change (the WHEN clause is
-- evaluated without calling the function).
CREATE TABLE deal_tags (
    workspace_id uuid NOT NULL,
    tag          text NOT NULL,
    created_at   timestamptz NOT NULL,
    rid          uuid NOT NULL,
    PRIMARY KEY (workspace_id, tag, created_at, rid)
);

INSERT INTO deal_tags (workspace_id, tag, created_at, rid)
SELECT DISTINCT d.workspace_id, t.tag, d.created_at, d.id FROM deals d, unnest(d.tags) AS t (tag);

-- +goose StatementBegin
CREATE FUNCTION deal_tags_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deal_tags (workspace_id, tag, created_at, rid)
    SELECT DISTINCT n.workspace_id, t.tag, n.created_at, n.id FROM new_deals n, unnest(n.tags) AS t (tag);
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION deal_tags_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deal_tags x USING old_deals o
    WHERE x.workspace_id = o.workspace_id AND x.tag = ANY (o.tags) AND x.created_at = o.created_at AND x.rid = o.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION deal_tags_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deal_tags
    WHERE workspace_id = OLD.workspace_id AND tag = ANY (OLD.tags) AND created_at = OLD.created_at AND rid = OLD.id;
    INSERT INTO deal_tags (workspace_id, tag, created_at, rid)
    SELECT DISTINCT NEW.workspace_id, t.tag, NEW.created_at, NEW.id FROM unnest(NEW.tags) AS t (tag);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER deal_tags_insert AFTER INSERT ON deals REFERENCING NEW TABLE AS new_deals
    FOR EACH STATEMENT EXECUTE FUNCTION deal_tags_insert();
CREATE TRIGGER deal_tags_delete AFTER DELETE ON deals REFERENCING OLD TABLE AS old_deals
    FOR EACH STATEMENT EXECUTE FUNCTION deal_tags_delete();
CREATE TRIGGER deal_tags_update AFTER UPDATE OF tags, created_at, workspace_id, id ON deals
    FOR EACH ROW WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION deal_tags_update();

ANALYZE deal_tags;

-- +goose Down
DROP TRIGGER deal_tags_update ON deals;
DROP TRIGGER deal_tags_delete ON deals;
DROP TRIGGER deal_tags_insert ON deals;
DROP FUNCTION deal_tags_update();
DROP FUNCTION deal_tags_delete();
DROP FUNCTION deal_tags_insert();
DROP TABLE deal_tags;
