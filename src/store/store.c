/* store.c - opening the database, schema and migrations, transactions,
 * settings, stages and column totals. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "kariz/deploy.h"
#include "kariz/i18n.h"
#include "kariz/text.h"
#include "store/internal.h"

#include <unicode/ucol.h>

extern const char kz_embedded_schema[];
extern const size_t kz_embedded_schema_len;

/* The schema version this build writes. Bump it together with a new entry
 * in src/store/migrate.c whenever schema.sql changes. */
#define KZ_SCHEMA_VERSION 5

int kz_store_schema_version(void)
{
    return KZ_SCHEMA_VERSION;
}

kz_status kz_db_error(kz_store *st, int rc, const char *what, kz_err *err)
{
    int prim = rc & 0xff;
    /* The connection's message describes its last call: when that is not
     * the failure rc reports (a later call succeeded, or rc came from a
     * statement already reset), it would read "not an error"; SQLite's text
     * for rc itself is the real reason then. */
    const char *msg = st && st->db && (sqlite3_errcode(st->db) & 0xff) == prim
                          ? sqlite3_errmsg(st->db)
                          : sqlite3_errstr(rc);
    const char *path = st && st->path ? st->path : "database";
    switch (prim) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: {
        kz_buf who = KZ_BUF_INIT;
        if (st && st->path)
            kz_lock_holders(st->path, &who);
        kz_status ks = kz_err_set(err, KZ_EBUSY,
                                  _("%s: the database %s stayed locked%s%s for %d ms; nothing was "
                                    "changed, try again"),
                                  what, path, who.len ? _(" by ") : _(" by another process"),
                                  kz_buf_str(&who), st ? st->busy_ms : 0);
        kz_buf_free(&who);
        return ks;
    }
    case SQLITE_FULL:
        return kz_err_set(err, KZ_EFULL, _("%s: disk full writing %s; nothing was changed"), what,
                          path);
    case SQLITE_READONLY: {
        /* never SQLite's bare "attempt to write a readonly database" */
        kz_buf why = KZ_BUF_INIT;
        kz_deploy_explain_readonly(path, &why);
        kz_status ks = kz_err_set(err, KZ_EREADONLY, "%s: %s", what, kz_buf_str(&why));
        kz_buf_free(&why);
        return ks;
    }
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return kz_err_set(err, KZ_ECORRUPT, _("%s: %s is not a kariz database or is damaged (%s)"),
                          what, path, msg);
    case SQLITE_IOERR:
        return kz_err_set(err, KZ_EIO, _("%s: I/O error on %s (%s)"), what, path, msg);
    case SQLITE_CANTOPEN:
        return kz_err_set(err, KZ_EIO, _("%s: cannot open %s (%s)"), what, path, msg);
    case SQLITE_NOMEM:
        return kz_err_set(err, KZ_ENOMEM, _("%s: out of memory"), what);
    case SQLITE_CONSTRAINT:
        return kz_err_set(err, KZ_EINVAL, "%s: %s", what, msg);
    default:
        return kz_err_set(err, KZ_EDB, "%s: %s", what, msg);
    }
}

const char *kz_col_text(sqlite3_stmt *s, int col, kz_buf *scratch, size_t *len)
{
    const char *v = (const char *)sqlite3_column_text(s, col);
    size_t n = v ? (size_t)sqlite3_column_bytes(s, col) : 0;
    if (n && memchr(v, '\0', n)) {
        kz_buf_reset(scratch);
        for (size_t i = 0; i < n; i++) {
            if (v[i])
                kz_buf_putc(scratch, v[i]);
            else
                kz_buf_puts(scratch, "\xe2\x90\x80");
        }
        v = scratch->s;
        n = scratch->len;
    }
    if (len)
        *len = n;
    return v;
}

