-- +goose Up
-- The workspace as a small integer in every table and index. Until here
-- each row and each index entry began with the workspace's UUID as 36
-- characters of text (about a third of the file at 100,000 deals); now
-- workspaces has an integer key, and workspace_id everywhere else holds
-- that key (1-2 bytes in a record). The API, the CLI and PostgreSQL keep
-- the UUID: the store translates it in one place
-- (sqlstore.Store.WorkspaceArg in sqlstore/workspace.go).
--
-- key is an INTEGER PRIMARY KEY (the rowid: it survives VACUUM) with
-- AUTOINCREMENT, so a key is never given to a second workspace, even
-- after the newest one is removed. The title search (00007) keeps its
-- words: a workspace that had a search number gets it as its key, so
-- deal_title_grams is not rebuilt, and search_workspaces goes.
--
-- SQLite cannot change a column's type: every table is rebuilt. The old
-- tables are renamed first (which points the old foreign keys at the
-- old names), the new ones created under the final names and filled
-- parent first, with foreign keys checked as rows arrive; then the old
-- ones are dropped, children first, and the indexes built on the full
-- tables. Every constraint, foreign key, index and trigger is kept;
-- deals keep their rid, which the title search index is keyed on.

DROP TRIGGER deal_title_grams_insert;
DROP TRIGGER deal_title_grams_delete;
DROP TRIGGER deal_title_grams_update;

ALTER TABLE workspaces RENAME TO old_workspaces;
ALTER TABLE api_keys RENAME TO old_api_keys;
ALTER TABLE pipelines RENAME TO old_pipelines;
ALTER TABLE pipeline_stages RENAME TO old_pipeline_stages;
ALTER TABLE companies RENAME TO old_companies;
ALTER TABLE contacts RENAME TO old_contacts;
ALTER TABLE contact_identifiers RENAME TO old_contact_identifiers;
ALTER TABLE deals RENAME TO old_deals;
ALTER TABLE deal_stage_changes RENAME TO old_deal_stage_changes;
ALTER TABLE dashboard_sessions RENAME TO old_dashboard_sessions;
ALTER TABLE idempotency_keys RENAME TO old_idempotency_keys;
ALTER TABLE workspace_changes RENAME TO old_workspace_changes;

CREATE TABLE workspaces (
    key              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL UNIQUE,
    default_currency TEXT NOT NULL DEFAULT 'USD',
    phone_region     TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);

