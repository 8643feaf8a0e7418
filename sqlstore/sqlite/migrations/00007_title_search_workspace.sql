-- +goose Up
-- Per-workspace title search. 00002's FTS5 trigram index was one index
-- for every workspace: a MATCH read the posting list of a trigram across
-- all workspaces' titles, so an empty workspace's ilike took 52-69 ms
-- when another held 20,000 matching titles (0.4 ms otherwise).
--
-- Here each title is indexed as words that name its workspace
-- (sqlite/title_search.go): one word per trigram of the ASCII-lower-cased
-- title, "w" + the workspace's number + "x" + the trigram's bytes in hex,
-- made by the Go function cg_title_grams. A search MATCHes its own
-- workspace's words only, so it reads only its own workspace's posting
-- lists. FTS5 keeps bulk inserts fast (postings are buffered per
-- transaction); detail=none, as only the presence of a word is asked.

-- A workspace's small, stable number (an INTEGER PRIMARY KEY survives
-- VACUUM), to keep the words short.
CREATE TABLE search_workspaces (
    n            INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL UNIQUE
);
INSERT INTO search_workspaces (workspace_id) SELECT DISTINCT workspace_id FROM deals ORDER BY workspace_id;

DROP TRIGGER deals_title_fts_update;
DROP TRIGGER deals_title_fts_delete;
DROP TRIGGER deals_title_fts_insert;
DROP TABLE deals_title_fts;

CREATE VIRTUAL TABLE deal_title_grams USING fts5 (
    grams, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61'
);
INSERT INTO deal_title_grams (rowid, grams)
SELECT d.rid, cg_title_grams(w.n, d.title) FROM deals d JOIN search_workspaces w ON w.workspace_id = d.workspace_id;

-- +goose StatementBegin
CREATE TRIGGER deal_title_grams_insert AFTER INSERT ON deals BEGIN
    INSERT OR IGNORE INTO search_workspaces (workspace_id) VALUES (new.workspace_id);
    INSERT INTO deal_title_grams (rowid, grams)
    VALUES (new.rid, cg_title_grams((SELECT n FROM search_workspaces WHERE workspace_id = new.workspace_id), new.title));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deal_title_grams_delete AFTER DELETE ON deals BEGIN
    DELETE FROM deal_title_grams WHERE rowid = old.rid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deal_title_grams_update AFTER UPDATE OF title ON deals BEGIN
    DELETE FROM deal_title_grams WHERE rowid = old.rid;
    INSERT INTO deal_title_grams (rowid, grams)
    VALUES (new.rid, cg_title_grams((SELECT n FROM search_workspaces WHERE workspace_id = new.workspace_id), new.title));
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER deal_title_grams_update;
DROP TRIGGER deal_title_grams_delete;
DROP TRIGGER deal_title_grams_insert;
DROP TABLE deal_title_grams;
DROP TABLE search_workspaces;
CREATE VIRTUAL TABLE deals_title_fts USING fts5 (
    title, content = 'deals', content_rowid = 'rid', tokenize = 'trigram'
);
INSERT INTO deals_title_fts (deals_title_fts) VALUES ('rebuild');
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
