/* sqlite.c - the SQLite backend: its driver (driver.h over the sqlite3
 * API), opening a database file with its checks (directories, empty files,
 * WAL and its -shm, read-only snapshots), the schema and migrations, the
 * name collation, the change feed (PRAGMA data_version) and the search's
 * trigram index (FTS5) with its helper functions. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kariz/account.h"
#include "kariz/buf.h"
#include "kariz/deploy.h"
#include "kariz/i18n.h"
#include "kariz/icu.h"
#include "kariz/text.h"
#include "store/internal.h"
#include "store/sqlite.h"

extern const char kz_embedded_schema[];
extern const size_t kz_embedded_schema_len;

/* ---- the driver ---- */

typedef struct sq_conn {
    kz_dbconn base;
    sqlite3 *db;      /* owned */
    int64_t vm_steps; /* the work of the statements reset so far (kz_sqlite_vm_steps) */
} sq_conn;

typedef struct sq_stmt {
    kz_dbstmt base;
    sqlite3_stmt *s; /* owned */
    sq_conn *conn;
} sq_stmt;

#define SS(x) (((sq_stmt *)(x))->s)
#define SDB(st) (((sq_conn *)(st)->conn)->db)

static int sq_step(kz_dbstmt *s) { return sqlite3_step(SS(s)); }
static void sq_reset(kz_dbstmt *s)
{
    ((sq_stmt *)s)->conn->vm_steps += sqlite3_stmt_status(SS(s), SQLITE_STMTSTATUS_VM_STEP, 1);
    sqlite3_reset(SS(s));
}
static void sq_clear(kz_dbstmt *s) { sqlite3_clear_bindings(SS(s)); }
static void sq_bind_i64(kz_dbstmt *s, int i, int64_t v) { sqlite3_bind_int64(SS(s), i, v); }
static void sq_bind_text(kz_dbstmt *s, int i, const char *v, size_t n)
{
    sqlite3_bind_text(SS(s), i, v, (int)n, SQLITE_TRANSIENT);
}
static void sq_bind_null(kz_dbstmt *s, int i) { sqlite3_bind_null(SS(s), i); }
static bool sq_col_null(kz_dbstmt *s, int c) { return sqlite3_column_type(SS(s), c) == SQLITE_NULL; }
static int64_t sq_col_i64(kz_dbstmt *s, int c) { return sqlite3_column_int64(SS(s), c); }
static const char *sq_col_text(kz_dbstmt *s, int c, size_t *len)
{
    const char *v = (const char *)sqlite3_column_text(SS(s), c);
    if (len)
        *len = v ? (size_t)sqlite3_column_bytes(SS(s), c) : 0;
    return v;
}
static int sq_col_count(kz_dbstmt *s) { return sqlite3_column_count(SS(s)); }
static void sq_finalize(kz_dbstmt *s)
{
    sqlite3_finalize(SS(s));
    free(s);
}

static const kz_stmt_ops sq_stmt_ops = {sq_step,     sq_reset,   sq_clear,    sq_bind_i64,
                                        sq_bind_text, sq_bind_null, sq_col_null, sq_col_i64,
                                        sq_col_text, sq_col_count, sq_finalize};