sqlite3_stmt *kz_stmt(kz_store *st, const char *sql, kz_err *err)
{
    /* from the last slot used on: a loop of statements (an import's rows)
     * finds each one at the first or second look */
    for (unsigned k = 0; k < KZ_STMT_CACHE; k++) {
        unsigned i = (st->last_hit + k) % KZ_STMT_CACHE;
        if (st->cache[i].sql && strcmp(st->cache[i].sql, sql) == 0) {
            sqlite3_reset(st->cache[i].stmt);
            sqlite3_clear_bindings(st->cache[i].stmt);
            st->last_hit = i;
            return st->cache[i].stmt;
        }
    }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK) {
        kz_db_error(st, rc, _("preparing a query"), err);
        return NULL;
    }
    unsigned slot = KZ_STMT_CACHE;
    for (unsigned i = 0; i < KZ_STMT_CACHE; i++)
        if (!st->cache[i].sql) {
            slot = i;
            break;
        }
    if (slot == KZ_STMT_CACHE) {
        slot = st->next_evict++ % KZ_STMT_CACHE;
        sqlite3_finalize(st->cache[slot].stmt);
        free(st->cache[slot].sql);
    }
    st->cache[slot].sql = kz_xstrdup(sql);
    st->cache[slot].stmt = s;
    st->last_hit = slot;
    return s;
}

kz_status kz_step_done(kz_store *st, sqlite3_stmt *s, const char *what, kz_err *err)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, what, err);
    return KZ_OK;
}

kz_status kz_exec(kz_store *st, const char *sql, kz_err *err)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("updating the database"), err);
    return KZ_OK;
}

void kz_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static kz_status read_user_version(kz_store *st, int *out, kz_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("opening the database"), err);
    return KZ_OK;
}

static kz_status count_tables(kz_store *st, int *out, kz_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("opening the database"), err);
    return KZ_OK;
}

static kz_status journal_is_wal(kz_store *st, bool *wal, kz_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(s, 0);
        *wal = m && strcmp(m, "wal") == 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("opening the database"), err);
    return KZ_OK;
}

static void build_lead_cols(kz_store *st)
{
    kz_buf b = KZ_BUF_INIT;
    for (int f = 1; f < KZ_F__COUNT; f++) {
        if (f > 1)
            kz_buf_puts(&b, ", ");
        kz_buf_puts(&b, kz_field_get((kz_field)f)->name);
    }
    snprintf(st->lead_cols, sizeof st->lead_cols, "%s", kz_buf_str(&b));
    kz_buf_free(&b);
}

