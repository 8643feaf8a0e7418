-- +goose Up
-- UUIDs as 16-byte BLOBs and timestamps as INTEGER microseconds since
-- 1970-01-01 UTC. Until here a UUID took 36 characters of text in a row
-- and in every index holding it, a timestamp 27; at 100,000 deals they
-- were two fifths of the file. The API, the CLI and PostgreSQL keep the
-- text forms: the dialect translates (Bind and Decode in sqlite.go, the
-- codecs in storage.go). Orders are kept: 16 big-endian bytes compare as
-- the lowercase hex text does, the integer as the time.
--
-- Which columns: every uuid and timestamp column of the tables the REST
-- API serves (pipelines, pipeline_stages, companies, contacts, deals,
-- deal_stage_changes) and contact_identifiers.contact_id; the timestamps
-- of workspaces, api_keys and dashboard_sessions. Left as text:
-- workspaces.id, api_keys.id and dashboard_sessions.key_id (a row per
-- workspace or key, read as text by the CLI and authentication; nothing
-- to gain), idempotency_keys (its times are already integers).
--
-- The values are converted by the dialect's own codecs, registered as
-- SQL functions (rest.go): exact to the microsecond (julianday() is
-- not). A value that is not a UUID or a timestamp (none is written by
-- the server) is kept as it was.
--
-- SQLite cannot change a column's type: every table is rebuilt as in
-- 00010 (old tables renamed, new ones created and filled parent first,
-- old ones dropped children first, indexes built on the full tables).
-- Every constraint, foreign key, index and trigger is kept; deals keep
-- their rid, which the title search index is keyed on, and workspaces
-- their keys and key counter.

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
    created_at       INTEGER NOT NULL
);

