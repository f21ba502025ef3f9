/* migrate.c - forward schema migrations.
 *
 * A new database gets schema.sql whole. A database at an older version gets
 * each step below, in order, inside one transaction; when schema.sql changes,
 * bump KZ_SCHEMA_VERSION in store.c and add the step that brings version N-1
 * to N here (and a test that opens an old database). */
#include <stdio.h>

#include "kariz/i18n.h"
#include "store/internal.h"
#include "store/sqlite.h"

typedef struct migration {
    int to;          /* the version this step produces */
    const char *sql; /* statements to run */
    kz_status (*prepare)(kz_store *st, kz_err *err); /* run first, when set */
} migration;

/* Schema version 6's indexes, on either engine (PostgreSQL's step adds the
 * name order's, pg.c). */
const char kz_sort_indexes_sql[] =
    "CREATE INDEX leads_value ON leads (stage, (value IS NULL), value DESC, id);"
    "CREATE INDEX leads_owner_value ON leads (owner, stage, (value IS NULL), value DESC, id);"
    "CREATE INDEX leads_age ON leads (stage, stage_entered, id);"
    "CREATE INDEX leads_owner_age ON leads (owner, stage, stage_entered, id);"
    "CREATE INDEX leads_due_board ON leads (stage, (next_due IS NULL), next_due, id);"
    "CREATE INDEX leads_owner_due ON leads (owner, stage, (next_due IS NULL), next_due, id);";

/* Step 8's indexes get statistics when the leads' other indexes have
 * them (step 6): with some indexes measured and others not, the planner
 * takes an unmeasured one for a few rows a stage, and would sort a whole
 * column rather than walk leads_name, or walk it for a rare word. A
 * database without statistics is left without. */