static kz_status create_schema(kz_store *st, kz_err *err)
{
    kz_status rc = kz_exec(st, "BEGIN IMMEDIATE", err);
    if (rc != KZ_OK)
        return rc;
    int ntables = 0;
    int ver = 0;
    if ((rc = count_tables(st, &ntables, err)) != KZ_OK ||
        (rc = read_user_version(st, &ver, err)) != KZ_OK)
        goto fail;
    if (ver != 0) { /* another process created it meanwhile */
        kz_exec(st, "ROLLBACK", NULL);
        return KZ_OK;
    }
    if (ntables != 0) {
        rc = kz_err_set(err, KZ_ECORRUPT,
                        _("%s holds tables but is not a kariz database (no schema version); "
                          "refusing to touch it"),
                        st->path);
        goto fail;
    }
    char *emsg = NULL;
    int src = sqlite3_exec(st->db, kz_embedded_schema, NULL, NULL, &emsg);
    if (src != SQLITE_OK) {
        rc = kz_err_set(err, KZ_EDB, _("creating the schema in %s: %s"), st->path,
                        emsg ? emsg : sqlite3_errstr(src));
        sqlite3_free(emsg);
        goto fail;
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", KZ_SCHEMA_VERSION);
    if ((rc = kz_exec(st, sql, err)) != KZ_OK)
        goto fail;
    return kz_exec(st, "COMMIT", err);
fail:
    kz_exec(st, "ROLLBACK", NULL);
    return rc;
}

/* SQLite counts every allocation for sqlite3_memory_used() under a global
 * mutex; kariz reads no such statistics, and counting was about 7% of the
 * CPU time of rescoring every lead. It can only be turned off before SQLite
 * initialises (at the first open): later calls are refused, harmlessly. */
static void engine_config(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* After each commit in WAL mode: how long the log is. SQLite's automatic
 * checkpoint is a hook of the same kind; kariz checkpoints itself (at the
 * default 1000 pages, and between import batches: kz_store_import_batch_end). */
static int wal_committed(void *ud, sqlite3 *db, const char *name, int frames)
{
    kz_store *st = ud;
    st->wal_frames = frames;
    if (frames >= 1000 && !st->no_autockpt)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

/* Whether path's -wal file holds anything: a database whose pages all still
 * sit in its write-ahead log can have an empty main file. */
static bool wal_has_data(const char *path)
{
    kz_buf wal = KZ_BUF_INIT;
    kz_buf_printf(&wal, "%s-wal", path);
    struct stat sb;
    bool data = stat(kz_buf_str(&wal), &sb) == 0 && sb.st_size > 0;
    kz_buf_free(&wal);
    return data;
}

/* path as the file name of a URI (RFC 3986: %, ? and # escaped). */
static void uri_path(kz_buf *b, const char *path)
{
    kz_buf_puts(b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x21 || *p > 0x7e)
            kz_buf_printf(b, "%%%02X", *p);
        else
            kz_buf_putc(b, (char)*p);
    }
}

void kz_store_wait_for_locks(kz_store *st, bool wait)
{
    sqlite3_busy_timeout(st->db, wait ? st->busy_ms : 0);
}

static void connection_setup(kz_store *st);
static void snapshot_mark(kz_store *st);

/* A database in WAL mode is read through its -shm file (the log's index
 * shared by every process using it). A read-only open works when the -shm
 * file exists (someone has the database open), or can be created. When
 * neither holds (a directory the user cannot write, and nobody using the
 * database), nobody is writing it and the database file alone holds all of
 * it (an empty or absent -wal): it is read as an immutable file, without
 * locks or -shm. Should another process start writing meanwhile, its
 * changes go to the -wal first; kz_store_data_version notices the -shm it
 * creates and moves this connection over to it. A -wal holding changes with
 * no -shm (a writer that crashed) cannot be read this way and is refused. */
static kz_status open_snapshot(kz_store *st, kz_err *err)
{
    kz_buf side = KZ_BUF_INIT;
    kz_buf_printf(&side, "%s-shm", st->path);
    struct stat sb;
    bool shm = stat(kz_buf_str(&side), &sb) == 0;
    kz_buf_free(&side);
    if (shm)
        return kz_err_set(err, KZ_EREADONLY,
                          _("cannot read %s: its -shm file exists but is not readable by you"),
                          st->path);
    if (wal_has_data(st->path))
        return kz_err_set(err, KZ_EREADONLY,
                          _("cannot read %s: its -wal file holds changes not yet in the database, "
                            "and reading them needs a -shm file, which you cannot create (the "
                            "directory is not writable by you); someone who can write the "
                            "directory can open the database once (`kariz list`) to fold them in"),
                          st->path);
    sqlite3_close(st->db);
    st->db = NULL;
    kz_buf uri = KZ_BUF_INIT;
    uri_path(&uri, st->path);
    kz_buf_puts(&uri, "?immutable=1");
    int rc = sqlite3_open_v2(kz_buf_str(&uri), &st->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                             kz_fault_vfs());
    kz_buf_free(&uri);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("opening the database"), err);
    connection_setup(st);
    st->snapshot = true;
    snapshot_mark(st);
    return KZ_OK;
}

/* ---- the name collation ---- */

static UCollator *name_coll; /* kept for the process lifetime; NULL: bytes */
static pthread_once_t name_coll_once = PTHREAD_ONCE_INIT;

/* The collator of the user's collation locale (LC_ALL, LC_COLLATE, LANG:
 * "fa_IR.UTF-8" sorts by ICU's Persian rules), ignoring case. */
static void name_coll_open(void)
{
    const char *v = getenv("LC_ALL");
    if (!v || !*v)
        v = getenv("LC_COLLATE");
    if (!v || !*v)
        v = getenv("LANG");
    char loc[64] = "";
    if (v && strcmp(v, "C") != 0 && strcmp(v, "POSIX") != 0)
        snprintf(loc, sizeof loc, "%.*s", (int)strcspn(v, ".@"), v);
    UErrorCode ec = U_ZERO_ERROR;
    name_coll = ucol_open(loc, &ec);
    if (U_FAILURE(ec)) {
        name_coll = NULL;
        return;
    }
    ucol_setStrength(name_coll, UCOL_SECONDARY);
}

/* Whether s[0..n) holds a character kz_text_search_form changes (the
 * Arabic kaf, yeh, alef maksura, diacritics U+064B-U+065F and U+0670, the
 * non-joiner): most names do not, and are compared as they are. */
static bool needs_form(const unsigned char *s, int n)
{
    for (int i = 0; i + 1 < n; i++) {
        if (s[i] == 0xD9 && (s[i + 1] == 0x83 || (s[i + 1] >= 0x89 && s[i + 1] <= 0x9F) ||
                             s[i + 1] == 0xB0))
            return true;
        if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x8C)
            return true;
    }
    return false;
}

