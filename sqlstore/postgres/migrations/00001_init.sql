-- +goose Up
-- The same tables, keys and foreign keys as the SQLite schema, in native
-- types: every table carries workspace_id and every primary key, unique
-- key and btree index starts with it (api_keys.hash is the one exception:
-- a key is looked up before its workspace is known). Foreign keys include
-- workspace_id, so a row can never point at another workspace's row, and a
-- distributed engine (Citus) can shard every table by workspace_id and keep
-- each workspace's rows and joins on one node.
-- Types: uuid ids, timestamptz, numeric(18,4) money (exact, the same
-- 14 integer digits and 4 decimals the domain allows), text[] arrays,
-- jsonb custom fields, date.

-- pg_trgm makes ilike/like '%...%' on titles and names an index scan
-- (storage-notes.md: 794 ms -> 62 ms at 1M deals). It is a trusted
-- extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE workspaces (
    id               uuid PRIMARY KEY,
    name             text NOT NULL UNIQUE,
    default_currency text NOT NULL DEFAULT 'USD',
    phone_region     text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL
);

CREATE TABLE api_keys (
    workspace_id uuid NOT NULL REFERENCES workspaces (id),
    id           uuid NOT NULL,
    name         text NOT NULL DEFAULT '',
    prefix       text NOT NULL,
    hash         bytea NOT NULL UNIQUE,
    scope        text NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipelines (
    workspace_id uuid NOT NULL REFERENCES workspaces (id),
    id           uuid NOT NULL,
    name         text NOT NULL,
    is_default   boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipeline_stages (
    workspace_id uuid NOT NULL,
    id           uuid NOT NULL,
    pipeline_id  uuid NOT NULL,
    stage        text NOT NULL,
    name         text NOT NULL DEFAULT '',
    position     integer NOT NULL DEFAULT 0,
    is_closed    boolean NOT NULL DEFAULT false,
    is_won       boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, pipeline_id, stage),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE companies (
    workspace_id  uuid NOT NULL REFERENCES workspaces (id),
    id            uuid NOT NULL,
    name          text NOT NULL,
    domain        text,
    industry      text,
    tags          text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE contacts (
    workspace_id  uuid NOT NULL REFERENCES workspaces (id),
    id            uuid NOT NULL,
    first_name    text,
    last_name     text,
    phones        text[] NOT NULL DEFAULT '{}',
    emails        text[] NOT NULL DEFAULT '{}',
    company_id    uuid,
    source        text,
    tags          text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX contacts_created ON contacts (workspace_id, created_at);
-- Name search (first_name=ilike.*ali*). Not on the bulk write path's
-- reads, so the default fastupdate (cheaper inserts) is kept.
CREATE INDEX contacts_first_name_trgm ON contacts USING gin (first_name gin_trgm_ops);
CREATE INDEX contacts_last_name_trgm ON contacts USING gin (last_name gin_trgm_ops);

-- One row per normalised phone (E.164) or email (lower-case) of a contact:
-- the exact-match btree for linking and for phones=cs./emails=cs. filters.
-- Two contacts may share one (a REST POST inserts, as PostgREST does);
-- the bulk endpoint links to the oldest and, under the workspace lock,
-- creates at most one contact per new phone or email. (A GIN
-- index on the text[] columns was measured 60x slower under generic plans
-- and slowed the write path; see storage-notes.md.)
CREATE TABLE contact_identifiers (
    workspace_id uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('phone', 'email')),
    value        text NOT NULL,
    contact_id   uuid NOT NULL,
    PRIMARY KEY (workspace_id, kind, value, contact_id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_identifiers_contact ON contact_identifiers (workspace_id, contact_id);

CREATE TABLE deals (
    workspace_id        uuid NOT NULL REFERENCES workspaces (id),
    id                  uuid NOT NULL,
    title               text NOT NULL,
    value               numeric(18, 4) NOT NULL CHECK (value >= 0),
    currency            text NOT NULL,
    stage               text NOT NULL,
    pipeline_id         uuid NOT NULL,
    contact_id          uuid,
    company_id          uuid,
    expected_close_date date,
    probability         integer CHECK (probability BETWEEN 0 AND 100),
    source              text,
    tags                text[] NOT NULL DEFAULT '{}',
    custom_fields       jsonb NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
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
-- title=ilike.*Order 6829* (storage-notes.md: 794 ms -> 62 ms at 1M deals).
-- Every bulk insert writes this index but no write-path read uses it, so
-- fastupdate stays on: inserts go to the pending list in batches.
CREATE INDEX deals_title_trgm ON deals USING gin (title gin_trgm_ops);

CREATE TABLE deal_stage_changes (
    workspace_id uuid NOT NULL,
    id           uuid NOT NULL,
    deal_id      uuid NOT NULL,
    from_stage   text,
    to_stage     text NOT NULL,
    changed_at   timestamptz NOT NULL,
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
