/* rescore.c - rescoring every lead as three ordered streams (leads, custom
 * fields, activities) merged by lead id: a handful of statements per batch
 * instead of several queries per lead.
 *
 * Each batch is one write transaction, read and written in chunks: the main
 * thread reads a chunk of leads into memory while a worker thread scores the
 * chunk before it, then writes that one. Only the main thread touches the
 * database; the worker only calls the scoring callback (and, for
 * rescore_save, encodes the chunk's leads to save).
 *
 * A lead is saved only while it is at the version read, so a save made by
 * someone else meanwhile is never overwritten (that lead is rescored on its
 * next pass). SQLite writes a chunk lead by lead (a statement costs no round
 * trip); a backend with rescore_save (PostgreSQL) writes the leads of a
 * chunk whose score fields moved, and their grade events, in one statement. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "store/internal.h"


/* Leads read, scored and written as one unit within a batch: a quarter of
 * the batch, at most CHUNK_MAX (two chunks are in memory at a time). */
#define CHUNK_MAX 2000

static const kz_field score_fields[] = {KZ_F_SCORE, KZ_F_GRADE, KZ_F_PERSONA, KZ_F_PAIN,
                                        KZ_F_INTEREST, KZ_F_FIT, KZ_F_BUDGET, KZ_F_AUTHORITY,
                                        KZ_F_NEED, KZ_F_TIMELINE, KZ_F_SCORE_AT,
                                        KZ_F_SCORE_DUE};
#define NSCORE (sizeof score_fields / sizeof score_fields[0])

static bool same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Copies column col of s into out (size n), truncating like snprintf. */
static void copy_col(kz_dbstmt *s, int col, char *out, size_t n)
{
    size_t len = 0;
    const char *v = kz_col_strn(s, col, &len);
    if (len > n - 1)
        len = n - 1;
    if (len)
        memcpy(out, v, len);
    out[len] = '\0';
}

/* Copies the note into the activity, reusing its buffer. */
static void read_activity(kz_dbstmt *s, kz_activity *a, size_t *notecap)
{
    a->id = kz_col_i64(s, 0);
    a->lead_id = kz_col_i64(s, 1);
    a->at = kz_col_i64(s, 2);
    copy_col(s, 3, a->kind, sizeof a->kind);
    copy_col(s, 4, a->channel, sizeof a->channel);
    copy_col(s, 5, a->outcome, sizeof a->outcome);
    copy_col(s, 6, a->author, sizeof a->author);
    kz_read_activity_with(s, 8, a);
    size_t n = 0;
    const char *note = kz_col_strn(s, 7, &n);
    if (!note) {
        if (a->note)
            a->note[0] = '\0';
        return;
    }
    if (*notecap < n + 1) {
        a->note = kz_xrealloc(a->note, n + 1);
        *notecap = n + 1;
    }
    memcpy(a->note, note, n + 1);
}

typedef struct acts {
    kz_activity *v; /* owned, with owned notes */
    size_t *notecap;
    size_t n, cap;
} acts;

static kz_activity *acts_push(acts *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        a->v = kz_xrealloc(a->v, cap * sizeof *a->v);
        a->notecap = kz_xrealloc(a->notecap, cap * sizeof *a->notecap);
        memset(a->v + a->cap, 0, (cap - a->cap) * sizeof *a->v);
        memset(a->notecap + a->cap, 0, (cap - a->cap) * sizeof *a->notecap);
        a->cap = cap;
    }
    return &a->v[a->n++];
}

static void acts_free(acts *a)
{
    for (size_t i = 0; i < a->cap; i++)
        free(a->v[i].note);
    free(a->v);
    free(a->notecap);
}

/* One lead of a chunk, as read and then as scored. */
typedef struct item {
    kz_lead lead;      /* owned buffers, reused from chunk to chunk */
    acts al;           /* its activities, oldest first */
    char *old_grade;   /* owned; the grade as read (valid when had_grade) */
    size_t old_grade_cap;
    bool had_grade;
    bool had_due;      /* score_due as read */
    int64_t old_due;
    int64_t version;   /* the version as read */
    bool changed;      /* the callback changed a score field */
    bool in_doc;       /* saved by its chunk's doc */
} item;