/* kz_name: names in the order of the user's language, the letters search
 * treats as one (kz_text_search_form: Arabic and Persian yeh and kaf, the
 * non-joiner) compared as one. Called for every comparison of a sort, so
 * it allocates only for a name that needs its search form. */
static int name_collate(void *ud, int na, const void *a, int nb, const void *b)
{
    (void)ud;
    kz_buf fx = KZ_BUF_INIT, fy = KZ_BUF_INIT; /* owned: search forms, when needed */
    const char *x = a, *y = b;
    if (needs_form(a, na)) {
        kz_buf raw = KZ_BUF_INIT; /* owned */
        kz_buf_append(&raw, a, (size_t)na);
        kz_text_search_form(&fx, kz_buf_str(&raw));
        kz_buf_free(&raw);
        x = kz_buf_str(&fx);
        na = (int)fx.len;
    }
    if (needs_form(b, nb)) {
        kz_buf raw = KZ_BUF_INIT; /* owned */
        kz_buf_append(&raw, b, (size_t)nb);
        kz_text_search_form(&fy, kz_buf_str(&raw));
        kz_buf_free(&raw);
        y = kz_buf_str(&fy);
        nb = (int)fy.len;
    }
    int r = 0;
    UErrorCode ec = U_ZERO_ERROR;
    if (name_coll)
        r = (int)ucol_strcollUTF8(name_coll, x, na, y, nb, &ec);
    if (!name_coll || U_FAILURE(ec)) {
        r = memcmp(x, y, (size_t)(na < nb ? na : nb));
        if (r == 0)
            r = na < nb ? -1 : na > nb;
    }
    kz_buf_free(&fx);
    kz_buf_free(&fy);
    return r;
}

static void connection_setup(kz_store *st)
{
    pthread_once(&name_coll_once, name_coll_open);
    sqlite3_create_collation_v2(st->db, "kz_name", SQLITE_UTF8, NULL, name_collate, NULL);
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, st->busy_ms);
    sqlite3_wal_hook(st->db, wal_committed, st);
}

