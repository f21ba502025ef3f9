-- kariz database schema for PostgreSQL (15 or later).
--
-- The same tables, columns, constraints and indexes as schema.sql at
-- schema version 7, for a team whose pipeline lives in PostgreSQL (see
-- docs/deployment.md). The kariz binary embeds this file and applies it to
-- an empty database (`kariz init --db postgresql://...`); the store records
-- the schema version. The store's SQL is written once for both engines:
-- what PostgreSQL spells differently is made to match here (the functions
-- at the end), so the statements the store runs against SQLite run
-- unchanged. tests/pg/schema_check.sh checks this file against schema.sql
-- and a server.
--
-- What differs from schema.sql, and why:
--   * every integer column is BIGINT: money in minor units and Unix times
--     overflow 32 bits (SQLite's INTEGER is 64 bits already);
--   * kariz gives each new lead, activity, stakeholder, event and import
--     its id itself, the next after the highest (INSERT ... RETURNING id,
--     as SQLite's rowid does; writers take the write lock first, so two
--     never compute the same one), so a rolled-back insert leaves no gap
--     and `kariz copy` keeps ids as they are: those ids are plain BIGINT
--     keys, which a trigger fills the same way for a row inserted by hand
--     without one; triage's id, which nothing reads but its order, is an
--     identity column;
--   * no WITHOUT ROWID (every PostgreSQL table is a heap with its indexes);
--   * tables are created in an order PostgreSQL accepts (a table before any
--     table that references it);
--   * search uses a pg_trgm GIN index on lead_text instead of FTS5;
--   * the acting user is the authenticated role: triggers set the actor of
--     every event, triage decision, presence entry and import to
--     session_user, so no client can write in someone else's name;
--   * the change feed is NOTIFY on channel "kariz" (SQLite's boards watch
--     the file instead);
--   * presence records the server process of the session that wrote it,
--     so a board whose session died can be told from a live one.
--
-- Money is stored in minor units (cents) as BIGINT; calendar dates as TEXT
-- 'YYYY-MM-DD' (as in SQLite, so dates compare as text on both engines);
-- instants as BIGINT Unix seconds (UTC).

-- Persian and every other script: kariz stores UTF-8, and the search index
-- (pg_trgm) indexes only the characters the database's character
-- classification (LC_CTYPE) calls letters or digits: under the C locale no
-- Persian letter is one, and a Persian search would read every row.
DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RAISE EXCEPTION 'database "%" has encoding %, kariz needs UTF8',
            current_database(), current_setting('server_encoding')
            USING HINT = 'create it with: createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME';
    END IF;
    IF current_setting('lc_ctype') IN ('C', 'POSIX') THEN
        RAISE EXCEPTION 'database "%" has LC_CTYPE %, under which the search index holds no Persian or other non-ASCII letter; kariz needs a UTF-8 locale',
            current_database(), current_setting('lc_ctype')
            USING HINT = 'create it with: createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME';
    END IF;
END
$$;

-- Trigram indexes for search. A trusted extension: the database's owner
-- may create it, no superuser needed.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Pipeline stages, kept in agreement with the rules in force.
CREATE TABLE stages (
    name        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    position    BIGINT NOT NULL,
    probability BIGINT NOT NULL CHECK (probability BETWEEN 0 AND 100),
    stale_days  BIGINT NOT NULL DEFAULT 0 CHECK (stale_days >= 0),
    kind        TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    retired     BIGINT NOT NULL DEFAULT 0      -- gone from the rules, still holds leads
);

-- One row per bulk import run (kariz import / kariz intake).
CREATE TABLE imports (
    id          BIGINT PRIMARY KEY,
    source      TEXT NOT NULL,                 -- file name, or "-" for standard input
    fingerprint TEXT NOT NULL,                 -- identifies the input for resuming
    actor       TEXT NOT NULL,                 -- who started it: set to session_user
    started     BIGINT NOT NULL,
    finished    BIGINT,                        -- NULL while unfinished (resumable)
    rows_done   BIGINT NOT NULL DEFAULT 0,     -- data rows fully processed
    created     BIGINT NOT NULL DEFAULT 0,
    updated     BIGINT NOT NULL DEFAULT 0,
    skipped     BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE leads (
    id            BIGINT PRIMARY KEY,
    name          TEXT,
    title         TEXT,
    company       TEXT,
    industry      TEXT,
    employees     BIGINT CHECK (employees IS NULL OR employees >= 0),
    revenue       BIGINT,
    country       TEXT,
    city          TEXT,
    email         TEXT,
    phone         TEXT,
    value         BIGINT,
    currency      TEXT,
    close_date    TEXT,
    probability   BIGINT CHECK (probability IS NULL OR probability BETWEEN 0 AND 100),
    owner         TEXT,
    stage         TEXT NOT NULL REFERENCES stages(name) ON UPDATE CASCADE,
    status        TEXT,
    source        TEXT,
    next_step     TEXT,
    next_due      TEXT,
    score         BIGINT NOT NULL DEFAULT 0,
    grade         TEXT,
    pain          BIGINT NOT NULL DEFAULT 0,
    interest      BIGINT NOT NULL DEFAULT 0,
    fit           BIGINT NOT NULL DEFAULT 0,
    budget        BIGINT NOT NULL DEFAULT 0,
    authority     BIGINT NOT NULL DEFAULT 0,
    need          BIGINT NOT NULL DEFAULT 0,
    timeline      BIGINT NOT NULL DEFAULT 0,
    persona       TEXT,
    lost_reason   TEXT,
    lost_from     TEXT,
    stage_entered BIGINT NOT NULL,
    touched       BIGINT NOT NULL,
    created       BIGINT NOT NULL,
    updated       BIGINT NOT NULL,
    import_id     BIGINT REFERENCES imports(id),
    version       BIGINT NOT NULL DEFAULT 1,
    score_at      BIGINT,  -- when the stored score was computed
    score_due     BIGINT,  -- when it can next change by itself (decay, windows, dates); NULL: never
    -- The normalised e-mail. STORED: PostgreSQL has no virtual generated
    -- columns before version 18. btrim is SQLite's trim (spaces at both
    -- ends); lower() folds every letter the database's locale knows, where
    -- SQLite's folds ASCII only: on PostgreSQL "ÖZ@x.ir" and "öz@x.ir" are
    -- one address.
    email_key     TEXT GENERATED ALWAYS AS (lower(btrim(email))) STORED,
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
    email_shared  BIGINT NOT NULL DEFAULT 0
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
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (lead_id, name)
);

-- People at the buyer: decision maker, champion, influencer... (role: one
-- of the rules' stakeholder_roles ids). Before activities, which refer to
-- them (SQLite resolves a reference when it is used, PostgreSQL when the
-- table is created).
CREATE TABLE stakeholders (
    id      BIGINT PRIMARY KEY,
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    role    TEXT,
    email   TEXT,
    phone   TEXT,
    note    TEXT,
    title   TEXT,
    created BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX stakeholders_lead ON stakeholders (lead_id);

-- Touches: calls, e-mails, meetings, web visits, notes. The author is kept
-- as written (not forced to the acting role): an import keeps the authors
-- of the CRM it came from.
CREATE TABLE activities (
    id      BIGINT PRIMARY KEY,
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    at      BIGINT NOT NULL,
    kind    TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'none',
    author  TEXT NOT NULL,
    note    TEXT,
    stakeholder_id BIGINT REFERENCES stakeholders(id) ON DELETE SET NULL -- who it was with
);
CREATE INDEX activities_lead ON activities (lead_id, at);
CREATE INDEX activities_stakeholder ON activities (stakeholder_id) WHERE stakeholder_id IS NOT NULL;

-- Two spellings of one company: leads whose company's key (lower case,
-- punctuation and legal suffixes dropped: see account.h) is `alias` belong
-- to the account whose key is `company`.
CREATE TABLE company_aliases (
    alias   TEXT PRIMARY KEY,
    company TEXT NOT NULL
);
CREATE INDEX company_aliases_company ON company_aliases (company);

-- The append-only event log: who did what, when, old and new value. The
-- actor is set by the server to the role the session authenticated as
-- (kz_set_actor, below), whatever the client sends.
CREATE TABLE events (
    id        BIGINT PRIMARY KEY,
    lead_id   BIGINT,                    -- NULL for events about no single lead
    at        BIGINT NOT NULL,
    version   BIGINT NOT NULL DEFAULT 0, -- the lead's version after the change
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    detail    TEXT
);
CREATE INDEX events_lead ON events (lead_id, id);
CREATE INDEX events_kind ON events (kind, at);

-- Triage decisions: who looked at a lead in the triage queue, when, what
-- they decided, and the lead's grade then (a later band change brings it
-- back to the queue).
CREATE TABLE triage (
    id       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    lead_id  BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    actor    TEXT NOT NULL,
    at       BIGINT NOT NULL,
    decision TEXT NOT NULL,
    grade    TEXT
);
CREATE INDEX triage_lead ON triage (lead_id, id);

-- Who has the board open, and on which lead: refreshed by a heartbeat,
-- ignored once stale, so a crashed board leaves no lock behind.
-- backend: the server process of the session that last wrote the entry
-- (set by kz_presence_set at every insert and update, so a board that
-- reconnected is recorded with its new session). That session holds the
-- shared advisory lock (1801548393, pid) from the board's first
-- announcement in it. A board whose connection is gone (a dropped SSH
-- session, a killed client, a server restart) or whose session a pooler
-- took back (PgBouncer's DISCARD ALL releases the lock, the process lives
-- on) holds no such lock any more, and its entry is ignored at once,
-- without waiting for the heartbeat to go stale:
--     ... AND (backend, pid) IN (SELECT l.pid, CAST(l.objid AS bigint)
--         FROM pg_locks l WHERE l.locktype = 'advisory'
--         AND l.objsubid = 2 AND l.classid = 1801548393)
-- (every role may read pg_locks). host and pid stay the client's host and
-- process id, as on SQLite.
CREATE TABLE presence (
    actor   TEXT NOT NULL,
    host    TEXT NOT NULL,
    pid     BIGINT NOT NULL,
    lead_id BIGINT,                     -- the lead open in the detail view, if any
    seen    BIGINT NOT NULL,            -- last heartbeat (Unix seconds)
    backend INTEGER DEFAULT pg_backend_pid(),
    PRIMARY KEY (actor, host, pid)
);
CREATE INDEX presence_lead ON presence (lead_id);

-- Team-wide settings and state (last good rules, ...).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
-- Every search text in this database is written in the search key
-- (kz_text_search_key, version 2: the forms of alef made one) from the
-- start: nothing written before it to rekey. A database made before
-- version 2 holds '1', and the first kariz to open it for writing rekeys
-- the texts with a madda or hamza on the alef, once.
INSERT INTO meta (key, value) VALUES ('search_form', '2');

-- Column totals per stage and owner, kept by the store in the same
-- transaction as every change to a lead, so the board's headers never scan
-- the leads.
-- Weighted value = (value - ovr_value) * stage probability / 100
--                  + ovr_weighted / 100   (ovr_*: leads overriding probability)
CREATE TABLE stage_totals (
    stage        TEXT NOT NULL,
    owner        TEXT NOT NULL DEFAULT '',
    n            BIGINT NOT NULL DEFAULT 0,
    value        BIGINT NOT NULL DEFAULT 0,
    ovr_value    BIGINT NOT NULL DEFAULT 0,
    ovr_weighted BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (stage, owner)
);

-- Search over name, company, e-mail and notes. lead_text holds each lead's
-- searchable text, in the search form (kz_text_search_form: case-folded,
-- Arabic and Persian letter variants made one), written by the store as
--     name US company US e-mail US notes
-- (US = the unit separator, U+001F, which never reaches it from the fields
-- themselves: the store writes it as a space), each note added after a
-- newline; see schema.sql. SQLite indexes it with an FTS5 trigram table;
-- here a pg_trgm GIN index serves the store's
--     SELECT id FROM lead_text WHERE doc LIKE '%text%'
-- for any text of three characters or more (the text already in the
-- search form, so LIKE's exact comparison is the case-insensitive one).
-- The store writes lead_text in the statements that change a lead, as on
-- SQLite; a lead's text goes with the lead (ON DELETE CASCADE) also when
-- someone deletes leads by hand.
--
-- Beside the text, each row keeps the lead's board keys: its stage, the
-- board's filters (owner, grade, next_due) and every sort order's key
-- (score, value, stage_entered, next_due, name), copies of the lead's own
-- columns that the triggers below keep (schema version 9). The statement
-- that finds a search's matches reads them from the same rows it checks,
-- so the board places a few thousand matches in its columns and orders
-- without reading each one's lead again (places_of in src/store/leads.c:
-- at 1,000,000 leads that second read cost 18 ms of a keystroke). Room is
-- left on each page (fillfactor) so that a change of score or stage
-- rewrites the row in place, without a new entry in the trigram index.
CREATE TABLE lead_text (
    id            BIGINT PRIMARY KEY REFERENCES leads(id) ON DELETE CASCADE, -- the lead's id
    doc           TEXT NOT NULL,
    stage         TEXT,
    owner         TEXT,
    grade         TEXT,
    score         BIGINT,
    value         BIGINT,
    stage_entered BIGINT,
    next_due      TEXT,
    name          TEXT
) WITH (fillfactor = 80);
CREATE INDEX lead_text_trgm ON lead_text USING gin (doc gin_trgm_ops);
-- kz:section text-keys (also run by the migration to version 9: pg.c)
-- A new row without them takes its lead's keys (whoever writes it: the
-- store, kariz copy, an INSERT by hand; an import's COPY sends them with the
-- text, as it sends the lead) ...
CREATE FUNCTION kz_text_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT l.stage, l.owner, l.grade, l.score, l.value, l.stage_entered, l.next_due, l.name
      INTO NEW.stage, NEW.owner, NEW.grade, NEW.score, NEW.value, NEW.stage_entered,
           NEW.next_due, NEW.name
      FROM leads l WHERE l.id = NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER lead_text_keys BEFORE INSERT ON lead_text
    FOR EACH ROW WHEN (NEW.stage IS NULL) EXECUTE FUNCTION kz_text_keys();