CREATE TABLE api_keys (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipelines (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    id           BLOB NOT NULL,
    name         TEXT NOT NULL,
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipeline_stages (
    workspace_id INTEGER NOT NULL,
    id           BLOB NOT NULL,
    pipeline_id  BLOB NOT NULL,
    stage        TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    is_closed    INTEGER NOT NULL DEFAULT 0,
    is_won       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, pipeline_id, stage),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE companies (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (key),
    id            BLOB NOT NULL,
    name          TEXT NOT NULL,
    domain        TEXT,
    industry      TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE contacts (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (key),
    id            BLOB NOT NULL,
    first_name    TEXT,
    last_name     TEXT,
    phones        TEXT NOT NULL DEFAULT '[]',
    emails        TEXT NOT NULL DEFAULT '[]',
    company_id    BLOB,
    source        TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);

CREATE TABLE contact_identifiers (
    workspace_id INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value        TEXT NOT NULL,
    contact_id   BLOB NOT NULL,
    PRIMARY KEY (workspace_id, kind, value, contact_id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE deals (
    rid                 INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (key),
    id                  BLOB NOT NULL,
    title               TEXT NOT NULL,
    value               INTEGER NOT NULL CHECK (value >= 0),
    currency            TEXT NOT NULL,
    stage               TEXT NOT NULL,
    pipeline_id         BLOB NOT NULL,
    contact_id          BLOB,
    company_id          BLOB,
    expected_close_date TEXT,
    probability         INTEGER CHECK (probability BETWEEN 0 AND 100),
    source              TEXT,
    tags                TEXT NOT NULL DEFAULT '[]',
    custom_fields       TEXT NOT NULL DEFAULT '{}',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id)
);

CREATE TABLE deal_stage_changes (
    workspace_id INTEGER NOT NULL,
    id           BLOB NOT NULL,
    deal_id      BLOB NOT NULL,
    from_stage   TEXT,
    to_stage     TEXT NOT NULL,
    changed_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE dashboard_sessions (
    token_hash   BLOB PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    key_id       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
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

INSERT INTO workspaces (key, id, name, default_currency, phone_region, created_at)
SELECT key, id, name, default_currency, phone_region, cg_time_micros(created_at)
FROM old_workspaces ORDER BY key;
INSERT INTO api_keys (workspace_id, id, name, prefix, hash, scope, created_at, revoked_at)
SELECT workspace_id, id, name, prefix, hash, scope, cg_time_micros(created_at), cg_time_micros(revoked_at)
FROM old_api_keys ORDER BY rowid;
INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at)
SELECT workspace_id, cg_uuid_blob(id), name, is_default, cg_time_micros(created_at), cg_time_micros(updated_at)
FROM old_pipelines ORDER BY rowid;
INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, stage, name, position, is_closed, is_won, created_at)
SELECT workspace_id, cg_uuid_blob(id), cg_uuid_blob(pipeline_id), stage, name, position, is_closed, is_won, cg_time_micros(created_at)
FROM old_pipeline_stages ORDER BY rowid;
INSERT INTO companies (workspace_id, id, name, domain, industry, tags, custom_fields, created_at, updated_at)
SELECT workspace_id, cg_uuid_blob(id), name, domain, industry, tags, custom_fields, cg_time_micros(created_at), cg_time_micros(updated_at)
FROM old_companies ORDER BY rowid;
INSERT INTO contacts (workspace_id, id, first_name, last_name, phones, emails, company_id, source, tags, custom_fields, created_at, updated_at)
SELECT workspace_id, cg_uuid_blob(id), first_name, last_name, phones, emails, cg_uuid_blob(company_id), source, tags, custom_fields, cg_time_micros(created_at), cg_time_micros(updated_at)
FROM old_contacts ORDER BY rowid;
INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
SELECT workspace_id, kind, value, cg_uuid_blob(contact_id)
FROM old_contact_identifiers;
INSERT INTO deals (rid, workspace_id, id, title, value, currency, stage, pipeline_id, contact_id, company_id, expected_close_date, probability, source, tags, custom_fields, created_at, updated_at)
SELECT rid, workspace_id, cg_uuid_blob(id), title, value, currency, stage, cg_uuid_blob(pipeline_id), cg_uuid_blob(contact_id), cg_uuid_blob(company_id), expected_close_date, probability, source, tags, custom_fields, cg_time_micros(created_at), cg_time_micros(updated_at)
FROM old_deals ORDER BY rid;
INSERT INTO deal_stage_changes (workspace_id, id, deal_id, from_stage, to_stage, changed_at)
SELECT workspace_id, cg_uuid_blob(id), cg_uuid_blob(deal_id), from_stage, to_stage, cg_time_micros(changed_at)
FROM old_deal_stage_changes ORDER BY rowid;
INSERT INTO dashboard_sessions (token_hash, workspace_id, key_id, created_at, expires_at)
SELECT token_hash, workspace_id, key_id, cg_time_micros(created_at), cg_time_micros(expires_at)
FROM old_dashboard_sessions;
INSERT INTO idempotency_keys (workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at, status, headers, body) SELECT workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at, status, headers, body FROM old_idempotency_keys;
INSERT INTO workspace_changes (workspace_id, n) SELECT workspace_id, n FROM old_workspace_changes ORDER BY workspace_id;
-- The workspaces' key counter goes on where it was, even past a removed newest workspace.
UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'old_workspaces')) WHERE name = 'workspaces';
DELETE FROM sqlite_sequence WHERE name = 'old_workspaces';

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

PRAGMA analysis_limit = 1000;
ANALYZE;

-- +goose Down
-- The same rebuild backwards: UUIDs and timestamps as text again.

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

INSERT INTO workspaces (key, id, name, default_currency, phone_region, created_at)
SELECT key, id, name, default_currency, phone_region, cg_time_text(created_at)
FROM new_workspaces ORDER BY key;
INSERT INTO api_keys (workspace_id, id, name, prefix, hash, scope, created_at, revoked_at)
SELECT workspace_id, id, name, prefix, hash, scope, cg_time_text(created_at), cg_time_text(revoked_at)
FROM new_api_keys ORDER BY rowid;
INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at)
SELECT workspace_id, cg_uuid_text(id), name, is_default, cg_time_text(created_at), cg_time_text(updated_at)
FROM new_pipelines ORDER BY rowid;
INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, stage, name, position, is_closed, is_won, created_at)
SELECT workspace_id, cg_uuid_text(id), cg_uuid_text(pipeline_id), stage, name, position, is_closed, is_won, cg_time_text(created_at)
FROM new_pipeline_stages ORDER BY rowid;
INSERT INTO companies (workspace_id, id, name, domain, industry, tags, custom_fields, created_at, updated_at)
SELECT workspace_id, cg_uuid_text(id), name, domain, industry, tags, custom_fields, cg_time_text(created_at), cg_time_text(updated_at)
FROM new_companies ORDER BY rowid;
INSERT INTO contacts (workspace_id, id, first_name, last_name, phones, emails, company_id, source, tags, custom_fields, created_at, updated_at)
SELECT workspace_id, cg_uuid_text(id), first_name, last_name, phones, emails, cg_uuid_text(company_id), source, tags, custom_fields, cg_time_text(created_at), cg_time_text(updated_at)
FROM new_contacts ORDER BY rowid;
INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
SELECT workspace_id, kind, value, cg_uuid_text(contact_id)
FROM new_contact_identifiers;
INSERT INTO deals (rid, workspace_id, id, title, value, currency, stage, pipeline_id, contact_id, company_id, expected_close_date, probability, source, tags, custom_fields, created_at, updated_at)
SELECT rid, workspace_id, cg_uuid_text(id), title, value, currency, stage, cg_uuid_text(pipeline_id), cg_uuid_text(contact_id), cg_uuid_text(company_id), expected_close_date, probability, source, tags, custom_fields, cg_time_text(created_at), cg_time_text(updated_at)
FROM new_deals ORDER BY rid;
INSERT INTO deal_stage_changes (workspace_id, id, deal_id, from_stage, to_stage, changed_at)
SELECT workspace_id, cg_uuid_text(id), cg_uuid_text(deal_id), from_stage, to_stage, cg_time_text(changed_at)
FROM new_deal_stage_changes ORDER BY rowid;
INSERT INTO dashboard_sessions (token_hash, workspace_id, key_id, created_at, expires_at)
SELECT token_hash, workspace_id, key_id, cg_time_text(created_at), cg_time_text(expires_at)
FROM new_dashboard_sessions;
INSERT INTO idempotency_keys (workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at, status, headers, body) SELECT workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at, status, headers, body FROM new_idempotency_keys;
INSERT INTO workspace_changes (workspace_id, n) SELECT workspace_id, n FROM new_workspace_changes ORDER BY workspace_id;
-- The workspaces' key counter goes on where it was, even past a removed newest workspace.
UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'new_workspaces')) WHERE name = 'workspaces';
DELETE FROM sqlite_sequence WHERE name = 'new_workspaces';

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

PRAGMA analysis_limit = 1000;
ANALYZE;