kz_status kz_store_open(const char *path, unsigned flags, kz_store **out, kz_err *err)
{
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && (flags & (KZ_STORE_NOCREATE | KZ_STORE_READONLY)))
        return kz_err_set(err, KZ_ENOTFOUND, _("no database at %s (create one with `kariz init`)"),
                          path);
    if (exists && S_ISDIR(sb.st_mode))
        return kz_err_set(err, KZ_EINVAL, _("%s is a directory, not a database file"), path);
    if (exists && S_ISREG(sb.st_mode) && sb.st_size == 0 && !(flags & KZ_STORE_FILL_EMPTY) &&
        !wal_has_data(path))
        return kz_err_set(err, KZ_ECORRUPT,
                          _("%s is empty: not a kariz database; `kariz init` creates one"), path);

    kz_store *st = kz_xcalloc(1, sizeof *st);
    st->path = kz_xstrdup(path);
    st->readonly = (flags & KZ_STORE_READONLY) != 0;
    st->busy_ms = 5000;
    const char *busy = getenv("KARIZ_BUSY_TIMEOUT"); /* milliseconds */
    if (busy && atoi(busy) > 0)
        st->busy_ms = atoi(busy);
    build_lead_cols(st);
    st->exact_hits = KZ_EXACT_HITS;
    st->list_hits = KZ_LIST_HITS;
    /* test hook: "EXACT,LIST" search thresholds (see kz_store_search_tune) */
    const char *hits = getenv("KARIZ_SEARCH_HITS");
    long long exact = 0, list = 0;
    if (hits && sscanf(hits, "%lld,%lld", &exact, &list) == 2)
        kz_store_search_tune(st, exact, list);

    int oflags = st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    engine_config();
    int rc = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, kz_fault_vfs());
    kz_status ks;
    if (rc != SQLITE_OK) {
        ks = kz_db_error(st, rc, _("opening the database"), err);
        goto fail;
    }
    connection_setup(st);

    /* Read the version before anything that could write to the file. */
    int ver = 0;
    ks = read_user_version(st, &ver, err);
    if (ks != KZ_OK && st->readonly &&
        ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_READONLY ||
         (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CANTOPEN)) {
        /* WAL mode, and no -shm file this user can create */
        if ((ks = open_snapshot(st, err)) == KZ_OK)
            ks = read_user_version(st, &ver, err);
    }
    if (ks != KZ_OK)
        goto fail;
    if (ver > KZ_SCHEMA_VERSION) {
        ks = kz_err_set(err, KZ_ENEWER,
                        _("%s was written by a newer kariz (schema version %d; this kariz knows "
                          "up to %d): upgrade kariz to use it; the database was not modified"),
                        path, ver, KZ_SCHEMA_VERSION);
        goto fail;
    }
    if ((ks = kz_exec(st, "PRAGMA foreign_keys = ON", err)) != KZ_OK)
        goto fail;
    if (!st->readonly) {
        if (access(path, W_OK) != 0) {
            ks = kz_err_set(err, KZ_EREADONLY,
                            _("the database %s is not writable by you (%s); open it read-only "
                              "with --read-only"),
                            path, strerror(errno));
            goto fail;
        }
        /* Switching to WAL takes a lock: only the first opener does it, so a
         * reader never waits behind someone else's long write. */
        bool wal = false;
        if ((ks = journal_is_wal(st, &wal, err)) != KZ_OK ||
            (!wal && (ks = kz_exec(st, "PRAGMA journal_mode = WAL", err)) != KZ_OK) ||
            (ks = kz_exec(st, "PRAGMA synchronous = NORMAL", err)) != KZ_OK)
            goto fail;
        if (ver == 0) {
            if ((ks = create_schema(st, err)) != KZ_OK)
                goto fail;
        } else if (ver < KZ_SCHEMA_VERSION) {
            if ((ks = kz_exec(st, "BEGIN IMMEDIATE", err)) != KZ_OK)
                goto fail;
            if ((ks = kz_migrate(st, ver, err)) != KZ_OK) {
                kz_exec(st, "ROLLBACK", NULL);
                goto fail;
            }
            if ((ks = kz_exec(st, "COMMIT", err)) != KZ_OK)
                goto fail;
        }
        /* search text from before the search form: refolded once; when
         * another process holds the database, at a later open */
        kz_err ignored;
        kz_store_wait_for_locks(st, false);
        kz_search_refold(st, &ignored);
        kz_store_wait_for_locks(st, true);
    } else if (ver < KZ_SCHEMA_VERSION) {
        ks = kz_err_set(err, KZ_EREADONLY,
                        _("%s has schema version %d and needs upgrading to %d, which a "
                          "read-only open cannot do"),
                        path, ver, KZ_SCHEMA_VERSION);
        goto fail;
    }
    *out = st;
    return KZ_OK;
fail:
    kz_store_close(st);
    return ks;
}

void kz_store_close(kz_store *st)
{
    if (!st)
        return;
    if (st->in_txn)
        kz_store_rollback(st);
    for (unsigned i = 0; i < KZ_STMT_CACHE; i++) {
        sqlite3_finalize(st->cache[i].stmt);
        free(st->cache[i].sql);
    }
    sqlite3_close(st->db);
    kz_totals_discard(st);
    free(st->tdelta);
    free(st->insert_sql);
    free(st->hits_text);
    free(st->hits_bits);
    free(st->hits_ids);
    free(st->hits_fold);
    free(st->path);
    free(st);
}