-- ... and every statement that changes leads (a save, a move, rescoring, a
-- stage renamed through its foreign key, an UPDATE by hand) brings the
-- keys of the rows it changed along, in one statement. Both run as the
-- role that writes: a role that may UPDATE leads needs SELECT and UPDATE
-- on lead_text too (the team's grants give both: docs/deployment.md).
CREATE FUNCTION kz_leads_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lead_text t
       SET stage = n.stage, owner = n.owner, grade = n.grade, score = n.score,
           value = n.value, stage_entered = n.stage_entered, next_due = n.next_due,
           name = n.name
      FROM kz_changed n
     WHERE t.id = n.id
       AND (t.stage, t.owner, t.grade, t.score, t.value, t.stage_entered, t.next_due, t.name)
           IS DISTINCT FROM
           (n.stage, n.owner, n.grade, n.score, n.value, n.stage_entered, n.next_due, n.name);
    RETURN NULL;
END
$$;
CREATE TRIGGER leads_keys AFTER UPDATE ON leads REFERENCING NEW TABLE AS kz_changed
    FOR EACH STATEMENT EXECUTE FUNCTION kz_leads_keys();
-- kz:end text-keys

-- ---- ids ----

-- kariz gives each new lead, import, stakeholder, activity and event its id
-- itself (the next after the highest). A row inserted by hand without one
-- gets the same from this trigger; a row-level BEFORE trigger sees the rows
-- inserted before it by the same statement, so a many-row INSERT numbers
-- its rows one after another.
CREATE FUNCTION kz_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I', TG_TABLE_NAME) INTO NEW.id;
    END IF;
    RETURN NEW;
END
$$;
-- (WHEN: a row kariz numbered itself, which is every row kariz writes,
-- does not call the function at all: a bulk COPY of leads is a quarter
-- faster)
CREATE TRIGGER imports_id BEFORE INSERT ON imports FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION kz_next_id();
CREATE TRIGGER leads_id BEFORE INSERT ON leads FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION kz_next_id();
CREATE TRIGGER stakeholders_id BEFORE INSERT ON stakeholders FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION kz_next_id();
CREATE TRIGGER activities_id BEFORE INSERT ON activities FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION kz_next_id();
CREATE TRIGGER events_id BEFORE INSERT ON events FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION kz_next_id();

-- ---- the acting user ----

-- The actor of a new row is the role the session authenticated as
-- (session_user: SET ROLE does not change it), whatever the client sent;
-- an update keeps the row's actor (an import resumed by a colleague stays
-- the import of whoever started it). activities.author is not forced: an
-- import keeps the authors of the CRM it came from.
-- `kariz copy`, which keeps the actors of the history it copies, runs as
-- the tables' owner and disables these triggers in its own transaction
-- (ALTER TABLE events DISABLE TRIGGER events_actor), which no other role
-- may do.
CREATE FUNCTION kz_set_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.actor := session_user;
    ELSE
        NEW.actor := OLD.actor;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER events_actor BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION kz_set_actor();