static kz_status name_index_stats(kz_store *st, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'",
                           err);
    if (!s)
        return FAIL_STMT(err);
    bool stats = kz_step(s) == KZ_DB_ROW && kz_col_i64(s, 0) > 0;
    kz_reset(s);
    if (!stats)
        return KZ_OK;
    if (!(s = kz_stmt(st, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'leads'", err)))
        return FAIL_STMT(err);
    stats = kz_step(s) == KZ_DB_ROW && kz_col_i64(s, 0) > 0;
    kz_reset(s);
    return stats ? kz_exec(st, "ANALYZE leads_name; ANALYZE leads_owner_name;", err) : KZ_OK;
}

/* Schema version 7's marking of the leads that share an e-mail an older
 * lead holds. The subquery repeats the e-mail index's own condition
 * (leads_email is partial: e-mails not empty), else SQLite cannot use it
 * and reads every lead for each lead: 100,000 leads took minutes. */
const char kz_email_shared_sql[] =
    "UPDATE leads SET email_shared = 1 WHERE email_key <> '' AND EXISTS (SELECT 1 FROM leads o "
    "WHERE o.email_key = leads.email_key AND o.email_key IS NOT NULL AND o.email_key <> '' "
    "AND o.id < leads.id);";

/* Version 1 is the first released schema. */
static const migration steps[] = {
    /* 2: the search index reads one column of text per lead from
     * lead_text (see schema.sql), built from the leads and their
     * activities' notes */
    {2, "DROP TABLE lead_search;"
        "CREATE TABLE lead_text (id INTEGER PRIMARY KEY, doc TEXT NOT NULL);"
        "INSERT INTO lead_text (id, doc) SELECT id, "
        "replace(coalesce(name, ''), char(31), ' ') || char(31) || "
        "replace(coalesce(company, ''), char(31), ' ') || char(31) || "
        "replace(coalesce(email, ''), char(31), ' ') || char(31) || "
        "coalesce((SELECT group_concat(char(10) || note, '') FROM (SELECT note FROM activities "
        "WHERE lead_id = leads.id AND note IS NOT NULL AND note <> '' ORDER BY at, id)), '') "
        "FROM leads;"
        "CREATE VIRTUAL TABLE lead_search USING fts5 (doc, content = 'lead_text', "
        "content_rowid = 'id', tokenize = 'trigram');"
        "INSERT INTO lead_search (lead_search) VALUES ('rebuild');", NULL},
    /* 3: when each score was computed and is next due; every stored score
     * is due at once, so the first command that shows scores (or the
     * board) brings them up to date */
    {3, "ALTER TABLE leads ADD COLUMN score_at INTEGER;"
        "ALTER TABLE leads ADD COLUMN score_due INTEGER;"
        "UPDATE leads SET score_due = 0;"
        "CREATE INDEX leads_score_due ON leads (score_due) WHERE score_due IS NOT NULL;", NULL},
    /* 4: stakeholders carry a title and when they were added and changed,
     * an activity names the stakeholder it was with, and two spellings of
     * a company can be declared one account */
    {4, "ALTER TABLE stakeholders ADD COLUMN title TEXT;"
        "ALTER TABLE stakeholders ADD COLUMN created INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE stakeholders ADD COLUMN updated INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE activities ADD COLUMN stakeholder_id INTEGER "
        "REFERENCES stakeholders(id) ON DELETE SET NULL;"
        "CREATE INDEX activities_stakeholder ON activities (stakeholder_id) "
        "WHERE stakeholder_id IS NOT NULL;"
        "CREATE TABLE company_aliases (alias TEXT PRIMARY KEY, company TEXT NOT NULL) "
        "WITHOUT ROWID;", NULL},
    /* 5: each lead's company key and company e-mail domain in indexed
     * columns (see schema.sql), filled by the account module's own
     * functions, so an account's leads are read by index */
    {5,
     "ALTER TABLE leads ADD COLUMN company_key TEXT;"
     "ALTER TABLE leads ADD COLUMN email_domain TEXT;"
     "UPDATE leads SET company_key = kz_company_key(company), "
     "email_domain = kz_email_domain(email) WHERE company IS NOT NULL OR email IS NOT NULL;"
     "CREATE INDEX leads_company_key ON leads (company_key) WHERE company_key IS NOT NULL;"
     "CREATE INDEX leads_email_domain ON leads (email_domain) WHERE email_domain IS NOT NULL;"
     "CREATE INDEX company_aliases_company ON company_aliases (company);",
     kz_sqlite_account_fns},
    /* 6: an index per sort order of the board, per stage and per owner
     * and stage, so that a column sorted by value, age or due date walks
     * it as score order does (see schema.sql); the leads' statistics
     * tell the planner that a stage holds many leads, so that a rare
     * word's page reads its few matches rather than walk a column */
    {6, kz_sort_indexes_sql, NULL},
    {6, "ANALYZE leads;", NULL},
    /* 7: at most one lead holds an e-mail (schema.sql: email_shared); of
     * leads already sharing one, the oldest holds it */
    {7, "ALTER TABLE leads ADD COLUMN email_shared INTEGER NOT NULL DEFAULT 0;", NULL},
    {7, kz_email_shared_sql, NULL},
    {7, "CREATE UNIQUE INDEX leads_email_holder ON leads (email_key) "
        "WHERE email_shared = 0 AND email_key IS NOT NULL AND email_key <> '';", NULL},
    /* 8: each lead's name key, the sort key of its name under the
     * database's name locale (schema.sql: name_key), which this process's
     * collation locale becomes; indexed per stage and per owner and stage
     * like the other sort orders */
    {8,
     "ALTER TABLE leads ADD COLUMN name_key BLOB;"
     "UPDATE leads SET name_key = kz_name_key(name) WHERE name IS NOT NULL;"
     "CREATE INDEX leads_name ON leads (stage, name_key, id);"
     "CREATE INDEX leads_owner_name ON leads (owner, stage, name_key, id);"
     "CREATE INDEX leads_name_unkeyed ON leads (id) WHERE name_key IS NULL AND name IS NOT NULL;",
     kz_sqlite_name_locale_init},
    {8, "", name_index_stats},
    /* 9: PostgreSQL keeps the board's keys beside each lead's search text
     * (pg.c); nothing changes here */
    {9, "", NULL},
};

kz_status kz_migrate(kz_store *st, int from, kz_err *err)
{
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].to <= from)
            continue;
        kz_status ks = steps[i].prepare ? steps[i].prepare(st, err) : KZ_OK;
        if (ks == KZ_OK)
            ks = kz_exec(st, steps[i].sql, err);
        if (ks != KZ_OK) {
            kz_err_prefix(err, _("migrating %s to schema version %d"), st->path, steps[i].to);
            return ks;
        }
    }
    /* (one transaction, the caller's: the version is set once, at the end) */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", kz_store_schema_version());
    return kz_exec(st, sql, err);
}