bool kz_store_readonly(const kz_store *st)
{
    return st->readonly;
}




kz_status kz_store_begin(kz_store *st, kz_err *err)
{
    if (st->readonly)
        return kz_err_set(err, KZ_EREADONLY, _("the database %s is open read-only"), st->path);
    if (st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: a transaction is already open"));
    sqlite3_stmt *s = kz_stmt(st, "BEGIN IMMEDIATE", err);
    if (!s)
        return FAIL_STMT(err);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("starting a change"), err);
    st->in_txn = true;
    return KZ_OK;
}

kz_status kz_store_begin_read(kz_store *st, kz_err *err)
{
    if (st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: a transaction is already open"));
    sqlite3_stmt *s = kz_stmt(st, "BEGIN", err);
    if (!s)
        return FAIL_STMT(err);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("reading"), err);
    st->in_txn = true;
    return KZ_OK;
}

kz_status kz_store_commit(kz_store *st, kz_err *err)
{
    if (!st->in_txn)
        return KZ_OK;
    kz_status tks = kz_totals_flush(st, err);
    if (tks != KZ_OK) {
        kz_store_rollback(st);
        return tks;
    }
    sqlite3_stmt *s = kz_stmt(st, "COMMIT", err);
    if (!s)
        return FAIL_STMT(err);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        kz_status ks = kz_db_error(st, rc, _("saving"), err);
        kz_store_rollback(st);
        return ks;
    }
    st->in_txn = false;
    return KZ_OK;
}

void kz_store_rollback(kz_store *st)
{
    kz_totals_discard(st);
    st->undo_next = false;
    if (!st->in_txn)
        return;
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_txn = false;
}

bool kz_store_in_txn(const kz_store *st)
{
    return st->in_txn;
}

/* The snapshot's database file as it was when it was opened. */
static void snapshot_mark(kz_store *st)
{
    struct stat sb;
    if (stat(st->path, &sb) == 0) {
        st->snap_size = (int64_t)sb.st_size;
        st->snap_mtime = sb.st_mtim;
    }
}

/* A snapshot (an immutable read) stays valid only while nobody writes. When
 * the -shm file has appeared (someone opened the database), the connection
 * moves over to reading through it, so that their changes show and their
 * checkpoints cannot change pages under this reader; when the file changed
 * meanwhile (someone came, wrote and left), it is read afresh. */
static kz_status snapshot_refresh(kz_store *st, bool *moved, kz_err *err)
{
    *moved = false;
    if (!st->snapshot || st->in_txn)
        return KZ_OK;
    kz_buf side = KZ_BUF_INIT;
    kz_buf_printf(&side, "%s-shm", st->path);
    struct stat sb;
    bool shm = stat(kz_buf_str(&side), &sb) == 0;
    kz_buf_free(&side);
    bool changed = stat(st->path, &sb) == 0 &&
                   ((int64_t)sb.st_size != st->snap_size ||
                    sb.st_mtim.tv_sec != st->snap_mtime.tv_sec ||
                    sb.st_mtim.tv_nsec != st->snap_mtime.tv_nsec);
    if (!shm && !changed)
        return KZ_OK;
    kz_buf name = KZ_BUF_INIT;
    if (shm) {
        kz_buf_puts(&name, st->path);
    } else {
        uri_path(&name, st->path);
        kz_buf_puts(&name, "?immutable=1");
    }
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(kz_buf_str(&name), &db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
                                 (shm ? 0 : SQLITE_OPEN_URI),
                             kz_fault_vfs());
    kz_buf_free(&name);
    sqlite3_stmt *s = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
        rc = SQLITE_OK;
    sqlite3_finalize(s);
    if (rc != SQLITE_OK) {
        sqlite3_close(db); /* not readable that way (yet): keep the snapshot */
        return KZ_OK;
    }
    /* drop everything tied to the old connection */
    for (unsigned i = 0; i < KZ_STMT_CACHE; i++) {
        sqlite3_finalize(st->cache[i].stmt);
        free(st->cache[i].sql);
        st->cache[i].sql = NULL;
        st->cache[i].stmt = NULL;
    }
    sqlite3_close(st->db);
    st->db = db;
    connection_setup(st);
    st->hits_fn = st->hits_table = false;
    free(st->hits_text);
    st->hits_text = NULL;
    st->ncounts = 0;
    st->counts_key[0] = '\0';
    st->snapshot = !shm;
    if (st->snapshot)
        snapshot_mark(st);
    *moved = true;
    return kz_exec(st, "PRAGMA foreign_keys = ON", err);
}