static int sq_prepare(kz_dbconn *c, const char *sql, kz_dbstmt **out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(((sq_conn *)c)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sq_stmt *w = kz_xcalloc(1, sizeof *w);
    w->base.ops = &sq_stmt_ops;
    w->s = s;
    w->conn = (sq_conn *)c;
    *out = &w->base;
    return KZ_DB_OK;
}
int64_t kz_sqlite_vm_steps(const kz_store *st) { return ((sq_conn *)st->conn)->vm_steps; }

static int sq_exec(kz_dbconn *c, const char *sql)
{
    return sqlite3_exec(((sq_conn *)c)->db, sql, NULL, NULL, NULL);
}
static int64_t sq_changes(kz_dbconn *c) { return sqlite3_changes64(((sq_conn *)c)->db); }
static int64_t sq_last_id(kz_dbconn *c) { return sqlite3_last_insert_rowid(((sq_conn *)c)->db); }
static const char *sq_errmsg(kz_dbconn *c) { return sqlite3_errmsg(((sq_conn *)c)->db); }
static bool sq_in_txn(kz_dbconn *c) { return !sqlite3_get_autocommit(((sq_conn *)c)->db); }
static void sq_close(kz_dbconn *c)
{
    sqlite3_close(((sq_conn *)c)->db);
    free(c);
}

/* (no bulk rows: an INSERT per row is as fast in SQLite) */
static const kz_conn_ops sq_conn_ops = {sq_prepare, sq_exec,   sq_changes, sq_last_id,
                                        sq_errmsg,  sq_in_txn, sq_close,   NULL,
                                        NULL,       NULL,      NULL};

static kz_status sq_error(kz_store *st, int rc, const char *unused, const char *what, kz_err *err)
{
    (void)unused;
    int prim = rc & 0xff;
    /* The connection's message describes its last call: when that is not
     * the failure rc reports (a later call succeeded, or rc came from a
     * statement already reset), it would read "not an error"; SQLite's text
     * for rc itself is the real reason then. */
    const char *msg = st && st->conn && SDB(st) && (sqlite3_errcode(SDB(st)) & 0xff) == prim
                          ? kz_db_errmsg(st)
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
    case SQLITE_READONLY: {
        /* never SQLite's bare "attempt to write a readonly database" */
        kz_buf why = KZ_BUF_INIT;
        kz_deploy_explain_readonly(path, &why);
        kz_status ks = kz_err_set(err, KZ_EREADONLY, "%s: %s", what, kz_buf_str(&why));
        kz_buf_free(&why);
        return ks;
    }
    default:
        return kz_db_error_common(st, rc, msg, what, err);
    }
}