/* Remembers what saving compares against: the grade and due time as read. */
static void item_mark(item *it)
{
    const kz_lead *lead = &it->lead;
    const char *g = kz_lead_text(lead, KZ_F_GRADE);
    it->had_grade = g != NULL;
    if (g) {
        size_t n = strlen(g) + 1;
        if (it->old_grade_cap < n) {
            it->old_grade = kz_xrealloc(it->old_grade, n);
            it->old_grade_cap = n;
        }
        memcpy(it->old_grade, g, n);
    }
    it->had_due = kz_lead_has(lead, KZ_F_SCORE_DUE);
    it->old_due = it->had_due ? kz_lead_num(lead, KZ_F_SCORE_DUE) : 0;
    it->version = kz_lead_num(lead, KZ_F_VERSION);
    it->changed = false;
    it->in_doc = false;
}

/* Leads in id order; v[0..cap) are initialised, v[0..n) hold this chunk. */
typedef struct chunk {
    item *v; /* owned */
    char *doc; /* owned: rescore_save's JSON of the leads to save (NULL: none) */
    size_t n, cap;
} chunk;

static item *chunk_push(chunk *c)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        c->v = kz_xrealloc(c->v, cap * sizeof *c->v);
        memset(c->v + c->cap, 0, (cap - c->cap) * sizeof *c->v);
        for (size_t i = c->cap; i < cap; i++)
            kz_lead_init(&c->v[i].lead);
        c->cap = cap;
    }
    return &c->v[c->n++];
}

static void chunk_free(chunk *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        kz_lead_free(&c->v[i].lead);
        acts_free(&c->v[i].al);
        free(c->v[i].old_grade);
    }
    free(c->v);
    free(c->doc);
}

/* ---- the scoring worker ---- */

typedef struct worker {
    kz_rescore_fn fn;
    void *ud;
    bool encode;    /* writes chunk.doc for the backend's rescore_save */
    bool clear_due; /* a score_due at or before due_by is cleared after fn */
    int64_t due_by;
    pthread_t thread;
    bool running; /* the thread was started (else chunks are scored inline) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk *job;   /* the chunk to score, NULL when idle; guarded by mu */
    bool quit;    /* guarded by mu */
} worker;

static char *chunk_json(chunk *c);

static void score_chunk(const worker *w, chunk *c)
{
    for (size_t i = 0; i < c->n; i++) {
        item *it = &c->v[i];
        it->changed = w->fn(&it->lead, it->al.v, it->al.n, w->ud);
        /* (rescoring due leads) a score due again at once would be walked
         * for ever */
        if (w->clear_due && kz_lead_has(&it->lead, KZ_F_SCORE_DUE) &&
            kz_lead_num(&it->lead, KZ_F_SCORE_DUE) <= w->due_by)
            kz_lead_clear(&it->lead, KZ_F_SCORE_DUE);
    }
    free(c->doc);
    c->doc = w->encode ? chunk_json(c) : NULL;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->job && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->job)
            break;
        chunk *c = w->job;
        pthread_mutex_unlock(&w->mu);
        score_chunk(w, c);
        pthread_mutex_lock(&w->mu);
        w->job = NULL;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void worker_start(worker *w, kz_rescore_fn fn, void *ud)
{
    memset(w, 0, sizeof *w);
    w->fn = fn;
    w->ud = ud;
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return;
    }
    w->running = pthread_create(&w->thread, NULL, worker_main, w) == 0;
    if (!w->running) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
    }
}

