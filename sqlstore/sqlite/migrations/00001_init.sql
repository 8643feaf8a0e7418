-- +goose Up
-- Every table carries workspace_id and every key and index starts with it
-- (api_keys.hash is the one exception: a key is looked up before its
-- workspace is known). Foreign keys include workspace_id, so a row can
-- never point at another workspace's row.
-- Types: ids are UUID v7 text; timestamps are fixed-width RFC 3339 UTC
-- text (text order is time order); deals.value is an INTEGER in units of
-- 10^-4 (exact sums and comparisons); arrays and custom_fields are JSON text.

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
CREATE INDEX contacts_created ON contacts (workspace_id, created_at);

-- One row per normalised phone (E.164) or email (lower-case) of a contact:
-- the exact-match index for linking and for phones=cs./emails=cs. filters.
-- Not unique: the REST API may store two contacts with one phone (the
-- guide POSTs a contact whose phone a bulk request already created);
-- linking picks the oldest (ids are time-ordered UUID v7). The bulk
-- endpoint never creates a second contact for a phone or email: it holds
-- the workspace's write lock from look-up to insert.
CREATE TABLE contact_identifiers (
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value        TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, kind, value, contact_id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX contact_identifiers_contact ON contact_identifiers (workspace_id, contact_id);

-- rid is the rowid, hidden from the API: appending rows in rid order is the
-- fastest layout measured here, and the title search index (00002) keys
-- on it. The API's key is (workspace_id, id).
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
-- skip_if_exists and the contact -> deals embedding.
CREATE INDEX deals_contact_title ON deals (workspace_id, contact_id, title);
CREATE INDEX deals_created ON deals (workspace_id, created_at);
CREATE INDEX deals_stage ON deals (workspace_id, stage, created_at);
CREATE INDEX deals_value ON deals (workspace_id, value);
CREATE INDEX deals_company ON deals (workspace_id, company_id);

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
CREATE INDEX deal_stage_changes_deal ON deal_stage_changes (workspace_id, deal_id, changed_at);

-- +goose Down
DROP TABLE deal_stage_changes;
DROP TABLE deals;
DROP TABLE contact_identifiers;
DROP TABLE contacts;
DROP TABLE companies;
DROP TABLE pipeline_stages;
DROP TABLE pipelines;
DROP TABLE api_keys;
DROP TABLE workspaces;