CREATE TRIGGER triage_actor BEFORE INSERT OR UPDATE ON triage
    FOR EACH ROW EXECUTE FUNCTION kz_set_actor();
CREATE TRIGGER imports_actor BEFORE INSERT OR UPDATE ON imports
    FOR EACH ROW EXECUTE FUNCTION kz_set_actor();

-- Presence: the actor as above (before the primary key is checked, so an
-- upsert can only ever meet the session's own entries), and the session's
-- server process at every write.
CREATE FUNCTION kz_presence_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.actor := session_user;
    ELSE
        NEW.actor := OLD.actor;
    END IF;
    NEW.backend := pg_backend_pid();
    RETURN NEW;
END
$$;
CREATE TRIGGER presence_actor BEFORE INSERT OR UPDATE ON presence
    FOR EACH ROW EXECUTE FUNCTION kz_presence_set();

-- ---- the event log is append-only ----

-- As schema.sql's RAISE(ABORT): class 23, a constraint, on both engines.
CREATE FUNCTION kz_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION kz_append_only();
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION kz_append_only();
CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION kz_append_only();

-- ---- the change feed ----

-- Every statement that changes what a board shows notifies channel
-- "kariz", which each board LISTENs on. The payload is empty: the board
-- reads what changed from the tables (events after the last it saw), and
-- PostgreSQL delivers identical notifications of one transaction once, at
-- its commit (none for a transaction rolled back).
--
-- A notification wakes a board, but arrives a moment after the commit;
-- what a session reads to know whether anything changed since it last
-- looked (kz_store_data_version, SQLite's PRAGMA data_version) must be
-- exact as soon as the other session's commit has returned. So the same
-- trigger also counts the transactions that changed anything, once per
-- transaction, in the one row of kz_changes.
CREATE TABLE kz_changes (n BIGINT NOT NULL);
INSERT INTO kz_changes (n) VALUES (0);
CREATE FUNCTION kz_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('kariz.counted', true) IS DISTINCT FROM '1' THEN
        UPDATE kz_changes SET n = n + 1;
        PERFORM set_config('kariz.counted', '1', true); -- (until the transaction ends)
    END IF;
    PERFORM pg_notify('kariz', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER leads_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON leads
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER activities_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON activities
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER stakeholders_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stakeholders
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER custom_fields_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON custom_fields
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER stages_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stages
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER meta_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON meta
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER triage_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON triage
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER presence_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON presence
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();
CREATE TRIGGER company_aliases_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON company_aliases
    FOR EACH STATEMENT EXECUTE FUNCTION kz_notify();

-- ---- SQLite's functions, for the SQL the store writes once ----

-- group_concat(value, separator): SQLite's aggregate. NULL values are
-- skipped, the separator goes between the values (in no particular order
-- unless the query orders its input), NULL when there is none.
CREATE FUNCTION kz_group_concat_step(acc text, v anyelement, sep text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v IS NULL THEN acc
                WHEN acc IS NULL THEN v::text
                ELSE acc || coalesce(sep, '') || v::text END
$$;
CREATE AGGREGATE group_concat(anyelement, text) (
    SFUNC = kz_group_concat_step,
    STYPE = text,
    PARALLEL = SAFE
);

-- kz_name: how names sort (ORDER BY name COLLATE kz_name), ignoring case
-- (ICU's secondary strength, as the SQLite store's collation). SQLite's
-- follows each user's locale; here the order is the database's, ICU's root
-- order for every language. A team that wants its language's order
-- recreates it, for Persian:
--     DROP COLLATION kz_name CASCADE;
--     CREATE COLLATION kz_name (provider = icu, locale = 'fa-u-ks-level2');
--     and the two indexes below again
CREATE COLLATION kz_name (provider = icu, locale = 'und-u-ks-level2');

-- The board's name order (see the indexes of leads): here the collation is
-- the database's, one order for everyone, so an index can hold it. A team
-- that recreates kz_name recreates these two with it (DROP COLLATION ...
-- CASCADE drops them).
CREATE INDEX leads_name       ON leads (stage, name COLLATE kz_name, id);
CREATE INDEX leads_owner_name ON leads (owner, stage, name COLLATE kz_name, id);