static kz_status read_user_version(kz_store *st, int *out, kz_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(SDB(st), "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = (int)sqlite3_column_int64(s, 0);
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
    int rc = sqlite3_prepare_v2(SDB(st), "SELECT count(*) FROM sqlite_schema", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = (int)sqlite3_column_int64(s, 0);
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
    int rc = sqlite3_prepare_v2(SDB(st), "PRAGMA journal_mode", -1, &s, NULL);
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

static void sq_wait_for_locks(kz_store *st, bool wait);

/* A database in another journal mode (made by the sqlite3 shell, or copied)
 * is switched to WAL by the first opener that can. The switch reads the
 * file's header in a read transaction and then upgrades it to a write:
 * SQLite never calls the busy handler for such an upgrade (two upgraders
 * would deadlock), so while another process holds the write lock, or is
 * switching at the same moment, it fails at once; it is tried without
 * waiting for a reader's lock either. This opener then goes on in the
 * file's journal mode (SQLite's locks make that safe beside WAL users, and
 * every write still waits for the lock as usual) and a later open switches
 * it; a reader never waits behind someone else's write. */
static kz_status switch_to_wal(kz_store *st, kz_err *err)
{
    bool wal = false;
    kz_status ks = journal_is_wal(st, &wal, err);
    if (ks != KZ_OK || wal)
        return ks;
    sq_wait_for_locks(st, false); /* (nor for a reader's lock) */
    int rc = sqlite3_exec(SDB(st), "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    sq_wait_for_locks(st, true);
    if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY)
        return KZ_OK;
    return kz_db_error(st, rc, _("updating the database"), err);
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
    int src = sqlite3_exec(SDB(st), kz_embedded_schema, NULL, NULL, &emsg);
    if (src != SQLITE_OK) {
        rc = kz_err_set(err, KZ_EDB, _("creating the schema in %s: %s"), st->path,
                        emsg ? emsg : sqlite3_errstr(src));
        sqlite3_free(emsg);
        goto fail;
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", KZ_SCHEMA_VERSION);
    if ((rc = kz_exec(st, sql, err)) != KZ_OK ||
        (rc = kz_sqlite_name_locale_init(st, err)) != KZ_OK)
        goto fail;
    if ((rc = kz_exec(st, "COMMIT", err)) == KZ_OK)
        st->opened = KZ_OPENED_CREATED;
    return rc;
fail:
    kz_exec(st, "ROLLBACK", NULL);
    return rc;
}

/* The memory of SQLite's page cache in a board's process: one mapping,
 * made resident at once. A board's first search reads a few thousand pages
 * of the file, and the cache took each new page from malloc, whose fresh
 * memory faulted in a page at a time: at 1,000,000 leads about 600 faults,
 * a third of that keystroke. Mapped with MAP_POPULATE, the kernel fills the
 * whole of it in one call, cheaper than the faults of the first frame's own
 * pages that it saves. SQLite's default cache (2,000 KiB) is about 470 pages
 * of 4 KiB with their headers; a page beyond the slots, or of a larger
 * size, still comes from malloc. Only for KZ_STORE_INTERACTIVE: SQLite
 * writes into every slot when it initialises, and a command that reads a
 * few pages would pay for all of them. */
#define KZ_PAGE_SLOTS 512
static void *page_mem;
static size_t page_mem_len;

static void page_memory_config(void)
{
    int hdr = 0;
    if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) != SQLITE_OK)
        return;
    size_t slot = (4096 + (size_t)hdr + 15) & ~(size_t)15, len = slot * KZ_PAGE_SLOTS;
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);
    if (m == MAP_FAILED)
        return;
    if (sqlite3_config(SQLITE_CONFIG_PAGECACHE, m, (int)slot, KZ_PAGE_SLOTS) != SQLITE_OK) {
        munmap(m, len); /* (SQLite had initialised already) */
        return;
    }
    page_mem = m;
    page_mem_len = len;
}

bool kz_sqlite_page_memory(void **addr, size_t *len)
{
    *addr = page_mem;
    *len = page_mem_len;
    return page_mem != NULL;
}

/* SQLite counts every allocation for sqlite3_memory_used() under a global
 * mutex; kariz reads no such statistics, and counting was about 7% of the
 * CPU time of rescoring every lead. It can only be turned off before SQLite
 * initialises (at the first open): later calls are refused, harmlessly. */
static void engine_config(bool interactive)
{
    static bool done;
    if (done)
        return;
    done = true;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (interactive)
        page_memory_config();
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

static void sq_wait_for_locks(kz_store *st, bool wait)
{
    sqlite3_busy_timeout(SDB(st), wait ? st->busy_ms : 0);
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
    sqlite3_close(SDB(st));
    SDB(st) = NULL;
    kz_buf uri = KZ_BUF_INIT;
    uri_path(&uri, st->path);
    kz_buf_puts(&uri, "?immutable=1");
    int rc = sqlite3_open_v2(kz_buf_str(&uri), &SDB(st),
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

/* ---- the name collation and the stored name keys ---- */

static UCollator *name_coll; /* kept for the process lifetime; NULL: bytes */
static pthread_once_t name_coll_once = PTHREAD_ONCE_INIT;

/* The user's collation locale as ICU names it: "fa_IR" from LC_ALL,
 * LC_COLLATE or LANG "fa_IR.UTF-8"; "" (ICU's root order) for C, POSIX or
 * none ("C.UTF-8" gives "C", which ICU also sorts by its root order). */
static void user_coll_locale(char *loc, size_t n)
{
    const char *v = getenv("LC_ALL");
    if (!v || !*v)
        v = getenv("LC_COLLATE");
    if (!v || !*v)
        v = getenv("LANG");
    loc[0] = '\0';
    if (v && strcmp(v, "C") != 0 && strcmp(v, "POSIX") != 0)
        snprintf(loc, n, "%.*s", (int)strcspn(v, ".@"), v);
}

/* The collator of locale loc, ignoring case (NULL: none could be opened). */
static UCollator *coll_open(const char *loc)
{
    const kz_icu_api *icu = kz_icu();
    if (!icu)
        return NULL;
    UErrorCode ec = U_ZERO_ERROR;
    UCollator *c = icu->ucol_open(loc, &ec);
    if (U_FAILURE(ec))
        return NULL;
    icu->ucol_setStrength(c, UCOL_SECONDARY);
    return c;
}

/* The collator of the user's collation locale (user_coll_locale: a
 * "fa_IR.UTF-8" user sorts by ICU's Persian rules), ignoring case. */
static void name_coll_open(void)
{
    char loc[64];
    user_coll_locale(loc, sizeof loc);
    name_coll = coll_open(loc);
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
/* The name s[0..*n) as names compare: its search form (into form, and
 * *n its length) when it holds a letter the form changes, else s itself. */
static const char *name_form(const char *s, int *n, kz_buf *form)
{
    if (!s || !needs_form((const unsigned char *)s, *n))
        return s;
    kz_buf raw = KZ_BUF_INIT; /* owned */
    kz_buf_append(&raw, s, (size_t)*n);
    kz_text_search_form(form, kz_buf_str(&raw));
    kz_buf_free(&raw);
    *n = (int)form->len;
    return kz_buf_str(form);
}

static int name_collate(void *ud, int na, const void *a, int nb, const void *b)
{
    (void)ud;
    kz_buf fx = KZ_BUF_INIT, fy = KZ_BUF_INIT; /* owned: search forms, when needed */
    const char *x = name_form(a, &na, &fx), *y = name_form(b, &nb, &fy);
    int r = 0;
    UErrorCode ec = U_ZERO_ERROR;
    if (name_coll) /* (ICU is loaded) */
        r = (int)kz_icu()->ucol_strcollUTF8(name_coll, x, na, y, nb, &ec);
    if (!name_coll || U_FAILURE(ec)) {
        r = memcmp(x, y, (size_t)(na < nb ? na : nb));
        if (r == 0)
            r = na < nb ? -1 : na > nb;
    }
    kz_buf_free(&fx);
    kz_buf_free(&fy);
    return r;
}

/* The collators of databases' name locales (meta name_locale), one per
 * locale, kept for the process lifetime like name_coll. */
static struct key_coll {
    struct key_coll *next;
    char loc[64];
    UCollator *coll; /* NULL: bytes */
} *key_colls;
static pthread_mutex_t key_colls_lock = PTHREAD_MUTEX_INITIALIZER;

static struct key_coll *key_coll_get(const char *loc)
{
    pthread_mutex_lock(&key_colls_lock);
    struct key_coll *k = key_colls;
    while (k && strcmp(k->loc, loc) != 0)
        k = k->next;
    if (!k) {
        k = kz_xcalloc(1, sizeof *k);
        snprintf(k->loc, sizeof k->loc, "%s", loc);
        k->coll = coll_open(loc);
        k->next = key_colls;
        key_colls = k;
    }
    pthread_mutex_unlock(&key_colls_lock);
    return k;
}

/* The version of coll's order as meta name_collator records it ("bytes":
 * no collator). */
static void coll_version(const UCollator *coll, char *out, size_t n)
{
    if (!coll) {
        snprintf(out, n, "bytes");
        return;
    }
    const kz_icu_api *icu = kz_icu(); /* (loaded: there is a collator) */
    UVersionInfo v;
    icu->ucol_getVersion(coll, v);
    char s[U_MAX_VERSION_STRING_LENGTH];
    icu->u_versionToString(v, s);
    snprintf(out, n, "%s", s);
}

/* Whether two collators order names alike: the same rules, which ICU
 * takes from the locale it found them in (ICU's actual locale: "en_US"
 * and "" both sort by the root order). */
static bool coll_same(const UCollator *a, const UCollator *b)
{
    if (!a || !b)
        return a == b;
    const kz_icu_api *icu = kz_icu(); /* (loaded: there are collators) */
    UErrorCode e1 = U_ZERO_ERROR, e2 = U_ZERO_ERROR;
    const char *la = icu->ucol_getLocaleByType(a, ULOC_ACTUAL_LOCALE, &e1);
    const char *lb = icu->ucol_getLocaleByType(b, ULOC_ACTUAL_LOCALE, &e2);
    return U_SUCCESS(e1) && U_SUCCESS(e2) && la && lb && strcmp(la, lb) == 0;
}

/* kz_name_key(name): the sort key of the name's search form under the
 * database's name collator (the user data), as name_collate compares it:
 * the keys' byte order (memcmp, SQLite's order of BLOBs) is the
 * collator's order, so a plain index on leads.name_key holds the name
 * order (schema.sql). NULL for NULL. */
static void name_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const UCollator *coll = ((struct key_coll *)sqlite3_user_data(ctx))->coll;
    const char *x = (const char *)sqlite3_value_text(argv[0]);
    int nx = sqlite3_value_bytes(argv[0]);
    kz_buf fx = KZ_BUF_INIT; /* owned: the search form, when needed */
    x = name_form(x, &nx, &fx);
    if (!x)
        x = "";
    kz_buf key = KZ_BUF_INIT; /* owned */
    if (!coll || !kz_coll_sort_key(coll, x, nx, &key)) {
        /* name_collate compares the bytes then */
        sqlite3_result_blob(ctx, x, nx, SQLITE_TRANSIENT);
    } else {
        /* without the terminating zero, the one zero byte of a key */
        sqlite3_result_blob(ctx, kz_buf_str(&key), key.len ? (int)key.len - 1 : 0,
                            SQLITE_TRANSIENT);
    }
    kz_buf_free(&key);
    kz_buf_free(&fx);
}

/* Registers kz_name_key with the collator of name locale loc. */
static kz_status name_key_register(kz_store *st, const char *loc, kz_err *err)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    int rc = sqlite3_create_function_v2(SDB(st), "kz_name_key", 1, flags, key_coll_get(loc),
                                        name_key_fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("preparing the name order"), err);
    return KZ_OK;
}

kz_status kz_sqlite_name_locale_init(kz_store *st, kz_err *err)
{
    char loc[64], ver[64];
    user_coll_locale(loc, sizeof loc);
    coll_version(key_coll_get(loc)->coll, ver, sizeof ver);
    kz_status ks = name_key_register(st, loc, err);
    if (ks != KZ_OK)
        return ks;
    /* (in the caller's transaction, which kz_store_meta_set would not see) */
    kz_dbstmt *s = kz_stmt(st, "INSERT INTO meta (key, value) VALUES ('name_locale', ?1), "
                               "('name_collator', ?2) ON CONFLICT (key) DO UPDATE SET value = "
                               "excluded.value", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, loc);
    kz_bind_text(s, 2, ver);
    return kz_step_done(st, s, _("saving settings"), err);
}

/* Reads the database's name locale and its collator's version from meta,
 * and registers kz_name_key with that locale (the user's when none is
 * recorded); *current: the keys were computed by this collator. */
static kz_status name_locale_read(kz_store *st, char *loc, size_t n, bool *current, kz_err *err)
{
    char *dbloc = NULL, *dbver = NULL; /* owned */
    kz_status ks = kz_store_meta_get(st, "name_locale", &dbloc, err);
    if (ks == KZ_OK)
        ks = kz_store_meta_get(st, "name_collator", &dbver, err);
    if (ks == KZ_OK) {
        if (dbloc)
            snprintf(loc, n, "%s", dbloc);
        else
            user_coll_locale(loc, n);
        char ver[64];
        coll_version(key_coll_get(loc)->coll, ver, sizeof ver);
        *current = dbloc && dbver && strcmp(dbver, ver) == 0;
        ks = name_key_register(st, loc, err);
    }
    free(dbloc);
    free(dbver);
    return ks;
}

/* After the schema is at this kariz's version: the database's name order.
 * When the collator's version differs from the one the keys were computed
 * with (an ICU upgrade), or none is recorded, every key is computed again,
 * under the write lock in one transaction, before anything is read (a
 * database this process cannot write then sorts through kz_name). Names
 * sort by name_key (name_indexed) when the user's collation orders names
 * as the database's does and no lead lacks its key. */
static void name_keys_open(kz_store *st)
{
    kz_err ignored;
    char loc[64];
    bool current = false;
    st->name_keyed = true;
    st->name_indexed = false;
    if (name_locale_read(st, loc, sizeof loc, &current, &ignored) != KZ_OK)
        return;
    if (!current && !st->readonly) {
        kz_status ks = kz_store_begin(st, &ignored);
        /* another kariz may have done it while this one waited */
        if (ks == KZ_OK)
            ks = name_locale_read(st, loc, sizeof loc, &current, &ignored);
        if (ks == KZ_OK && !current) {
            char ver[64];
            coll_version(key_coll_get(loc)->coll, ver, sizeof ver);
            ks = kz_exec(st, "UPDATE leads SET name_key = kz_name_key(name)", &ignored);
            if (ks == KZ_OK)
                ks = kz_store_meta_set(st, "name_locale", loc, &ignored);
            if (ks == KZ_OK)
                ks = kz_store_meta_set(st, "name_collator", ver, &ignored);
        }
        if (ks == KZ_OK)
            ks = kz_store_commit(st, &ignored);
        if (ks == KZ_OK)
            current = true;
        else
            kz_store_rollback(st);
    }
    pthread_once(&name_coll_once, name_coll_open);
    st->name_indexed = current && coll_same(name_coll, key_coll_get(loc)->coll);
}

/* Leads another program wrote without a name key (leads_name_unkeyed,
 * schema.sql) get theirs; while any is left (the database locked by
 * another process, or read-only), names sort through kz_name. */
static void name_keys_fill(kz_store *st)
{
    kz_err ignored;
    kz_dbstmt *s = kz_stmt(st, "SELECT EXISTS (SELECT 1 FROM leads WHERE name_key IS NULL "
                               "AND name IS NOT NULL)", &ignored);
    if (!s)
        return;
    bool missing = kz_step(s) != KZ_DB_ROW || kz_col_i64(s, 0) != 0;
    kz_reset(s);
    if (!missing || st->readonly)
        goto out;
    if (kz_store_begin(st, &ignored) != KZ_OK)
        goto out;
    if (kz_exec(st, "UPDATE leads SET name_key = kz_name_key(name) WHERE name_key IS NULL AND "
                    "name IS NOT NULL", &ignored) == KZ_OK &&
        kz_store_commit(st, &ignored) == KZ_OK)
        missing = false;
    else
        kz_store_rollback(st);
out:
    if (missing)
        st->name_indexed = false;
}

static void connection_setup(kz_store *st)
{
    pthread_once(&name_coll_once, name_coll_open);
    sqlite3_create_collation_v2(SDB(st), "kz_name", SQLITE_UTF8, NULL, name_collate, NULL);
    sqlite3_extended_result_codes(SDB(st), 1);
    sqlite3_busy_timeout(SDB(st), st->busy_ms);
    sqlite3_wal_hook(SDB(st), wal_committed, st);
}

static kz_status sq_open(kz_store *st, unsigned flags, kz_err *err)
{
    const char *path = st->path;
    /* names are ordered, and their keys stored, by ICU's collation (the
     * library is loaded now, at the first open): without it, nothing is
     * opened, rather than keys written in another order */
    if (!kz_icu())
        return kz_err_set(err, KZ_EIO, _("cannot open %s: kariz orders names with ICU, and %s"),
                          path, kz_icu_failure());
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    /* a file this account may not reach or read is not a missing one */
    if (!exists && errno == EACCES)
        return kz_err_set(err, KZ_EIO,
                          _("cannot reach %s: a directory on its path is closed to your account "
                            "(permission denied): ask its owner for access, or to be made a "
                            "member of its group"),
                          path);
    if (exists && S_ISREG(sb.st_mode) && access(path, R_OK) != 0 && errno == EACCES)
        return kz_err_set(err, KZ_EIO,
                          _("cannot read %s: its owner, group and modes keep your account out "
                            "(permission denied): ask its owner for access, or to be made a "
                            "member of its group"),
                          path);
    if (!exists && (flags & (KZ_STORE_NOCREATE | KZ_STORE_READONLY)))
        return kz_err_set(err, KZ_ENOTFOUND, _("no database at %s (create one with `kariz init`)"),
                          path);
    if (exists && S_ISDIR(sb.st_mode))
        return kz_err_set(err, KZ_EINVAL, _("%s is a directory, not a database file"), path);
    if (exists && S_ISREG(sb.st_mode) && sb.st_size == 0 && !(flags & KZ_STORE_FILL_EMPTY) &&
        !wal_has_data(path))
        return kz_err_set(err, KZ_ECORRUPT,
                          _("%s is empty: not a kariz database; `kariz init` creates one"), path);

    sq_conn *c = kz_xcalloc(1, sizeof *c);
    c->base.ops = &sq_conn_ops;
    st->conn = &c->base;
    st->name_collation = "kz_name";
    int oflags = st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    engine_config(flags & KZ_STORE_INTERACTIVE);
    int rc = sqlite3_open_v2(path, &SDB(st), oflags | SQLITE_OPEN_NOMUTEX, kz_fault_vfs());
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
        ((sqlite3_extended_errcode(SDB(st)) & 0xff) == SQLITE_READONLY ||
         (sqlite3_extended_errcode(SDB(st)) & 0xff) == SQLITE_CANTOPEN)) {
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
        /* Switching to WAL takes a lock: only an opener that finds the file
         * in another mode tries it, and never waits for it. */
        if ((ks = switch_to_wal(st, err)) != KZ_OK ||
            (ks = kz_exec(st, "PRAGMA synchronous = NORMAL", err)) != KZ_OK)
            goto fail;
        if (ver == 0) {
            if ((ks = create_schema(st, err)) != KZ_OK)
                goto fail;
        } else if (ver < KZ_SCHEMA_VERSION) {
            if ((ks = kz_exec(st, "BEGIN IMMEDIATE", err)) != KZ_OK)
                goto fail;
            /* another kariz starting at once may have upgraded it while
             * this one waited for the lock: the version is read again */
            if ((ks = read_user_version(st, &ver, err)) != KZ_OK) {
                kz_exec(st, "ROLLBACK", NULL);
                goto fail;
            }
            bool upgrades = ver < KZ_SCHEMA_VERSION;
            if (upgrades && (ks = kz_migrate(st, ver, err)) != KZ_OK) {
                kz_exec(st, "ROLLBACK", NULL);
                goto fail;
            }
            if ((ks = kz_exec(st, "COMMIT", err)) != KZ_OK)
                goto fail;
            if (upgrades)
                st->opened = KZ_OPENED_UPGRADED;
        }
        name_keys_open(st);
        /* search text from before the search form: refolded once, and
         * names without a key keyed; when another process holds the
         * database, at a later open */
        kz_err ignored;
        sq_wait_for_locks(st, false);
        kz_search_refold(st, &ignored);
        name_keys_fill(st);
        sq_wait_for_locks(st, true);
    } else if (ver < KZ_SCHEMA_VERSION) {
        ks = kz_err_set(err, KZ_EREADONLY,
                        _("%s has schema version %d and needs upgrading to %d, which a "
                          "read-only open cannot do"),
                        path, ver, KZ_SCHEMA_VERSION);
        goto fail;
    } else {
        name_keys_open(st);
        name_keys_fill(st);
    }
    return KZ_OK;
fail:
    return ks;
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
    kz_stmt_cache_clear(st);
    sqlite3_close(SDB(st));
    SDB(st) = db;
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

static kz_status sq_data_version(kz_store *st, int64_t *out, kz_err *err)
{
    bool moved;
    kz_status ks = snapshot_refresh(st, &moved, err);
    if (ks != KZ_OK)
        return ks;
    if (moved)
        st->dv_bias += 1000000; /* a new connection counts from its own start */
    kz_dbstmt *s = kz_stmt(st, "PRAGMA data_version", err);
    if (!s)
        return FAIL_STMT(err);
    int rc = kz_step(s);
    if (rc != KZ_DB_ROW) {
        kz_reset(s);
        return kz_db_error(st, rc, _("checking for changes"), err);
    }
    *out = kz_col_i64(s, 0) + st->dv_bias;
    kz_reset(s);
    return KZ_OK;
}

/* ---- search ---- */

/* kz_hit(id): whether the lead is among the current search's matches (the
 * bitmap search_hits() fills). */
static void hit_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const kz_store *st = sqlite3_user_data(ctx);
    int64_t id = sqlite3_value_int64(argv[0]);
    int hit = id >= 0 && (uint64_t)id / 8 < st->hits_bytes &&
              ((st->hits_bits[id / 8] >> (id % 8)) & 1);
    sqlite3_result_int(ctx, hit);
}

/* kz_has(doc): whether doc contains each word of the current search,
 * case-insensitively: how a word too common to list is checked for the
 * leads on screen. */
static void has_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const kz_store *st = sqlite3_user_data(ctx);
    const char *doc = (const char *)sqlite3_value_text(argv[0]);
    const long *fold = st->hits_fold;
    size_t nfold = st->hits_nfold, words = 0;
    bool hit = doc != NULL;
    long *chars = NULL; /* owned */
    size_t n = hit ? kz_text_fold(doc, &chars) : 0;
    for (size_t w = 0; hit && w < nfold;) {
        size_t m = 0;
        while (w + m < nfold && fold[w + m] != KZ_FOLD_BREAK)
            m++;
        bool found = false;
        for (size_t i = 0; !found && i + m <= n; i++)
            found = memcmp(chars + i, fold + w, m * sizeof *chars) == 0;
        hit = found;
        words++;
        w += m + 1;
    }
    free(chars);
    sqlite3_result_int(ctx, hit && words > 0);
}

static kz_status sq_search_fns(kz_store *st, kz_err *err)
{
    int rc = sqlite3_create_function_v2(SDB(st), "kz_hit", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, st,
                                        hit_fn, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(SDB(st), "kz_has", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, st,
                                        has_fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("preparing the search"), err);
    return KZ_OK;
}

/* The trigram index (FTS5, external content lead_text) must be told the
 * old text of a row to forget it, and the new text to learn. */
static kz_status sq_search_index(kz_store *st, int64_t id, const char *old, const char *doc,
                                 kz_err *err)
{
    kz_dbstmt *s;
    kz_status ks;
    if (old) {
        if (!(s = kz_stmt(st, "INSERT INTO lead_search (lead_search, rowid, doc) "
                              "VALUES ('delete', ?1, ?2)",
                          err)))
            return FAIL_STMT(err);
        kz_bind_i64(s, 1, id);
        kz_bind_text(s, 2, old);
        if ((ks = kz_step_done(st, s, _("updating the search index"), err)) != KZ_OK)
            return ks;
    }
    if (!doc)
        return KZ_OK;
    if (!(s = kz_stmt(st, "INSERT INTO lead_search (rowid, doc) VALUES (?1, ?2)", err)))
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, id);
    kz_bind_text(s, 2, doc);
    return kz_step_done(st, s, _("updating the search index"), err);
}

static int64_t sq_total_changes(kz_store *st)
{
    return sqlite3_total_changes64(SDB(st));
}

/* ---- accounts: the functions migration 5 fills the account columns with ---- */

static void company_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *v = sqlite3_value_text(argv[0]);
    kz_buf key = KZ_BUF_INIT;
    kz_company_key((const char *)v, &key);
    if (key.len)
        sqlite3_result_text(ctx, kz_buf_str(&key), (int)key.len, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
    kz_buf_free(&key);
}

/* kz_email_company_domain(email) as an SQL function: NULL when none. */
static void email_domain_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *v = sqlite3_value_text(argv[0]);
    kz_buf dom = KZ_BUF_INIT;
    if (kz_email_company_domain((const char *)v, &dom))
        sqlite3_result_text(ctx, kz_buf_str(&dom), (int)dom.len, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
    kz_buf_free(&dom);
}

kz_status kz_sqlite_account_fns(kz_store *st, kz_err *err)
{
    if (st->company_fn)
        return KZ_OK;
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    int rc = sqlite3_create_function_v2(SDB(st), "kz_company_key", 1, flags, NULL, company_key_fn,
                                        NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(SDB(st), "kz_email_domain", 1, flags, NULL,
                                        email_domain_fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("preparing the account columns"), err);
    st->company_fn = true;
    return KZ_OK;
}

/* ---- bulk imports ---- */

/* The log an import lets grow before it checkpoints between batches. */
#define IMPORT_WAL_PAGES 4096

static kz_status sq_import_tune(kz_store *st, kz_err *err)
{
    /* A bulk import touches index pages all over the file: a bigger page
     * cache keeps them from spilling within one batch (64 MiB, released when
     * the connection closes). Each lead insert fires triggers, so SQLite
     * keeps a statement journal for it: in memory, not a temporary file
     * rewritten for every row. Every batch rewrites many of the same pages
     * (index interior pages, the search index's newest segments): a
     * checkpoint after every commit (the automatic one at 1000 pages) copied
     * them back into the database file and synced it each time; the import
     * lets the log reach IMPORT_WAL_PAGES (16 MiB of 4 KiB pages) first, so
     * one checkpoint covers several batches. The log file keeps the size it
     * reached; journal_size_limit cuts it back to that bound when it starts
     * over, so a crash or a reader that held a checkpoint back never leaves
     * a log larger than the database behind. */
    kz_status ks = kz_exec(st, "PRAGMA cache_size = -65536", err);
    if (ks == KZ_OK)
        ks = kz_exec(st, "PRAGMA temp_store = MEMORY", err);
    if (ks == KZ_OK)
        ks = kz_exec(st, "PRAGMA journal_size_limit = 16777216", err);
    if (ks == KZ_OK)
        st->no_autockpt = true;
    return ks;
}

static void sq_import_batch_end(kz_store *st)
{
    /* PASSIVE: never waits for readers or writers (a board reading holds
     * back only the pages it still needs); the next batch then starts the
     * log over from its beginning once every reader has moved past it */
    if (st->wal_frames >= IMPORT_WAL_PAGES)
        sqlite3_wal_checkpoint_v2(SDB(st), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

const kz_backend kz_backend_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .error = sq_error,
    .begin_write = "BEGIN IMMEDIATE",
    .begin_read = "BEGIN",
    .wait_for_locks = sq_wait_for_locks,
    .data_version = sq_data_version,
    .total_changes = sq_total_changes,
    .search_fns = sq_search_fns,
    .exact_hits = KZ_EXACT_HITS,
    .search_index = sq_search_index,
    .import_tune = sq_import_tune,
    .import_batch_end = sq_import_batch_end,
};