CREATE TABLE api_keys (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipelines (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipeline_stages (
    workspace_id INTEGER NOT NULL,
    id           TEXT NOT NULL,
    pipeline_id  TEXT NOT NULL,
    stage        TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    is_closed    INTEGER NOT NULL DEFAULT 0,
    is_won       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, pipeline_id, stage),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE companies (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (key),
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    domain        TEXT,
    industry      TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE contacts (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (key),
    id            TEXT NOT NULL,
    first_name    TEXT,
    last_name     TEXT,
    phones        TEXT NOT NULL DEFAULT '[]',
    emails        TEXT NOT NULL DEFAULT '[]',
    company_id    TEXT,
    source        TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);

CREATE TABLE contact_identifiers (
    workspace_id INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value        TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, kind, value, contact_id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE deals (
    rid                 INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (key),
    id                  TEXT NOT NULL,
    title               TEXT NOT NULL,
    value               INTEGER NOT NULL CHECK (value >= 0),
    currency            TEXT NOT NULL,
    stage               TEXT NOT NULL,
    pipeline_id         TEXT NOT NULL,
    contact_id          TEXT,
    company_id          TEXT,
    expected_close_date TEXT,
    probability         INTEGER CHECK (probability BETWEEN 0 AND 100),
    source              TEXT,
    tags                TEXT NOT NULL DEFAULT '[]',
    custom_fields       TEXT NOT NULL DEFAULT '{}',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id)
);

CREATE TABLE deal_stage_changes (
    workspace_id INTEGER NOT NULL,
    id           TEXT NOT NULL,
    deal_id      TEXT NOT NULL,
    from_stage   TEXT,
    to_stage     TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE dashboard_sessions (
    token_hash   BLOB PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    key_id       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    FOREIGN KEY (workspace_id, key_id) REFERENCES api_keys (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE idempotency_keys (
    workspace_id INTEGER NOT NULL,
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    owner        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'committed', 'done')),
    lease_until  INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    status       INTEGER,
    headers      TEXT,
    body         BLOB,
    PRIMARY KEY (workspace_id, scope, key)
);

CREATE TABLE workspace_changes (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces (key),
    n            INTEGER NOT NULL
);

-- Workspaces with deals keep their search number as their key; the
-- others (in creation order) get the keys after it.
INSERT INTO workspaces (key, id, name, default_currency, phone_region, created_at)
SELECT s.n, w.id, w.name, w.default_currency, w.phone_region, w.created_at
FROM old_workspaces w JOIN search_workspaces s ON s.workspace_id = w.id ORDER BY s.n;
INSERT INTO workspaces (id, name, default_currency, phone_region, created_at)
SELECT w.id, w.name, w.default_currency, w.phone_region, w.created_at
FROM old_workspaces w WHERE w.id NOT IN (SELECT workspace_id FROM search_workspaces) ORDER BY w.created_at, w.id;

INSERT INTO api_keys (workspace_id, id, name, prefix, hash, scope, created_at, revoked_at)
SELECT w.key, k.id, k.name, k.prefix, k.hash, k.scope, k.created_at, k.revoked_at
FROM old_api_keys k JOIN workspaces w ON w.id = k.workspace_id ORDER BY k.rowid;
INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at)
SELECT w.key, p.id, p.name, p.is_default, p.created_at, p.updated_at
FROM old_pipelines p JOIN workspaces w ON w.id = p.workspace_id ORDER BY p.rowid;
INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, stage, name, position, is_closed, is_won, created_at)
SELECT w.key, s.id, s.pipeline_id, s.stage, s.name, s.position, s.is_closed, s.is_won, s.created_at
FROM old_pipeline_stages s JOIN workspaces w ON w.id = s.workspace_id ORDER BY s.rowid;
INSERT INTO companies (workspace_id, id, name, domain, industry, tags, custom_fields, created_at, updated_at)
SELECT w.key, c.id, c.name, c.domain, c.industry, c.tags, c.custom_fields, c.created_at, c.updated_at
FROM old_companies c JOIN workspaces w ON w.id = c.workspace_id ORDER BY c.rowid;
INSERT INTO contacts (workspace_id, id, first_name, last_name, phones, emails, company_id, source, tags, custom_fields, created_at, updated_at)
SELECT w.key, c.id, c.first_name, c.last_name, c.phones, c.emails, c.company_id, c.source, c.tags, c.custom_fields, c.created_at, c.updated_at
FROM old_contacts c JOIN workspaces w ON w.id = c.workspace_id ORDER BY c.rowid;
INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
SELECT w.key, i.kind, i.value, i.contact_id
FROM old_contact_identifiers i JOIN workspaces w ON w.id = i.workspace_id;
INSERT INTO deals (rid, workspace_id, id, title, value, currency, stage, pipeline_id, contact_id, company_id,
                   expected_close_date, probability, source, tags, custom_fields, created_at, updated_at)
SELECT d.rid, w.key, d.id, d.title, d.value, d.currency, d.stage, d.pipeline_id, d.contact_id, d.company_id,
       d.expected_close_date, d.probability, d.source, d.tags, d.custom_fields, d.created_at, d.updated_at
FROM old_deals d JOIN workspaces w ON w.id = d.workspace_id ORDER BY d.rid;
INSERT INTO deal_stage_changes (workspace_id, id, deal_id, from_stage, to_stage, changed_at)
SELECT w.key, x.id, x.deal_id, x.from_stage, x.to_stage, x.changed_at
FROM old_deal_stage_changes x JOIN workspaces w ON w.id = x.workspace_id ORDER BY x.rowid;
INSERT INTO dashboard_sessions (token_hash, workspace_id, key_id, created_at, expires_at)
SELECT s.token_hash, w.key, s.key_id, s.created_at, s.expires_at
FROM old_dashboard_sessions s JOIN workspaces w ON w.id = s.workspace_id;
INSERT INTO idempotency_keys (workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at, status, headers, body)
SELECT w.key, i.scope, i.key, i.fingerprint, i.owner, i.state, i.lease_until, i.expires_at, i.status, i.headers, i.body
FROM old_idempotency_keys i JOIN workspaces w ON w.id = i.workspace_id;
INSERT INTO workspace_changes (workspace_id, n)
SELECT w.key, c.n FROM old_workspace_changes c JOIN workspaces w ON w.id = c.workspace_id ORDER BY w.key;

DROP TABLE old_workspace_changes;
DROP TABLE old_idempotency_keys;
DROP TABLE old_dashboard_sessions;
DROP TABLE old_deal_stage_changes;
DROP TABLE old_deals;
DROP TABLE old_contact_identifiers;
DROP TABLE old_contacts;
DROP TABLE old_companies;
DROP TABLE old_pipeline_stages;
DROP TABLE old_pipelines;
DROP TABLE old_api_keys;
DROP TABLE old_workspaces;
DROP TABLE search_workspaces;

-- The indexes as 00001-00009 left them.
CREATE INDEX contacts_created ON contacts (workspace_id, created_at);
CREATE INDEX contact_identifiers_contact ON contact_identifiers (workspace_id, contact_id);
CREATE INDEX deals_contact_title ON deals (workspace_id, contact_id, title);
CREATE INDEX deals_created ON deals (workspace_id, created_at);
CREATE INDEX deals_stage ON deals (workspace_id, stage, created_at);
CREATE INDEX deals_value ON deals (workspace_id, value);
CREATE INDEX deals_company ON deals (workspace_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, currency, created_at, rid, value, probability);
CREATE INDEX deal_stage_changes_deal ON deal_stage_changes (workspace_id, deal_id, changed_at);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (workspace_id, expires_at);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- The title search triggers: the workspace's key is its search number.
-- +goose StatementBegin
CREATE TRIGGER deal_title_grams_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deal_title_grams (rowid, grams) VALUES (new.rid, cg_title_grams(new.workspace_id, new.title));
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
    INSERT INTO deal_title_grams (rowid, grams) VALUES (new.rid, cg_title_grams(new.workspace_id, new.title));
END;
-- +goose StatementEnd

-- Statistics for the new indexes (the old ones went with their tables).
PRAGMA analysis_limit = 1000;
ANALYZE;

-- +goose Down
-- The same rebuild backwards: workspace_id holds the UUID again, and
-- search_workspaces numbers each workspace by its key (the words in
-- deal_title_grams name those numbers, so the index stays valid).

DROP TRIGGER deal_title_grams_insert;
DROP TRIGGER deal_title_grams_delete;
DROP TRIGGER deal_title_grams_update;

ALTER TABLE workspaces RENAME TO new_workspaces;
ALTER TABLE api_keys RENAME TO new_api_keys;
ALTER TABLE pipelines RENAME TO new_pipelines;
ALTER TABLE pipeline_stages RENAME TO new_pipeline_stages;
ALTER TABLE companies RENAME TO new_companies;
ALTER TABLE contacts RENAME TO new_contacts;
ALTER TABLE contact_identifiers RENAME TO new_contact_identifiers;
ALTER TABLE deals RENAME TO new_deals;
ALTER TABLE deal_stage_changes RENAME TO new_deal_stage_changes;
ALTER TABLE dashboard_sessions RENAME TO new_dashboard_sessions;
ALTER TABLE idempotency_keys RENAME TO new_idempotency_keys;
ALTER TABLE workspace_changes RENAME TO new_workspace_changes;

CREATE TABLE workspaces (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    default_currency TEXT NOT NULL DEFAULT 'USD',
    phone_region     TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);

CREATE TABLE api_keys (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipelines (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipeline_stages (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    pipeline_id  TEXT NOT NULL,
    stage        TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    is_closed    INTEGER NOT NULL DEFAULT 0,
    is_won       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, pipeline_id, stage),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE companies (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    domain        TEXT,
    industry      TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE contacts (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    id            TEXT NOT NULL,
    first_name    TEXT,
    last_name     TEXT,
    phones        TEXT NOT NULL DEFAULT '[]',
    emails        TEXT NOT NULL DEFAULT '[]',
    company_id    TEXT,
    source        TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);

CREATE TABLE contact_identifiers (
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value        TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, kind, value, contact_id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE deals (
    rid                 INTEGER PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces (id),
    id                  TEXT NOT NULL,
    title               TEXT NOT NULL,
    value               INTEGER NOT NULL CHECK (value >= 0),
    currency            TEXT NOT NULL,
    stage               TEXT NOT NULL,
    pipeline_id         TEXT NOT NULL,
    contact_id          TEXT,
    company_id          TEXT,
    expected_close_date TEXT,
    probability         INTEGER CHECK (probability BETWEEN 0 AND 100),
    source              TEXT,
    tags                TEXT NOT NULL DEFAULT '[]',
    custom_fields       TEXT NOT NULL DEFAULT '{}',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id)
);

CREATE TABLE deal_stage_changes (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    deal_id      TEXT NOT NULL,
    from_stage   TEXT,
    to_stage     TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE dashboard_sessions (
    token_hash   BLOB PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    key_id       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    FOREIGN KEY (workspace_id, key_id) REFERENCES api_keys (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE idempotency_keys (
    workspace_id TEXT NOT NULL,
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    owner        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'committed', 'done')),
    lease_until  INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    status       INTEGER,
    headers      TEXT,
    body         BLOB,
    PRIMARY KEY (workspace_id, scope, key)
);

CREATE TABLE workspace_changes (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id),
    n            INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE search_workspaces (
    n            INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL UNIQUE
);
INSERT INTO search_workspaces (n, workspace_id) SELECT key, id FROM new_workspaces ORDER BY key;

INSERT INTO workspaces (id, name, default_currency, phone_region, created_at)
SELECT id, name, default_currency, phone_region, created_at FROM new_workspaces ORDER BY key;
INSERT INTO api_keys (workspace_id, id, name, prefix, hash, scope, created_at, revoked_at)
SELECT w.id, k.id, k.name, k.prefix, k.hash, k.scope, k.created_at, k.revoked_at
FROM new_api_keys k JOIN new_workspaces w ON w.key = k.workspace_id ORDER BY k.rowid;
INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at)
SELECT w.id, p.id, p.name, p.is_default, p.created_at, p.updated_at
FROM new_pipelines p JOIN new_workspaces w ON w.key = p.workspace_id ORDER BY p.rowid;
INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, stage, name, position, is_closed, is_won, created_at)
SELECT w.id, s.id, s.pipeline_id, s.stage, s.name, s.position, s.is_closed, s.is_won, s.created_at
FROM new_pipeline_stages s JOIN new_workspaces w ON w.key = s.workspace_id ORDER BY s.rowid;
INSERT INTO companies (workspace_id, id, name, domain, industry, tags, custom_fields, created_at, updated_at)
SELECT w.id, c.id, c.name, c.domain, c.industry, c.tags, c.custom_fields, c.created_at, c.updated_at
FROM new_companies c JOIN new_workspaces w ON w.key = c.workspace_id ORDER BY c.rowid;
INSERT INTO contacts (workspace_id, id, first_name, last_name, phones, emails, company_id, source, tags, custom_fields, created_at, updated_at)
SELECT w.id, c.id, c.first_name, c.last_name, c.phones, c.emails, c.company_id, c.source, c.tags, c.custom_fields, c.created_at, c.updated_at
FROM new_contacts c JOIN new_workspaces w ON w.key = c.workspace_id ORDER BY c.rowid;
INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
SELECT w.id, i.kind, i.value, i.contact_id
FROM new_contact_identifiers i JOIN new_workspaces w ON w.key = i.workspace_id;
INSERT INTO deals (rid, workspace_id, id, title, value, currency, stage, pipeline_id, contact_id, company_id,
                   expected_close_date, probability, source, tags, custom_fields, created_at, updated_at)
SELECT d.rid, w.id, d.id, d.title, d.value, d.currency, d.stage, d.pipeline_id, d.contact_id, d.company_id,
       d.expected_close_date, d.probability, d.source, d.tags, d.custom_fields, d.created_at, d.updated_at
FROM new_deals d JOIN new_workspaces w ON w.key = d.workspace_id ORDER BY d.rid;
INSERT INTO deal_stage_changes (workspace_id, id, deal_id, from_stage, to_stage, changed_at)
SELECT w.id, x.id, x.deal_id, x.from_stage, x.to_stage, x.changed_at
FROM new_deal_stage_changes x JOIN new_workspaces w ON w.key = x.workspace_id ORDER BY x.rowid;
INSERT INTO dashboard_sessions (token_hash, workspace_id, key_id, created_at, expires_at)
SELECT s.token_hash, w.id, s.key_id, s.created_at, s.expires_at
FROM new_dashboard_sessions s JOIN new_workspaces w ON w.key = s.workspace_id;
INSERT INTO idempotency_keys (workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at, status, headers, body)
SELECT w.id, i.scope, i.key, i.fingerprint, i.owner, i.state, i.lease_until, i.expires_at, i.status, i.headers, i.body
FROM new_idempotency_keys i JOIN new_workspaces w ON w.key = i.workspace_id;
INSERT INTO workspace_changes (workspace_id, n)
SELECT w.id, c.n FROM new_workspace_changes c JOIN new_workspaces w ON w.key = c.workspace_id;

DROP TABLE new_workspace_changes;
DROP TABLE new_idempotency_keys;
DROP TABLE new_dashboard_sessions;
DROP TABLE new_deal_stage_changes;
DROP TABLE new_deals;
DROP TABLE new_contact_identifiers;
DROP TABLE new_contacts;
DROP TABLE new_companies;
DROP TABLE new_pipeline_stages;
DROP TABLE new_pipelines;
DROP TABLE new_api_keys;
DROP TABLE new_workspaces;

CREATE INDEX contacts_created ON contacts (workspace_id, created_at);
CREATE INDEX contact_identifiers_contact ON contact_identifiers (workspace_id, contact_id);
CREATE INDEX deals_contact_title ON deals (workspace_id, contact_id, title);
CREATE INDEX deals_created ON deals (workspace_id, created_at);
CREATE INDEX deals_stage ON deals (workspace_id, stage, created_at);
CREATE INDEX deals_value ON deals (workspace_id, value);
CREATE INDEX deals_company ON deals (workspace_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, currency, created_at, rid, value, probability);
CREATE INDEX deal_stage_changes_deal ON deal_stage_changes (workspace_id, deal_id, changed_at);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (workspace_id, expires_at);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

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

PRAGMA analysis_limit = 1000;
ANALYZE;
