-- +goose Up
-- Trigram index on deal titles: title=ilike.*Order 6829* (the guide's
-- search) reads the matching rows instead of scanning every deal. An
-- external-content FTS5 table keyed on deals.rid, kept in step by
-- triggers. Only LIKE (ilike) uses it; see sqlite/rest.go.
CREATE VIRTUAL TABLE deals_title_fts USING fts5 (
    title, content = 'deals', content_rowid = 'rid', tokenize = 'trigram'
);
INSERT INTO deals_title_fts (rowid, title) SELECT rid, title FROM deals;

-- +goose StatementBegin
CREATE TRIGGER deals_title_fts_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deals_title_fts (rowid, title) VALUES (new.rid, new.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deals_title_fts_delete AFTER DELETE ON deals BEGIN
    INSERT INTO deals_title_fts (deals_title_fts, rowid, title) VALUES ('delete', old.rid, old.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deals_title_fts_update AFTER UPDATE OF title ON deals BEGIN
    INSERT INTO deals_title_fts (deals_title_fts, rowid, title) VALUES ('delete', old.rid, old.title);
    INSERT INTO deals_title_fts (rowid, title) VALUES (new.rid, new.title);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER deals_title_fts_update;
DROP TRIGGER deals_title_fts_delete;
DROP TRIGGER deals_title_fts_insert;
DROP TABLE deals_title_fts;