kz_status kz_store_data_version(kz_store *st, int64_t *out, kz_err *err)
{
    bool moved;
    kz_status ks = snapshot_refresh(st, &moved, err);
    if (ks != KZ_OK)
        return ks;
    if (moved)
        st->dv_bias += 1000000; /* a new connection counts from its own start */
    sqlite3_stmt *s = kz_stmt(st, "PRAGMA data_version", err);
    if (!s)
        return FAIL_STMT(err);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return kz_db_error(st, rc, _("checking for changes"), err);
    }
    *out = sqlite3_column_int64(s, 0) + st->dv_bias;
    sqlite3_reset(s);
    return KZ_OK;
}

kz_status kz_store_meta_get(kz_store *st, const char *key, char **out, kz_err *err)
{
    *out = NULL;
    sqlite3_stmt *s = kz_stmt(st, "SELECT value FROM meta WHERE key = ?", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        *out = v ? kz_xstrdup(v) : NULL;
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("reading settings"), err);
    return KZ_OK;
}

kz_status kz_store_meta_set(kz_store *st, const char *key, const char *value, kz_err *err)
{
    bool own = !st->in_txn;
    kz_status ks;
    if (own && (ks = kz_store_begin(st, err)) != KZ_OK)
        return ks;
    sqlite3_stmt *s = kz_stmt(
        st, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        err);
    if (!s) {
        if (own)
            kz_store_rollback(st);
        return FAIL_STMT(err);
    }
    kz_bind_text(s, 1, key);
    kz_bind_text(s, 2, value);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        ks = kz_db_error(st, rc, _("saving settings"), err);
        if (own)
            kz_store_rollback(st);
        return ks;
    }
    return own ? kz_store_commit(st, err) : KZ_OK;
}

static const char *stage_kind_name(kz_stage_kind k)
{
    return k == KZ_STAGE_WON ? "won" : k == KZ_STAGE_LOST ? "lost" : "open";
}

/* True when the stages table already says exactly what `stages` says. */
static kz_status stages_agree(kz_store *st, const kz_stage *stages, size_t n, bool *agree,
                              kz_err *err)
{
    *agree = false;
    sqlite3_stmt *s = kz_stmt(st,
                              "SELECT name, label, position, probability, stale_days, kind "
                              "FROM stages WHERE retired = 0 ORDER BY position",
                              err);
    if (!s)
        return FAIL_STMT(err);
    size_t i = 0;
    bool same = true;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (i >= n) {
            same = false;
            break;
        }
        const kz_stage *g = &stages[i++];
        const char *label = g->label_rules ? g->label_rules : g->label; /* in any language */
        if (strcmp((const char *)sqlite3_column_text(s, 0), g->name) != 0 ||
            strcmp((const char *)sqlite3_column_text(s, 1), label) != 0 ||
            sqlite3_column_int(s, 2) != g->position || sqlite3_column_int(s, 3) != g->probability ||
            sqlite3_column_int(s, 4) != g->stale_days ||
            strcmp((const char *)sqlite3_column_text(s, 5), stage_kind_name(g->kind)) != 0)
            same = false;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("reading stages"), err);
    *agree = same && i == n;
    return KZ_OK;
}

