-- +goose Up
-- Per-workspace title search. 00002's FTS5 trigram index was one index
-- for every workspace: a MATCH read the posting list of all workspaces'
-- titles, so an empty workspace's ilike took 52-69 ms when another held
-- 20,000 matching titles (0.4 ms otherwise). Here every trigram row is
-- keyed by its workspace first, so a search reads only its own
-- workspace's rows. sqlite/rest.go renders title=ilike with it.
--
-- A workspace gets a small stable number (an INTEGER PRIMARY KEY survives
-- VACUUM) to keep the keys short.
CREATE TABLE search_workspaces (
    n            INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL UNIQUE
);

-- One row per distinct trigram of lower(title) (ASCII case folding, as
-- SQLite's LIKE folds) and deal.
CREATE TABLE deal_title_trigrams (
    ws       INTEGER NOT NULL,
    trigram  TEXT NOT NULL,
    deal_rid INTEGER NOT NULL,
    PRIMARY KEY (ws, trigram, deal_rid)
) WITHOUT ROWID;

INSERT INTO search_workspaces (workspace_id) SELECT DISTINCT workspace_id FROM deals ORDER BY workspace_id;
-- json_each over "[0,0,...]" (length(title)-2 zeros) numbers the trigram
-- positions: SQLite allows no recursive WITH inside a trigger.
INSERT OR IGNORE INTO deal_title_trigrams (ws, trigram, deal_rid)
SELECT w.n, substr(lower(d.title), j.key + 1, 3), d.rid
FROM deals d JOIN search_workspaces w ON w.workspace_id = d.workspace_id,
     json_each('[' || substr(replace(hex(zeroblob(max(length(d.title) - 2, 0))), '00', '0,'), 1, max(length(d.title) - 2, 0) * 2 - 1) || ']') j;

DROP TRIGGER deals_title_fts_update;
DROP TRIGGER deals_title_fts_delete;
DROP TRIGGER deals_title_fts_insert;
DROP TABLE deals_title_fts;

-- +goose StatementBegin
CREATE TRIGGER deal_title_trigrams_insert AFTER INSERT ON deals BEGIN
    INSERT OR IGNORE INTO search_workspaces (workspace_id) VALUES (new.workspace_id);
    INSERT OR IGNORE INTO deal_title_trigrams (ws, trigram, deal_rid)
    SELECT (SELECT n FROM search_workspaces WHERE workspace_id = new.workspace_id), substr(lower(new.title), j.key + 1, 3), new.rid
    FROM json_each('[' || substr(replace(hex(zeroblob(max(length(new.title) - 2, 0))), '00', '0,'), 1, max(length(new.title) - 2, 0) * 2 - 1) || ']') j;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deal_title_trigrams_delete AFTER DELETE ON deals BEGIN
    DELETE FROM deal_title_trigrams
    WHERE ws = (SELECT n FROM search_workspaces WHERE workspace_id = old.workspace_id) AND deal_rid = old.rid
      AND trigram IN (SELECT substr(lower(old.title), j.key + 1, 3)
          FROM json_each('[' || substr(replace(hex(zeroblob(max(length(old.title) - 2, 0))), '00', '0,'), 1, max(length(old.title) - 2, 0) * 2 - 1) || ']') j);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER deal_title_trigrams_update AFTER UPDATE OF title ON deals BEGIN
    DELETE FROM deal_title_trigrams
    WHERE ws = (SELECT n FROM search_workspaces WHERE workspace_id = old.workspace_id) AND deal_rid = old.rid
      AND trigram IN (SELECT substr(lower(old.title), j.key + 1, 3)
          FROM json_each('[' || substr(replace(hex(zeroblob(max(length(old.title) - 2, 0))), '00', '0,'), 1, max(length(old.title) - 2, 0) * 2 - 1) || ']') j);
    INSERT OR IGNORE INTO deal_title_trigrams (ws, trigram, deal_rid)
    SELECT (SELECT n FROM search_workspaces WHERE workspace_id = new.workspace_id), substr(lower(new.title), j.key + 1, 3), new.rid
    FROM json_each('[' || substr(replace(hex(zeroblob(max(length(new.title) - 2, 0))), '00', '0,'), 1, max(length(new.title) - 2, 0) * 2 - 1) || ']') j;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER deal_title_trigrams_update;
DROP TRIGGER deal_title_trigrams_delete;
DROP TRIGGER deal_title_trigrams_insert;
DROP TABLE deal_title_trigrams;
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