/* Hands c to the worker (scores it here when there is no worker). */
static void worker_post(worker *w, chunk *c)
{
    if (!w->running) {
        score_chunk(w, c);
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->job = c;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Waits until the chunk posted last is scored. */
static void worker_wait(worker *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->mu);
    while (w->job)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

static void worker_stop(worker *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    w->running = false;
}

/* ---- reading ---- */

/* The lead columns read: "id" then these fields. */
typedef struct columns {
    kz_field f[KZ_F__COUNT];
    size_t n;
} columns;

/* Reads a row of "id, <cols>" into l (reset first); the other fields are
 * absent. */
static void read_lead(kz_dbstmt *s, const columns *cols, kz_lead *l)
{
    kz_lead_reset(l);
    kz_lead_set_num(l, KZ_F_ID, kz_col_i64(s, 0));
    for (size_t k = 0; k < cols->n; k++)
        kz_read_lead_col(s, (int)k + 1, cols->f[k], l);
    kz_read_lead_roles(s, (int)cols->n + 1, l);
}

/* The three streams of one batch: cs and as stay open across its chunks
 * (crc and arc are their last step's result), ls is run once per chunk. */
typedef struct streams {
    kz_dbstmt *ls, *cs, *as;
    int crc, arc;
    bool with_custom;
    size_t chunk;        /* leads per chunk */
    const columns *cols; /* what ls reads */
} streams;

/* Reads up to s->chunk leads with ids in (*last, upto] into c, each with its
 * custom fields and activities; advances *last. */
static kz_status read_chunk(kz_store *st, streams *s, int64_t *last, int64_t upto, chunk *c,
                            kz_err *err)
{
    c->n = 0;
    kz_bind_i64(s->ls, 1, *last);
    kz_bind_i64(s->ls, 2, upto);
    kz_bind_i64(s->ls, 3, (int64_t)s->chunk);
    int rc;
    kz_buf scratch = KZ_BUF_INIT; /* a custom value holding a NUL */
    while ((rc = kz_step(s->ls)) == KZ_DB_ROW) {
        item *it = chunk_push(c);
        kz_lead *lead = &it->lead;
        read_lead(s->ls, s->cols, lead);
        int64_t id = kz_lead_num(lead, KZ_F_ID);
        kz_dbstmt *cs = s->cs, *as = s->as;
        while (s->with_custom && s->crc == KZ_DB_ROW && kz_col_i64(cs, 0) < id)
            s->crc = kz_step(cs);
        while (s->with_custom && s->crc == KZ_DB_ROW && kz_col_i64(cs, 0) == id) {
            kz_lead_set_custom(lead, kz_col_str(cs, 1),
                               kz_col_text(cs, 2, &scratch, NULL));
            s->crc = kz_step(cs);
        }
        it->al.n = 0;
        while (s->arc == KZ_DB_ROW && kz_col_i64(as, 1) < id)
            s->arc = kz_step(as);
        while (s->arc == KZ_DB_ROW && kz_col_i64(as, 1) == id) {
            kz_activity *a = acts_push(&it->al);
            read_activity(as, a, &it->al.notecap[it->al.n - 1]);
            s->arc = kz_step(as);
        }
        item_mark(it);
        *last = id;
    }
    kz_buf_free(&scratch);
    kz_reset(s->ls);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading leads"), err);
    if (s->with_custom && s->crc != KZ_DB_ROW && s->crc != KZ_DB_DONE)
        return kz_db_error(st, s->crc, _("reading custom fields"), err);
    if (s->arc != KZ_DB_ROW && s->arc != KZ_DB_DONE)
        return kz_db_error(st, s->arc, _("reading activities"), err);
    return KZ_OK;
}

/* ---- writing ---- */

/* The statements saving uses one lead at a time: us rewrites the score
 * fields and bumps the version, ds moves only the time the score is next
 * due; each only while the lead is at the version read. */
typedef struct savers {
    kz_dbstmt *us, *ds;
} savers;

static kz_status savers_get(kz_store *st, savers *sv, kz_err *err)
{
    sv->us = kz_stmt(st,
                     "UPDATE leads SET score = ?2, grade = ?3, persona = ?4, pain = "
                     "?5, interest = ?6, fit = ?7, budget = ?8, authority = ?9, need "
                     "= ?10, timeline = ?11, score_at = ?12, score_due = ?13, "
                     "version = version + 1, updated = ?14 WHERE id = ?1 AND version = ?15",
                     err);
    sv->ds = sv->us ? kz_stmt(st,
                              "UPDATE leads SET score_at = ?2, score_due = ?3 "
                              "WHERE id = ?1 AND version = ?4",
                              err)
                    : NULL;
    return sv->us && sv->ds ? KZ_OK : FAIL_STMT(err);
}

static void bind_opt_time(kz_dbstmt *s, int col, const kz_lead *lead, kz_field f)
{
    if (kz_lead_has(lead, f))
        kz_bind_i64(s, col, kz_lead_num(lead, f));
    else
        kz_bind_null(s, col);
}

/* Whether a scored lead has anything to save: a changed score field, or
 * a moved time it is next due. */
static bool item_dirty(const item *it)
{
    if (it->changed)
        return true;
    const kz_lead *lead = &it->lead;
    bool has = kz_lead_has(lead, KZ_F_SCORE_DUE);
    return has != it->had_due || (has && kz_lead_num(lead, KZ_F_SCORE_DUE) != it->old_due);
}

/* Whether saving the scored lead logs a grade event: its band changed. */
static bool item_event(const item *it)
{
    return it->changed &&
           !same_text(it->had_grade ? it->old_grade : NULL, kz_lead_text(&it->lead, KZ_F_GRADE));
}

/* Saves one scored lead: when a score field changed, the score fields,
 * a version bump and, when its band changed, a grade event; when only the
 * time it is next due moved, that time. A lead no longer at the version
 * read is left as it is. */
static kz_status write_item(kz_store *st, const savers *sv, const item *it, const char *actor,
                            int64_t now, int64_t *changed, kz_err *err)
{
    const kz_lead *lead = &it->lead;
    if (!item_dirty(it))
        return KZ_OK;
    if (!it->changed) {
        kz_bind_i64(sv->ds, 1, kz_lead_num(lead, KZ_F_ID));
        bind_opt_time(sv->ds, 2, lead, KZ_F_SCORE_AT);
        bind_opt_time(sv->ds, 3, lead, KZ_F_SCORE_DUE);
        kz_bind_i64(sv->ds, 4, it->version);
        int drc = kz_step(sv->ds);
        kz_reset(sv->ds);
        return drc == KZ_DB_DONE ? KZ_OK : kz_db_error(st, drc, _("saving scores"), err);
    }
    kz_dbstmt *us = sv->us;
    kz_bind_i64(us, 1, kz_lead_num(lead, KZ_F_ID));
    for (size_t i = 0; i < NSCORE; i++) {
        kz_field f = score_fields[i];
        int col = (int)i + 2;
        if (!kz_lead_has(lead, f))
            kz_bind_null(us, col);
        else if (kz_field_is_text(f))
            kz_bind_text(us, col, kz_lead_text(lead, f));
        else
            kz_bind_i64(us, col, kz_lead_num(lead, f));
    }
    kz_bind_i64(us, 14, now);
    kz_bind_i64(us, 15, it->version);
    int urc = kz_step(us);
    kz_reset(us);
    if (urc != KZ_DB_DONE)
        return kz_db_error(st, urc, _("saving scores"), err);
    if (kz_db_changes(st) == 0)
        return KZ_OK; /* saved by someone else since it was read */
    if (changed)
        (*changed)++;
    if (!item_event(it))
        return KZ_OK;
    return kz_event_write(st, kz_lead_num(lead, KZ_F_ID), now, it->version + 1, actor, "grade",
                          "grade", it->had_grade ? it->old_grade : NULL,
                          kz_lead_text(lead, KZ_F_GRADE), NULL, err);
}

/* The scored lead as one element of rescore_save's JSON array; NULL when a
 * text of it is not UTF-8 (JSON holds only Unicode). */
static json_t *item_json(const item *it)
{
    const kz_lead *lead = &it->lead;
    json_t *o = json_object();
    bool ok = true;
    json_object_set_new(o, "id", json_integer(kz_lead_num(lead, KZ_F_ID)));
    json_object_set_new(o, "version", json_integer(it->version));
    json_object_set_new(o, "bump", json_boolean(it->changed));
    json_object_set_new(o, "event", json_boolean(item_event(it)));
    /* (stops at a text JSON cannot hold: nothing made after it is left
     * unowned) */
    for (size_t i = 0; i < NSCORE && ok; i++) {
        kz_field f = score_fields[i];
        json_t *v;
        if (!kz_lead_has(lead, f))
            v = json_null();
        else if (kz_field_is_text(f))
            ok = (v = json_string(kz_lead_text(lead, f))) != NULL;
        else
            v = json_integer(kz_lead_num(lead, f));
        if (ok)
            json_object_set_new(o, kz_field_get(f)->name, v);
    }
    if (ok && it->had_grade)
        ok = json_object_set_new(o, "old_grade", json_string(it->old_grade)) == 0;
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* rescore_save's JSON array of the leads of c with something to save
 * (each marked in_doc); NULL when none (or when it cannot be made: they
 * are saved one by one). A lead whose text JSON cannot hold is saved on
 * its own. */
static char *chunk_json(chunk *c)
{
    json_t *rows = json_array();
    for (size_t k = 0; k < c->n; k++) {
        item *it = &c->v[k];
        json_t *o = item_dirty(it) ? item_json(it) : NULL;
        it->in_doc = o && json_array_append_new(rows, o) == 0;
    }
    char *doc = json_array_size(rows) ? json_dumps(rows, JSON_COMPACT) : NULL;
    json_decref(rows);
    if (!doc)
        for (size_t k = 0; k < c->n; k++)
            c->v[k].in_doc = false;
    return doc;
}

/* Saves the scored chunk: the leads in its doc in one statement (the
 * backend's rescore_save), the others lead by lead. */
static kz_status write_chunk(kz_store *st, const savers *sv, const chunk *c, const char *actor,
                             int64_t now, int64_t *changed, kz_err *err)
{
    kz_status ks = KZ_OK;
    for (size_t k = 0; ks == KZ_OK && k < c->n; k++)
        if (!c->v[k].in_doc)
            ks = write_item(st, sv, &c->v[k], actor, now, changed, err);
    if (ks != KZ_OK || !c->doc)
        return ks;
    kz_dbstmt *s = kz_stmt(st, st->be->rescore_save, err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, c->doc);
    kz_bind_i64(s, 2, now);
    kz_bind_text(s, 3, actor);
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW && changed)
        *changed += kz_col_i64(s, 0);
    kz_reset(s);
    return rc == KZ_DB_ROW ? KZ_OK : kz_db_error(st, rc, _("saving scores"), err);
}

/* ---- the walk ---- */

/* One batch: ids in (last, upto], read, scored and written chunk by chunk
 * inside the caller's transaction. *done counts the leads walked. */
static kz_status rescore_batch(kz_store *st, streams *s, worker *w, chunk ch[2], int64_t last,
                               int64_t upto, const char *actor, int64_t now, int64_t *done,
                               int64_t *changed, kz_err *err)
{
    savers sv;
    kz_status ks = savers_get(st, &sv, err);
    if (ks != KZ_OK)
        return ks;
    kz_bind_i64(s->cs, 1, last);
    kz_bind_i64(s->cs, 2, upto);
    kz_bind_i64(s->as, 1, last);
    kz_bind_i64(s->as, 2, upto);
    s->crc = s->with_custom ? kz_step(s->cs) : KZ_DB_DONE;
    s->arc = kz_step(s->as);
    chunk *cur = &ch[0], *next = &ch[1];
    ks = read_chunk(st, s, &last, upto, cur, err);
    if (ks == KZ_OK && cur->n)
        worker_post(w, cur);
    while (ks == KZ_OK && cur->n) {
        /* read the next chunk while the worker scores this one */
        ks = read_chunk(st, s, &last, upto, next, err);
        worker_wait(w);
        if (ks != KZ_OK)
            break;
        if (next->n)
            worker_post(w, next);
        ks = write_chunk(st, &sv, cur, actor, now, changed, err);
        *done += (int64_t)cur->n;
        chunk *t = cur;
        cur = next;
        next = t;
    }
    worker_wait(w);
    kz_reset(s->cs);
    kz_reset(s->as);
    return ks;
}

/* The leads a batch of due leads reads (kz_store_rescore_due): the `batch`
 * due soonest, with the time and the count as parameters ?NOW and ?LIMIT. */
#define DUE_IDS(now, limit)                                                                  \
    "SELECT id FROM leads WHERE score_due <= ?" now " ORDER BY score_due, id LIMIT ?" limit

/* The lead stream's SQL (the columns asked for, and what saving rewrites or
 * needs: the score fields and the version) and its columns; due: only the
 * leads of DUE_IDS(4, 5). */
static void lead_sql(const bool *fields, bool due, columns *cols, kz_buf *sql)
{
    bool want[KZ_F__COUNT];
    for (int f = 0; f < KZ_F__COUNT; f++)
        want[f] = !fields || fields[f];
    for (size_t i = 0; i < NSCORE; i++)
        want[score_fields[i]] = true;
    want[KZ_F_VERSION] = true;
    cols->n = 0;
    kz_buf_printf(sql, "SELECT id");
    for (int f = 1; f < KZ_F__COUNT; f++) {
        if (!want[f])
            continue;
        cols->f[cols->n++] = (kz_field)f;
        kz_buf_printf(sql, ", %s", kz_field_get((kz_field)f)->name);
    }
    kz_buf_printf(sql, ", " KZ_ROLES_COL " FROM leads WHERE id > ?1 AND id <= ?2%s "
                       "ORDER BY id LIMIT ?3",
                  due ? " AND id IN (" DUE_IDS("4", "5") ")" : "");
}

/* Prepares the three streams of a batch (the lead stream's SQL from
 * lead_sql); due: the custom fields and activities of DUE_IDS(3, 4). */
static kz_status streams_get(kz_store *st, streams *s, const char *lsql, bool due, kz_err *err)
{
    s->ls = kz_stmt(st, lsql, err);
    s->cs = s->ls ? kz_stmt(st, due ? "SELECT lead_id, name, value FROM custom_fields WHERE "
                                      "lead_id > ?1 AND lead_id <= ?2 AND lead_id IN ("
                                      DUE_IDS("3", "4") ") ORDER BY lead_id, name"
                                    : "SELECT lead_id, name, value FROM custom_fields WHERE "
                                      "lead_id > ?1 AND lead_id <= ?2 ORDER BY lead_id, name",
                            err)
                  : NULL;
#define ACTIVITY_STREAM(cond)                                                                \
    "SELECT id, lead_id, at, kind, channel, outcome, author, note, "                         \
    "coalesce(stakeholder_id, 0), coalesce((SELECT role FROM stakeholders "                  \
    "WHERE stakeholders.id = activities.stakeholder_id), '') "                               \
    "FROM activities WHERE lead_id > ?1 AND lead_id <= ?2" cond " ORDER BY lead_id, at, id"
    s->as = s->cs ? kz_stmt(st, due ? ACTIVITY_STREAM(" AND lead_id IN (" DUE_IDS("3", "4") ")")
                                    : ACTIVITY_STREAM(""),
                            err)
                  : NULL;
#undef ACTIVITY_STREAM
    return s->as ? KZ_OK : FAIL_STMT(err);
}

kz_status kz_store_rescore_all(kz_store *st, size_t batch, const char *actor, int64_t now,
                               const bool *fields, bool with_custom, kz_rescore_fn fn, void *ud,
                               void (*progress)(int64_t done, int64_t total, void *ud),
                               int64_t *changed, kz_err *err)
{
    if (changed)
        *changed = 0;
    int64_t total = 0, done = 0, last = 0;
    kz_dbstmt *cnt = kz_stmt(st, "SELECT count(*), coalesce(max(id), 0) FROM leads", err);
    if (!cnt)
        return FAIL_STMT(err);
    int64_t max_id = 0;
    int crc = kz_step(cnt);
    if (crc == KZ_DB_ROW) {
        total = kz_col_i64(cnt, 0);
        max_id = kz_col_i64(cnt, 1);
    }
    kz_reset(cnt);
    if (crc != KZ_DB_ROW)
        return kz_db_error(st, crc, _("counting leads"), err);

    columns cols;
    kz_buf sql = KZ_BUF_INIT;
    lead_sql(fields, false, &cols, &sql);
    size_t per_chunk = batch / 4;
    if (per_chunk < 1)
        per_chunk = 1;
    if (per_chunk > CHUNK_MAX)
        per_chunk = CHUNK_MAX;
    worker w;
    worker_start(&w, fn, ud);
    w.encode = st->be->rescore_save != NULL;
    chunk ch[2] = {{0}, {0}};
    kz_status ks = KZ_OK;
    while (ks == KZ_OK && last < max_id) {
        if ((ks = kz_store_begin(st, err)) != KZ_OK)
            break;
        streams s = {NULL, NULL, NULL, KZ_DB_DONE, KZ_DB_DONE, with_custom, per_chunk, &cols};
        /* the id range of this batch (none left: leads deleted meanwhile) */
        kz_dbstmt *rs = NULL;
        if ((ks = streams_get(st, &s, kz_buf_str(&sql), false, err)) != KZ_OK ||
            !(rs = kz_stmt(st,
                           "SELECT max(id) FROM (SELECT id FROM leads WHERE id > ?1 "
                           "ORDER BY id LIMIT ?2) AS batch",
                           err))) {
            ks = FAIL_STMT(err);
            break;
        }
        kz_bind_i64(rs, 1, last);
        kz_bind_i64(rs, 2, (int64_t)batch);
        int rrc = kz_step(rs);
        bool any = rrc == KZ_DB_ROW && !kz_col_null(rs, 0);
        int64_t upto = any ? kz_col_i64(rs, 0) : max_id;
        kz_reset(rs);
        if (rrc != KZ_DB_ROW) {
            ks = kz_db_error(st, rrc, _("reading leads"), err);
            break;
        }
        if (any)
            ks = rescore_batch(st, &s, &w, ch, last, upto, actor, now, &done, changed, err);
        if (ks == KZ_OK)
            ks = kz_store_commit(st, err);
        else
            kz_store_rollback(st);
        if (ks == KZ_OK && progress)
            progress(done, total, ud);
        last = upto;
    }
    if (st->in_txn)
        kz_store_rollback(st);
    worker_stop(&w);
    chunk_free(&ch[0]);
    chunk_free(&ch[1]);
    kz_buf_free(&sql);
    return ks;
}

/* Due leads at or past this count are rescored by the streaming walk of
 * every lead rather than batch by batch. */
#define DUE_STREAM_FROM 5000

kz_status kz_store_rescore_due(kz_store *st, size_t batch, bool one_batch, const char *actor,
                               int64_t now, const bool *fields, bool with_custom,
                               kz_rescore_fn fn, void *ud, int64_t *changed, kz_err *err)
{
    if (changed)
        *changed = 0;
    kz_dbstmt *cs = kz_stmt(st,
                               "SELECT count(*) FROM (SELECT 1 FROM leads WHERE score_due <= ?1 "
                               "LIMIT ?2) AS due",
                               err);
    if (!cs)
        return FAIL_STMT(err);
    kz_bind_i64(cs, 1, now);
    kz_bind_i64(cs, 2, DUE_STREAM_FROM);
    int crc = kz_step(cs);
    int64_t due = crc == KZ_DB_ROW ? kz_col_i64(cs, 0) : 0;
    kz_reset(cs);
    if (crc != KZ_DB_ROW)
        return kz_db_error(st, crc, _("finding leads whose score is due"), err);
    if (due == 0)
        return KZ_OK;
    if (due >= DUE_STREAM_FROM && !one_batch)
        return kz_store_rescore_all(st, batch, actor, now, fields, with_custom, fn, ud, NULL,
                                    changed, err);

    if (batch < 1)
        batch = 1;
    if (batch > CHUNK_MAX)
        batch = CHUNK_MAX;
    /* a batch is the `batch` leads due soonest, read as the same three
     * streams in one chunk: the set is taken before anything is written */
    columns cols;
    kz_buf sql = KZ_BUF_INIT;
    lead_sql(fields, true, &cols, &sql);
    worker w;
    worker_start(&w, fn, ud);
    w.encode = st->be->rescore_save != NULL;
    w.clear_due = true;
    w.due_by = now;
    chunk ch[2] = {{0}, {0}};
    kz_status ks = KZ_OK;
    int64_t n;
    do {
        n = 0;
        if ((ks = kz_store_begin(st, err)) != KZ_OK)
            break;
        streams s = {NULL, NULL, NULL, KZ_DB_DONE, KZ_DB_DONE, with_custom, batch, &cols};
        if ((ks = streams_get(st, &s, kz_buf_str(&sql), true, err)) == KZ_OK) {
            kz_bind_i64(s.ls, 4, now);
            kz_bind_i64(s.ls, 5, (int64_t)batch);
            kz_bind_i64(s.cs, 3, now);
            kz_bind_i64(s.cs, 4, (int64_t)batch);
            kz_bind_i64(s.as, 3, now);
            kz_bind_i64(s.as, 4, (int64_t)batch);
            ks = rescore_batch(st, &s, &w, ch, 0, INT64_MAX, actor, now, &n, changed, err);
        }
        if (ks == KZ_OK)
            ks = kz_store_commit(st, err);
        else
            kz_store_rollback(st);
    } while (ks == KZ_OK && n == (int64_t)batch && !one_batch);
    if (st->in_txn)
        kz_store_rollback(st);
    worker_stop(&w);
    chunk_free(&ch[0]);
    chunk_free(&ch[1]);
    kz_buf_free(&sql);
    return ks;
}