kz_status kz_store_sync_stages(kz_store *st, const kz_stage *stages, size_t n, kz_err *err)
{
    bool agree;
    kz_status ks = stages_agree(st, stages, n, &agree, err);
    if (ks != KZ_OK || agree || st->readonly)
        return ks;
    bool own = !st->in_txn;
    if (own && (ks = kz_store_begin(st, err)) != KZ_OK)
        return ks;
    /* Positions are unique only among live stages: move everything out of
     * the way first, then write the rules' order. */
    if ((ks = kz_exec(st, "UPDATE stages SET retired = 1, position = position + 100000", err)) !=
        KZ_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = kz_stmt(
            st,
            "INSERT INTO stages (name, label, position, probability, stale_days, kind, retired) "
            "VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (name) DO UPDATE SET label = excluded.label, "
            "position = excluded.position, probability = excluded.probability, "
            "stale_days = excluded.stale_days, kind = excluded.kind, retired = 0",
            err);
        if (!s) {
            ks = FAIL_STMT(err);
            goto fail;
        }
        kz_bind_text(s, 1, stages[i].name);
        kz_bind_text(s, 2, stages[i].label_rules ? stages[i].label_rules : stages[i].label);
        sqlite3_bind_int(s, 3, stages[i].position);
        sqlite3_bind_int(s, 4, stages[i].probability);
        sqlite3_bind_int(s, 5, stages[i].stale_days);
        kz_bind_text(s, 6, stage_kind_name(stages[i].kind));
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) {
            ks = kz_db_error(st, rc, _("saving stages"), err);
            goto fail;
        }
    }
    return own ? kz_store_commit(st, err) : KZ_OK;
fail:
    if (own)
        kz_store_rollback(st);
    return ks;
}

kz_status kz_store_owners(kz_store *st, char ***out, size_t *n, kz_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = kz_stmt(st,
                              "SELECT owner FROM stage_totals WHERE owner <> '' GROUP BY owner "
                              "HAVING sum(n) > 0 ORDER BY owner",
                              err);
    if (!s)
        return FAIL_STMT(err);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = kz_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = kz_xstrdup((const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        kz_store_owners_free(*out, *n);
        *out = NULL;
        *n = 0;
        return kz_db_error(st, rc, _("reading the owners of leads"), err);
    }
    return KZ_OK;
}

void kz_store_owners_free(char **owners, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(owners[i]);
    free(owners);
}

kz_status kz_store_stage_totals(kz_store *st, const char *owner, kz_stage_total *out,
                                size_t cap, size_t *n, kz_err *err)
{
    *n = 0;
    const char *sql_all =
        "SELECT s.name, s.probability, coalesce(sum(t.n), 0), coalesce(sum(t.value), 0), "
        "coalesce(sum(t.ovr_value), 0), coalesce(sum(t.ovr_weighted), 0) "
        "FROM stages s LEFT JOIN stage_totals t ON t.stage = s.name "
        "GROUP BY s.name HAVING max(s.retired) = 0 OR coalesce(sum(t.n), 0) > 0 "
        "ORDER BY s.retired, s.position";
    const char *sql_owner =
        "SELECT s.name, s.probability, coalesce(sum(t.n), 0), coalesce(sum(t.value), 0), "
        "coalesce(sum(t.ovr_value), 0), coalesce(sum(t.ovr_weighted), 0) "
        "FROM stages s LEFT JOIN stage_totals t ON t.stage = s.name AND t.owner = ? "
        "GROUP BY s.name HAVING max(s.retired) = 0 OR coalesce(sum(t.n), 0) > 0 "
        "ORDER BY s.retired, s.position";
    sqlite3_stmt *s = kz_stmt(st, owner ? sql_owner : sql_all, err);
    if (!s)
        return FAIL_STMT(err);
    if (owner)
        kz_bind_text(s, 1, owner);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < cap) {
        kz_stage_total *t = &out[(*n)++];
        snprintf(t->stage, sizeof t->stage, "%s", (const char *)sqlite3_column_text(s, 0));
        int64_t prob = sqlite3_column_int64(s, 1);
        t->count = sqlite3_column_int64(s, 2);
        t->value = sqlite3_column_int64(s, 3);
        int64_t ovr_value = sqlite3_column_int64(s, 4);
        int64_t ovr_weighted = sqlite3_column_int64(s, 5);
        t->weighted = ((t->value - ovr_value) * prob + ovr_weighted) / 100;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("reading column totals"), err);
    return KZ_OK;
}
