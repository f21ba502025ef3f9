-- kariz database schema.
--
-- This file is the one source of the schema: the kariz binary embeds it and
-- applies it to a new database, then sets PRAGMA user_version to the schema
-- version the binary was built for. Older databases are brought forward by
-- the migrations in src/store/migrate.c; a database with a higher
-- user_version than the binary knows is refused, never modified.
--
-- Money is stored in minor units (cents) as INTEGER; calendar dates as TEXT
-- 'YYYY-MM-DD'; instants as INTEGER Unix seconds (UTC).

-- Pipeline stages, kept in agreement with the rules in force.
CREATE TABLE stages (
    name        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    stale_days  INTEGER NOT NULL DEFAULT 0 CHECK (stale_days >= 0),
    kind        TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    retired     INTEGER NOT NULL DEFAULT 0      -- gone from the rules, still holds leads
);

-- One row per bulk import run (kariz import / kariz intake).
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,                  -- file name, or "-" for standard input
    fingerprint TEXT NOT NULL,                  -- identifies the input for resuming
    actor       TEXT NOT NULL,
    started     INTEGER NOT NULL,
    finished    INTEGER,                        -- NULL while unfinished (resumable)
    rows_done   INTEGER NOT NULL DEFAULT 0,     -- data rows fully processed
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE leads (
    id            INTEGER PRIMARY KEY,
    name          TEXT,
    title         TEXT,
    company       TEXT,
    industry      TEXT,
    employees     INTEGER CHECK (employees IS NULL OR employees >= 0),
    revenue       INTEGER,
    country       TEXT,
    city          TEXT,
    email         TEXT,
    phone         TEXT,
    value         INTEGER,
    currency      TEXT,
    close_date    TEXT,
    probability   INTEGER CHECK (probability IS NULL OR probability BETWEEN 0 AND 100),
    owner         TEXT,
    stage         TEXT NOT NULL REFERENCES stages(name) ON UPDATE CASCADE,
    status        TEXT,
    source        TEXT,
    next_step     TEXT,
    next_due      TEXT,
    score         INTEGER NOT NULL DEFAULT 0,
    grade         TEXT,
    pain          INTEGER NOT NULL DEFAULT 0,
    interest      INTEGER NOT NULL DEFAULT 0,
    fit           INTEGER NOT NULL DEFAULT 0,
    budget        INTEGER NOT NULL DEFAULT 0,
    authority     INTEGER NOT NULL DEFAULT 0,
    need          INTEGER NOT NULL DEFAULT 0,
    timeline      INTEGER NOT NULL DEFAULT 0,
    persona       TEXT,
    lost_reason   TEXT,
    lost_from     TEXT,
    stage_entered INTEGER NOT NULL,
    touched       INTEGER NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    import_id     INTEGER REFERENCES imports(id),
    version       INTEGER NOT NULL DEFAULT 1,
    score_at      INTEGER,  -- when the stored score was computed
    score_due     INTEGER,  -- when it can next change by itself (decay, windows, dates); NULL: never
    email_key     TEXT GENERATED ALWAYS AS (lower(trim(email))) VIRTUAL,
    -- The account a lead belongs to (see account.h), written by the store
    -- with every insert and every save of the lead, so finding a company's
    -- leads reads an index instead of every row: kz_company_key(company)
    -- ("acme" for "ACME, Inc."; NULL when empty) and
    -- kz_email_company_domain(email) ("acme.com"; NULL for none or a free
    -- mail provider's). The aliases are not applied here: they change
    -- without the leads changing, and the query maps them.
    company_key   TEXT,
    email_domain  TEXT,
    -- 0 for the lead that holds its e-mail, 1 for one that shares an
    -- e-mail another lead holds: made on purpose (import --on-duplicate
    -- new, an add or a save giving a lead an e-mail already in use), or
    -- left when the pipeline already had two. At most one lead holds an
    -- e-mail (leads_email_holder), so an import's duplicate check, which
    -- creates only holders, holds under imports running at once whatever
    -- the engine.
    email_shared  INTEGER NOT NULL DEFAULT 0,
    -- The name's place in the name order: ICU's sort key of the name's
    -- search form (Arabic and Persian yeh and kaf, the non-joiner as one)
    -- under the database's name locale (meta name_locale, ignoring case),
    -- written by the store with every name. Keys compare byte by byte as
    -- the collator compares names, so a plain index (leads_name) holds the
    -- order with no collation of kariz's in the schema. NULL for a lead
    -- without a name, or one another program wrote without a key: kariz
    -- fills those when it next opens the database to write
    -- (leads_name_unkeyed finds them).
    name_key      BLOB
);

-- The board reads one column at a time, in the order the user picked, and
-- stops once its screen is full: every sort order has an index per stage
-- and one per owner and stage (the owner filter), and a search walks it
-- checking each lead against the matches.
CREATE INDEX leads_board       ON leads (stage, score DESC, id);
CREATE INDEX leads_owner_board ON leads (owner, stage, score DESC, id);
CREATE INDEX leads_value       ON leads (stage, (value IS NULL), value DESC, id);
CREATE INDEX leads_owner_value ON leads (owner, stage, (value IS NULL), value DESC, id);
CREATE INDEX leads_age         ON leads (stage, stage_entered, id);
CREATE INDEX leads_owner_age   ON leads (owner, stage, stage_entered, id);
CREATE INDEX leads_due_board   ON leads (stage, (next_due IS NULL), next_due, id);
CREATE INDEX leads_owner_due   ON leads (owner, stage, (next_due IS NULL), next_due, id);
-- Names by their keys, in the database's name locale: a user whose own
-- collation locale orders names the same way walks these; any other user's
-- names sort by the collation kz_name, which each connection registers in
-- its user's language, reading the column's matches and sorting them.
CREATE INDEX leads_name        ON leads (stage, name_key, id);
CREATE INDEX leads_owner_name  ON leads (owner, stage, name_key, id);
CREATE INDEX leads_name_unkeyed ON leads (id) WHERE name_key IS NULL AND name IS NOT NULL;
CREATE INDEX leads_email       ON leads (email_key) WHERE email_key IS NOT NULL AND email_key <> '';
CREATE UNIQUE INDEX leads_email_holder ON leads (email_key)
    WHERE email_shared = 0 AND email_key IS NOT NULL AND email_key <> '';
CREATE INDEX leads_name_company ON leads (lower(name), lower(company));
CREATE INDEX leads_due         ON leads (next_due) WHERE next_due IS NOT NULL;
CREATE INDEX leads_import      ON leads (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX leads_score_due   ON leads (score_due) WHERE score_due IS NOT NULL;
CREATE INDEX leads_company_key ON leads (company_key) WHERE company_key IS NOT NULL;
CREATE INDEX leads_email_domain ON leads (email_domain) WHERE email_domain IS NOT NULL;

-- Every column an import could not map, and every field a team adds.
CREATE TABLE custom_fields (
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (lead_id, name)
) WITHOUT ROWID;

-- Touches: calls, e-mails, meetings, web visits, notes.
CREATE TABLE activities (
    id      INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    at      INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'none',
    author  TEXT NOT NULL,
    note    TEXT,
    stakeholder_id INTEGER REFERENCES stakeholders(id) ON DELETE SET NULL -- who it was with
);
CREATE INDEX activities_lead ON activities (lead_id, at);
CREATE INDEX activities_stakeholder ON activities (stakeholder_id) WHERE stakeholder_id IS NOT NULL;

-- People at the buyer: decision maker, champion, influencer... (role: one
-- of the rules' stakeholder_roles ids).
CREATE TABLE stakeholders (
    id      INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    role    TEXT,
    email   TEXT,
    phone   TEXT,
    note    TEXT,
    title   TEXT,
    created INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stakeholders_lead ON stakeholders (lead_id);

-- Two spellings of one company: leads whose company's key (lower case,
-- punctuation and legal suffixes dropped: see account.h) is `alias` belong
-- to the account whose key is `company`.
CREATE TABLE company_aliases (
    alias   TEXT PRIMARY KEY,
    company TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX company_aliases_company ON company_aliases (company);

-- The append-only event log: who did what, when, old and new value.
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    lead_id   INTEGER,                  -- NULL for events about no single lead
    at        INTEGER NOT NULL,
    version   INTEGER NOT NULL DEFAULT 0, -- the lead's version after the change
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    detail    TEXT
);
CREATE INDEX events_lead ON events (lead_id, id);
CREATE INDEX events_kind ON events (kind, at);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- Triage decisions: who looked at a lead in the triage queue, when, what
-- they decided, and the lead's grade then (a later band change brings it
-- back to the queue).
CREATE TABLE triage (
    id       INTEGER PRIMARY KEY,
    lead_id  INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    actor    TEXT NOT NULL,
    at       INTEGER NOT NULL,
    decision TEXT NOT NULL,
    grade    TEXT
);
CREATE INDEX triage_lead ON triage (lead_id, id);

-- Who has the board open, and on which lead: refreshed by a heartbeat,
-- ignored once stale, so a crashed board leaves no lock behind.
CREATE TABLE presence (
    actor   TEXT NOT NULL,
    host    TEXT NOT NULL,
    pid     INTEGER NOT NULL,
    lead_id INTEGER,                    -- the lead open in the detail view, if any
    seen    INTEGER NOT NULL,           -- last heartbeat (Unix seconds)
    PRIMARY KEY (actor, host, pid)
) WITHOUT ROWID;
CREATE INDEX presence_lead ON presence (lead_id);

-- Team-wide settings and state (last good rules, ...; name_locale, the
-- locale of the name order, and name_collator, the version of ICU's
-- collator that computed the name keys: a different version at open has
-- every key computed again).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;

-- Column totals per stage and owner, kept by the store in the same
-- transaction as every change to a lead, so the board's headers never scan
-- the leads.
-- Weighted value = (value - ovr_value) * stage probability / 100
--                  + ovr_weighted / 100   (ovr_*: leads overriding probability)
CREATE TABLE stage_totals (
    stage        TEXT NOT NULL,
    owner        TEXT NOT NULL DEFAULT '',
    n            INTEGER NOT NULL DEFAULT 0,
    value        INTEGER NOT NULL DEFAULT 0,
    ovr_value    INTEGER NOT NULL DEFAULT 0,
    ovr_weighted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (stage, owner)
) WITHOUT ROWID;

-- Full-text search over name, company, e-mail and notes (trigram: any
-- substring of three or more characters, case-insensitive). lead_text holds
-- each lead's searchable text, written by the store as
--     name US company US e-mail US notes
-- (US = the unit separator, U+001F, which never reaches it from the fields
-- themselves: the store writes it as a space), each note added after a
-- newline; lead_search indexes it (an external-content FTS5 table: the
-- store writes both in one transaction, and tells the index the old text
-- when it changes). A search never contains US, so no match spans two
-- fields; one column rather than four makes the index about a fifth smaller
-- and a query about twice as fast. A word so common that listing its
-- matches would cost more than a keystroke may is checked against
-- lead_text, lead by lead, for the cards on screen instead.
--
-- The store writes stage_totals, lead_text and lead_search itself, in the
-- statements that change a lead, rather than through triggers: a trigger
-- turns every insert into a multi-statement write with a statement
-- savepoint, and FTS5 flushes its buffered index at each savepoint, so a
-- bulk import would rewrite the index once per row.
CREATE TABLE lead_text (
    id  INTEGER PRIMARY KEY,                -- the lead's id
    doc TEXT NOT NULL
);
CREATE VIRTUAL TABLE lead_search USING fts5 (doc, content = 'lead_text', content_rowid = 'id',
                                             tokenize = 'trigram');
