/* import.c - running an import: CSV rows or intake lines become leads,
 * de-duplicated, validated against the rules in force, scored and written in
 * short batches that record their progress so an interrupted import resumes.
 *
 * A dry run does the same work inside one transaction and rolls it back, so
 * its counts (duplicates within the file included) are exactly what the real
 * run would report.
 *
 * Memory: one lead, one scratch lead and the current CSV record at a time;
 * the summary keeps at most LIST_MAX duplicates to show and WORDS_MAX
 * distinct owner, stage and status words; the account database is read
 * once a file. Nothing else grows with the input. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/import.h"
#include "kariz/labels.h"
#include "kariz/rules.h"
#include "kariz/text.h"

#define LIST_MAX 50
#define DEFAULT_BATCH 20000
#define PREFIX_HASH (1u << 20) /* bytes of standard input that identify it */
#define LINE_MAX_BYTES (1u << 20)
#define WORDS_MAX 1000 /* distinct owner, stage and status words a summary lists */

typedef enum outcome { OUT_CREATED, OUT_UPDATED, OUT_SKIPPED, OUT_REJECTED } outcome;

typedef struct run {
    kz_session *s;
    const kz_import_opts *o;
    const char *cmd;        /* "import" or "intake" */
    const char *source;     /* file name shown in messages */
    kz_store_import imp;
    bool begun;             /* the imports row exists */
    kz_lead lead, cur;
    bool stage_implied;     /* the row's stage is its status's (a lifecycle word), not its own */
    kz_activity_list acts;
    /* an intake line's own activities and stakeholders (kariz export
     * --format jsonl), written with the lead when it is created */
    kz_activity_list line_acts;
    kz_stakeholder_list line_shs;
    kz_score *score;        /* owned */
    kz_owner_match *owners; /* owned: the accounts owners and authors are matched to */
    kz_import_tally own_tally; /* when the caller keeps none */
    kz_import_tally *tally;
    kz_file_kind kind;      /* the file's records */
    kz_dup_mode dup;        /* a deals file updates the leads its deals belong to */
    kz_buf note;            /* an activity's note text */
    kz_buf key;
    kz_buf dups[2];         /* "line 7 = lead 3, ..." (first LIST_MAX): left as they */
    size_t ndups[2];        /* were [0], updated [1] */
    kz_buf differs;         /* the fields the row holds otherwise than the duplicate's
                             * lead: "title, phone" (for the duplicates listed) */
    kz_buf unnamed;         /* deals without a contact: "line 4 = lead 9, ..." */
    size_t nunnamed;
    kz_buf orphans;         /* deals whose contact this command rejected: "line 2 =
                             * lead 3 (contacts.csv line 5), ..." */
    size_t norphans;
    int64_t row;            /* data rows seen */
    int64_t committed;      /* data rows in committed batches (resumed ones included) */
    bool any_committed;     /* the imports row is in the database */
    size_t in_batch;
    struct timespec batch_t0; /* when the open transaction began */
    /* progress */
    int64_t total_bytes;    /* 0 when unknown */
    struct timespec t0, last;
    bool drawn;
    int64_t draws;
    /* a second reader of the file, ahead of the rows being written: the
     * e-mails of the next rows are looked up in one query
     * (kz_store_import_prefetch) where a look-up is a round trip */
    kz_csv *scout;          /* owned; NULL: none */
    FILE *scout_in;         /* owned */
    const kz_import_map *map;
    int64_t scout_row;      /* data rows the scout has read */
    kz_lead scout_lead;
} run;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void progress(run *r, int64_t bytes, bool final)
{
    if (!r->o->progress)
        return;
    if (!final && (r->row & 255) != 0)
        return;
    if (!final && r->draws && seconds_since(&r->last) < 0.1)
        return; /* the first update shows at once, then ten a second */
    clock_gettime(CLOCK_MONOTONIC, &r->last);
    double el = seconds_since(&r->t0);
    double rate = el > 0 ? (double)r->row / el : 0;
    if (final) {
        if (r->drawn)
            fputs("\r\033[K", stderr);
        r->drawn = false;
        return;
    }
    fputs("\r\033[K", stderr);
    fprintf(stderr, _("%s: %" PRId64 " rows, %.0f rows/s"), r->cmd, r->row, rate);
    if (r->total_bytes > 0 && bytes > 0) {
        double frac = (double)bytes / (double)r->total_bytes;
        if (frac > 1)
            frac = 1;
        int width = 30, fill = (int)(frac * width);
        fputs("  [", stderr);
        for (int i = 0; i < width; i++)
            fputc(i < fill ? '#' : ' ', stderr);
        fprintf(stderr, "] %3.0f%%", frac * 100);
        if (frac > 0.01) {
            long eta = (long)(el / frac - el);
            fprintf(stderr, _("  ETA %ld:%02ld"), eta / 60, eta % 60);
        }
    }
    fflush(stderr);
    r->drawn = true;
    r->draws++;
}

/* Prints one line to diag, sanitised, clearing the progress bar first. */
static void diag(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diag(run *r, const char *fmt, ...)
{
    if (!r->o->diag)
        return;
    kz_buf raw = KZ_BUF_INIT, safe = KZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&raw, fmt, ap);
    va_end(ap);
    kz_text_sanitize(&safe, raw.s ? raw.s : "", raw.len,
                     KZ_TEXT_NEWLINE_SPACE);
    if (r->drawn && r->o->diag == stderr)
        fputs("\r\033[K", stderr);
    r->drawn = false;
    fprintf(r->o->diag, "kariz %s: %s\n", r->cmd, kz_buf_str(&safe));
    kz_buf_free(&raw);
    kz_buf_free(&safe);
}

/* ---- validation against the rules in force ---- */

static const kz_stage *find_stage(const kz_rules *rules, const char *name)
{
    const kz_stage *st = kz_rules_stage(rules, name);
    if (st)
        return st;
    const kz_stage *all = kz_rules_stages(rules);
    for (size_t i = 0; i < kz_rules_stage_count(rules); i++)
        if (kz_strcasecmp(all[i].name, name) == 0 || kz_strcasecmp(all[i].label, name) == 0)
            return &all[i];
    return NULL;
}

/* Whether tally entry w is the stage or status word `word` (folded alike:
 * "Appointment Scheduled" is "appointmentscheduled") with the same meaning
 * (NULL: nobody maps it), whether a stage or a status column held it. */
static bool same_word(const kz_import_word_count *w, char what, const char *word,
                      const char *meaning)
{
    if (what == 'o' || w->what == 'o' || what == 'n' || w->what == 'n')
        return w->what == what && strcmp(w->word, word) == 0;
    if ((w->meaning != NULL) != (meaning != NULL) || (meaning && strcmp(w->meaning, meaning) != 0))
        return false;
    char a[256], b[256];
    kz_import_fold(w->word, a, sizeof a);
    kz_import_fold(word, b, sizeof b);
    return strcmp(a, b) == 0;
}

/* Counts one owner, stage or status word the file used, with what it
 * became (meaning NULL: nothing matched). */
static void tally_word(run *r, char what, const char *word, const char *meaning, const char *why)
{
    kz_import_tally *t = r->tally;
    for (size_t i = 0; i < t->n; i++)
        if (same_word(&t->v[i], what, word, meaning)) {
            t->v[i].count++;
            return;
        }
    if (t->n >= WORDS_MAX)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->v = kz_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    kz_import_word_count *w = &t->v[t->n++];
    w->word = kz_xstrdup(word);
    w->meaning = meaning ? kz_xstrdup(meaning) : NULL;
    w->why = why;
    w->what = what;
    w->count = 1;
}

/* A person the file names as owner or author: the account, or NULL (the
 * name is then listed as unmatched). */
static const char *match_person(run *r, const char *name)
{
    const char *why = NULL;
    const char *acc = kz_owner_match_find(r->owners, name, &why);
    if (why == kz_owner_kept_why)
        tally_word(r, 'n', name, NULL, NULL); /* (kept, and said: a typo shows) */
    else if (!acc || strcmp(acc, name) != 0)
        tally_word(r, 'o', name, acc, why);
    return acc;
}

static bool status_known(const kz_rules *rules, const char *s, const char **canon)
{
    for (size_t i = 0; i < kz_rules_status_count(rules); i++)
        if (kz_strcasecmp(kz_rules_status(rules, i), s) == 0 ||
            kz_strcasecmp(kz_rules_status_label(rules, i), s) == 0) {
            *canon = kz_rules_status(rules, i);
            return true;
        }
    return false;
}

/* A lost deal's reason when the file gives none: the word's, else "other"
 * (else the rules' first reason). */
static void default_reason(run *r, kz_lead *l, const char *reason)
{
    if (kz_lead_has(l, KZ_F_LOST_REASON))
        return;
    const kz_rules *rules = r->s->rules;
    const char *pick = reason;
    for (size_t i = 0; !pick && i < kz_rules_lost_reason_count(rules); i++)
        if (strcmp(kz_rules_lost_reason(rules, i), "other") == 0)
            pick = "other";
    if (!pick && kz_rules_lost_reason_count(rules))
        pick = kz_rules_lost_reason(rules, 0);
    if (pick)
        kz_lead_set_text(l, KZ_F_LOST_REASON, pick);
}

static void describe_meaning(const kz_word_meaning *wm, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s%s", wm->stage ? wm->stage : "", wm->stage && wm->status ? ", " : "",
             wm->status ? _("status ") : "", wm->status ? wm->status : "");
}

/* The owner matched to an account (else unassigned, the name kept as
 * custom field crm_owner); a stage and a status in another CRM's words
 * turned into the rules' own (else kept as crm_stage / crm_status). */
static void translate(run *r, kz_lead *l)
{
    const kz_rules *rules = r->s->rules;
    const char *ow = kz_lead_text(l, KZ_F_OWNER);
    if (ow) {
        const char *acc = match_person(r, ow);
        if (!acc) {
            kz_lead_set_custom(l, "crm_owner", ow);
            kz_lead_clear(l, KZ_F_OWNER);
        } else if (acc != ow && strcmp(acc, ow) != 0) {
            kz_lead_set_text(l, KZ_F_OWNER, acc);
        }
    }
    char meaning[160];
    kz_word_meaning wm;
    const char *reason = NULL;
    r->stage_implied = false;
    const char *sname = kz_lead_text(l, KZ_F_STAGE);
    if (sname && !find_stage(rules, sname)) {
        if (kz_import_word(rules, sname, &wm) && wm.stage) {
            describe_meaning(&wm, meaning, sizeof meaning);
            tally_word(r, 's', sname, meaning, wm.from);
            if (wm.status && !kz_lead_has(l, KZ_F_STATUS))
                kz_lead_set_text(l, KZ_F_STATUS, wm.status);
            reason = wm.lost_reason;
            kz_lead_set_text(l, KZ_F_STAGE, wm.stage);
        } else {
            tally_word(r, 's', sname, NULL, NULL);
            kz_lead_set_custom(l, "crm_stage", sname);
            kz_lead_clear(l, KZ_F_STAGE);
        }
    }
    const char *stt = kz_lead_text(l, KZ_F_STATUS), *canon;
    if (stt && status_known(rules, stt, &canon)) {
        if (strcmp(canon, stt) != 0)
            kz_lead_set_text(l, KZ_F_STATUS, canon);
        /* a status of the rules' own that implies a stage (HubSpot's lifecycle
         * customer, opportunity) places a lead the row gives no stage */
        if (!kz_lead_has(l, KZ_F_STAGE) && kz_import_word(rules, canon, &wm) && wm.stage) {
            wm.status = canon;
            describe_meaning(&wm, meaning, sizeof meaning);
            tally_word(r, 't', stt, meaning, wm.from);
            kz_lead_set_text(l, KZ_F_STAGE, wm.stage);
            r->stage_implied = true;
            reason = wm.lost_reason;
        }
    } else if (stt) {
        if (kz_import_word(rules, stt, &wm)) {
            describe_meaning(&wm, meaning, sizeof meaning);
            tally_word(r, 't', stt, meaning, wm.from);
            /* a status that closes the deal (Pipedrive's won/lost) outranks an
             * open stage; any other only fills in a missing stage */
            const kz_stage *to = wm.stage ? kz_rules_stage(rules, wm.stage) : NULL;
            const char *cur = kz_lead_text(l, KZ_F_STAGE);
            const kz_stage *now = cur ? find_stage(rules, cur) : NULL;
            if (to && (!now || (to->kind != KZ_STAGE_OPEN && now->kind == KZ_STAGE_OPEN))) {
                if (now && to->kind == KZ_STAGE_LOST && !kz_lead_has(l, KZ_F_LOST_FROM))
                    kz_lead_set_text(l, KZ_F_LOST_FROM, now->name);
                kz_lead_set_text(l, KZ_F_STAGE, to->name);
                r->stage_implied = !now; /* (a closing status outranks the row's stage) */
                reason = wm.lost_reason;
            }
            if (wm.status)
                kz_lead_set_text(l, KZ_F_STATUS, wm.status);
            else
                kz_lead_clear(l, KZ_F_STATUS);
        } else {
            tally_word(r, 't', stt, NULL, NULL);
            kz_lead_set_custom(l, "crm_status", stt);
            kz_lead_clear(l, KZ_F_STATUS);
        }
    }
    /* a lost reason in the file's own words: the rules' reason of that
     * name or label, else kept as custom field crm_lost_reason (the lead's
     * reason is then the word's or other), so a report's reasons are the
     * rules' and never split one reason in two */
    const char *lr = kz_lead_text(l, KZ_F_LOST_REASON);
    if (lr) {
        const char *canon_r = kz_label_find_lost_reason(rules, lr);
        if (canon_r) {
            if (strcmp(canon_r, lr) != 0)
                kz_lead_set_text(l, KZ_F_LOST_REASON, canon_r);
        } else {
            tally_word(r, 'r', lr, NULL, NULL);
            kz_lead_set_custom(l, "crm_lost_reason", lr);
            kz_lead_clear(l, KZ_F_LOST_REASON);
        }
    }
    const char *fin = kz_lead_text(l, KZ_F_STAGE);
    const kz_stage *st = fin ? kz_rules_stage(rules, fin) : NULL;
    if (st && st->kind == KZ_STAGE_LOST && (reason || (sname && strcmp(fin, sname) != 0) ||
                                           !sname))
        default_reason(r, l, reason); /* lost in another CRM's words: a reason of its own */
}

/* Checks what can be checked without the database; canonicalises the stage. */
static kz_status validate(run *r, kz_lead *l, kz_err *err)
{
    const char *name = kz_lead_text(l, KZ_F_NAME), *email = kz_lead_text(l, KZ_F_EMAIL),
               *company = kz_lead_text(l, KZ_F_COMPANY);
    if (!name && !email && !company)
        return kz_err_set(err, KZ_EINVAL, _("no name, no e-mail and no company"));
    translate(r, l);
    const char *sname = kz_lead_text(l, KZ_F_STAGE);
    if (sname) {
        const kz_stage *st = find_stage(r->s->rules, sname);
        if (!st)
            return kz_err_set(err, KZ_EINVAL, _("unknown stage \"%.80s\" (stages: %s)"), sname,
                              kz_rules_stage_names(r->s->rules));
        if (strcmp(st->name, sname) != 0)
            kz_lead_set_text(l, KZ_F_STAGE, st->name);
        if (st->kind == KZ_STAGE_LOST && !kz_lead_has(l, KZ_F_LOST_REASON))
            return kz_err_set(err, KZ_EINVAL, _("a lead in stage %s needs a lost reason"),
                              st->name);
    }
    const char *lf = kz_lead_text(l, KZ_F_LOST_FROM);
    if (lf) {
        const kz_stage *st = find_stage(r->s->rules, lf);
        if (!st)
            return kz_err_set(err, KZ_EINVAL, _("lost_from: unknown stage \"%.80s\" (stages: %s)"),
                              lf, kz_rules_stage_names(r->s->rules));
        kz_lead_set_text(l, KZ_F_LOST_FROM, st->name);
    }
    return KZ_OK;
}

/* ---- writing ---- */

static kz_status begin_batch(run *r, kz_err *err)
{
    if (kz_store_in_txn(r->s->store))
        return KZ_OK;
    kz_status ks = kz_store_begin(r->s->store, err);
    if (ks != KZ_OK)
        return ks;
    r->in_batch = 0;
    clock_gettime(CLOCK_MONOTONIC, &r->batch_t0);
    return KZ_OK;
}

static kz_status commit_batch(run *r, kz_err *err)
{
    if (!kz_store_in_txn(r->s->store) || r->o->dry_run)
        return KZ_OK;
    r->imp.rows_done = r->row;
    kz_status ks = KZ_OK;
    if (r->begun)
        ks = kz_store_import_progress(r->s->store, &r->imp, err);
    if (ks == KZ_OK)
        ks = kz_store_commit(r->s->store, err);
    if (ks != KZ_OK) {
        kz_store_rollback(r->s->store);
    } else {
        r->committed = r->row;
        r->any_committed = true;
        kz_store_import_batch_end(r->s->store);
    }
    r->in_batch = 0;
    return ks;
}

static void copy_field(kz_lead *dst, const kz_lead *src, kz_field f)
{
    kz_ftype t = kz_field_get(f)->type;
    if (t == KZ_FT_DATE)
        kz_lead_set_date(dst, f, (int)kz_lead_num(src, f));
    else if (t == KZ_FT_TEXT || t == KZ_FT_USER || t == KZ_FT_STAGE)
        kz_lead_set_text(dst, f, kz_lead_text(src, f));
    else
        kz_lead_set_num(dst, f, kz_lead_num(src, f));
}

/* Ends a list of n rows of which the first LIST_MAX were written: "and N
 * more", and the line. */
static void end_list(kz_buf *b, size_t n)
{
    if (n > LIST_MAX)
        kz_buf_printf(b, _(" and %zu more"), n - LIST_MAX);
    kz_buf_putc(b, '\n');
}

/* Lists a duplicate; with the fields r->differs names: those an update
 * changed, or those a skipped row holds otherwise than the lead. */
static void note_dup(run *r, int64_t line, int64_t id, bool updated)
{
    size_t *n = &r->ndups[updated];
    (*n)++;
    if (*n <= LIST_MAX) {
        kz_buf_printf(&r->dups[updated], _("%sline %" PRId64 " = lead %" PRId64),
                      *n > 1 ? ", " : "", line, id);
        if (r->differs.len && updated)
            kz_buf_printf(&r->dups[updated], " (%s)", kz_buf_str(&r->differs));
        else if (r->differs.len)
            kz_buf_printf(&r->dups[updated], _(" (differs: %s)"), kz_buf_str(&r->differs));
    }
    kz_buf_reset(&r->differs);
}

/* Whether field f of the row already holds on the lead. */
static bool same_value(const kz_lead *a, const kz_lead *b, kz_field f)
{
    if (kz_lead_has(a, f) != kz_lead_has(b, f))
        return false;
    if (kz_field_is_text(f) && kz_field_get(f)->type != KZ_FT_DATE)
        return strcmp(kz_lead_text(a, f), kz_lead_text(b, f)) == 0;
    return kz_lead_num(a, f) == kz_lead_num(b, f);
}

/* Whether the row's value of field f is the lead's to take: a deal's
 * contact (name, e-mail, company) only finds its lead, and fills what it
 * lacks; it never renames the person the contacts file made. */
/* Whether stage `to` is further down the funnel than `from`: from an open
 * stage to a later one or to a closed one (won, lost); never out of a
 * closed stage. */
static bool stage_forward(const kz_rules *rules, const char *from, const char *to)
{
    const kz_stage *f = from ? kz_rules_stage(rules, from) : NULL,
                   *t = to ? kz_rules_stage(rules, to) : NULL;
    if (!f || !t)
        return !f;
    if (f->kind != KZ_STAGE_OPEN)
        return false;
    const kz_stage *all = kz_rules_stages(rules);
    return t->kind != KZ_STAGE_OPEN || t - all > f - all;
}

static bool row_sets(const run *r, kz_field f)
{
    if (!r->lead.has[f] || (kz_field_get(f)->flags & KZ_FF_RO))
        return false;
    /* a stage the row's status implies (a contact's lifecycle: HubSpot's
     * "customer", "salesqualifiedlead") only moves a lead on: a re-import
     * of contacts never reopens a won or lost deal or moves one back */
    if (f == KZ_F_STAGE && r->stage_implied)
        return stage_forward(r->s->rules, kz_lead_text(&r->cur, KZ_F_STAGE),
                             kz_lead_text(&r->lead, KZ_F_STAGE));
    if (r->kind == KZ_KIND_DEALS && (f == KZ_F_NAME || f == KZ_F_EMAIL || f == KZ_F_COMPANY))
        return !kz_lead_has(&r->cur, f) || !*kz_lead_text(&r->cur, f);
    return true;
}

/* Whether the row would write anything onto the lead in r->cur that it
 * holds otherwise; with list (a duplicate the summary will name), those
 * fields, built-in then custom, into r->differs. */
static bool differences(run *r, bool list)
{
    kz_buf_reset(&r->differs);
    bool any = false;
    for (int f = 1; f < KZ_F__COUNT && (list || !any); f++)
        if (row_sets(r, (kz_field)f) && !same_value(&r->lead, &r->cur, (kz_field)f)) {
            any = true;
            if (list)
                kz_buf_printf(&r->differs, "%s%s", r->differs.len ? ", " : "",
                              kz_field_get((kz_field)f)->name);
        }
    for (size_t i = 0; i < r->lead.ncustom && (list || !any); i++) {
        const char *was = kz_lead_custom(&r->cur, r->lead.custom[i].name);
        if (!was || strcmp(was, r->lead.custom[i].value) != 0) {
            any = true;
            if (list)
                kz_buf_printf(&r->differs, "%s%s", r->differs.len ? ", " : "",
                              r->lead.custom[i].name);
        }
    }
    return any;
}

/* When a lead the row puts in `stage` entered it: for a closed stage (won
 * or lost), the row's close date, the day the deal closed in the other CRM,
 * unless that is after now or before the lead's creation; otherwise now.
 * (An open deal's close date is only expected: it moves nothing.) Without
 * this, every deal a migration brings in closed would count as closed on
 * the day of the import, in `report losses` and the win rates. */
static int64_t entered_at(const run *r, const char *stage, int64_t created, int64_t now)
{
    const kz_stage *st = stage ? kz_rules_stage(r->s->rules, stage) : NULL;
    if (!st || st->kind == KZ_STAGE_OPEN)
        return now;
    /* the time the other CRM closed it, where it keeps one apart from the
     * expected close date (Pipedrive's "Deal - Won time", "Deal - Lost
     * time", "Deal - Deal closed on", kept as custom fields) */
    static const char *const won[] = {"deal_won_time", "won_time", "deal_closed_on", "closed_on"},
                             *const lost[] = {"deal_lost_time", "lost_time", "deal_closed_on",
                                              "closed_on"};
    const char *const *names = st->kind == KZ_STAGE_WON ? won : lost;
    /* (in the order --date-format gives, else the one the file's date
     * columns show) */
    kz_date_order order = r->o->date_order;
    for (size_t i = 0; r->map && order == KZ_DATES_UNKNOWN && i < r->map->n; i++)
        order = r->map->col[i].dates;
    int64_t t = -1;
    for (size_t i = 0; i < 4 && t < 0; i++) {
        const char *cell = kz_lead_custom(&r->lead, names[i]);
        char iso[48];
        int64_t v;
        if (cell && kz_import_date_read(cell, order, iso, sizeof iso, NULL) == KZ_OK &&
            kz_time_parse(iso, &v) == KZ_OK)
            t = v;
    }
    /* a close date is a day: the deal closed by its end (a meeting that
     * day came before it) */
    if (t < 0 && kz_lead_has(&r->lead, KZ_F_CLOSE_DATE))
        t = kz_day_start((int)kz_lead_num(&r->lead, KZ_F_CLOSE_DATE) + 1) - 1;
    if (t < 0 || t > now)
        return now;
    return t < created ? created : t;
}

/* Applies the row's values onto the existing lead and saves it rescored;
 * *changed false (nothing written) when the lead holds them all already. */
static kz_status update_existing(run *r, int64_t id, bool *changed, kz_err *err)
{
    kz_status ks = kz_store_lead_get(r->s->store, id, &r->cur, err);
    if (ks != KZ_OK)
        return ks;
    *changed = differences(r, r->ndups[1] < LIST_MAX);
    if (!*changed)
        return KZ_OK;
    int64_t now = kz_session_now(r->s);
    for (int f = 1; f < KZ_F__COUNT; f++) {
        if (!row_sets(r, (kz_field)f))
            continue;
        if (f == KZ_F_STAGE) {
            const char *was = kz_lead_text(&r->cur, KZ_F_STAGE);
            if (was && strcmp(was, kz_lead_text(&r->lead, KZ_F_STAGE)) != 0) {
                /* the row's own, else when it closed (the stage it
                 * leaves was often entered at an earlier import of the
                 * same migration: that is no bound) */
                int64_t entered = kz_lead_has(&r->lead, KZ_F_STAGE_ENTERED)
                                      ? kz_lead_num(&r->lead, KZ_F_STAGE_ENTERED)
                                      : entered_at(r, kz_lead_text(&r->lead, KZ_F_STAGE),
                                                   kz_lead_num(&r->cur, KZ_F_CREATED), now);
                kz_lead_set_num(&r->cur, KZ_F_STAGE_ENTERED, entered);
            } else if (was && !r->stage_implied) {
                /* closed already (a contact's lifecycle, "customer", put
                 * it there at an earlier import, at that import's time):
                 * the deal's own close time, when earlier */
                const kz_stage *cs = kz_rules_stage(r->s->rules, was);
                int64_t t = entered_at(r, was, kz_lead_num(&r->cur, KZ_F_CREATED), now);
                if (cs && cs->kind != KZ_STAGE_OPEN &&
                    t < kz_lead_num(&r->cur, KZ_F_STAGE_ENTERED))
                    kz_lead_set_num(&r->cur, KZ_F_STAGE_ENTERED, t);
            }
            const kz_stage *from = was ? kz_rules_stage(r->s->rules, was) : NULL,
                           *to = kz_rules_stage(r->s->rules, kz_lead_text(&r->lead, KZ_F_STAGE));
            if (from && to && from->kind == KZ_STAGE_OPEN && to->kind == KZ_STAGE_LOST &&
                !kz_lead_has(&r->lead, KZ_F_LOST_FROM))
                kz_lead_set_text(&r->cur, KZ_F_LOST_FROM, from->name); /* where it was lost */
            if (from && to && from->kind == KZ_STAGE_LOST && to->kind != KZ_STAGE_LOST) {
                /* reopened, as `move` does: the loss no longer describes it */
                if (!kz_lead_has(&r->lead, KZ_F_LOST_REASON))
                    kz_lead_clear(&r->cur, KZ_F_LOST_REASON);
                if (!kz_lead_has(&r->lead, KZ_F_LOST_FROM))
                    kz_lead_clear(&r->cur, KZ_F_LOST_FROM);
            }
        }
        copy_field(&r->cur, &r->lead, (kz_field)f);
    }
    for (size_t i = 0; i < r->lead.ncustom; i++)
        kz_lead_set_custom(&r->cur, r->lead.custom[i].name, r->lead.custom[i].value);
    kz_activity_list_clear(&r->acts);
    if ((ks = kz_store_activities(r->s->store, id, &r->acts, err)) != KZ_OK)
        return ks;
    kz_score_lead(r->s->rules, &r->cur, r->acts.v, r->acts.n, now, r->score);
    kz_score_apply(r->score, &r->cur);
    return kz_store_lead_update(r->s->store, &r->cur, r->s->actor, now, NULL, err);
}

/* Writes the intake line's activities (each logged as of its own time, by
 * its author, else by the person importing) and stakeholders onto the lead
 * just created. */
static kz_status write_line_extras(run *r, int64_t now, kz_err *err)
{
    int64_t id = kz_lead_num(&r->lead, KZ_F_ID);
    kz_status ks = KZ_OK;
    /* stakeholders first: an activity's stakeholder_id names one by the
     * exporting database's id, which becomes the id given here */
    int64_t *was = kz_xcalloc(r->line_shs.n + 1, sizeof *was); /* owned */
    for (size_t i = 0; i < r->line_shs.n && ks == KZ_OK; i++) {
        was[i] = r->line_shs.v[i].id;
        r->line_shs.v[i].lead_id = id;
        ks = kz_store_stakeholder_add(r->s->store, &r->line_shs.v[i], r->s->actor, now, err);
    }
    for (size_t i = 0; i < r->line_acts.n && ks == KZ_OK; i++) {
        kz_activity *a = &r->line_acts.v[i];
        a->lead_id = id;
        if (!a->author[0])
            snprintf(a->author, sizeof a->author, "%s", r->s->actor);
        int64_t sid = 0;
        for (size_t k = 0; a->stakeholder_id && k < r->line_shs.n; k++)
            if (was[k] == a->stakeholder_id)
                sid = r->line_shs.v[k].id;
        a->stakeholder_id = sid;
        ks = kz_store_activity_add(r->s->store, a, a->at, err);
    }
    free(was);
    return ks;
}

/* An intake line's stakeholders as the rules read them: the lead's roles,
 * and the role of whoever each touch was with. A role the rules do not
 * have is refused. */
static kz_status line_roles(run *r, kz_err *err)
{
    size_t n = 0;
    r->lead.roles[0] = '\0';
    for (size_t i = 0; i < r->line_shs.n; i++) {
        const char *role = r->line_shs.v[i].role;
        if (role && *role && kz_rules_role_index(r->s->rules, role) < 0)
            return kz_err_set(err, KZ_EINVAL,
                              _("stakeholders[%zu].role: \"%.40s\" is not one of: %s"), i, role,
                              kz_rules_role_names(r->s->rules));
        if (!role || !*role || kz_lead_has_role(&r->lead, role))
            continue;
        int w = snprintf(r->lead.roles + n, sizeof r->lead.roles - n, "%s%s", n ? " " : "", role);
        if (w < 0 || (size_t)w >= sizeof r->lead.roles - n) {
            r->lead.roles[n] = '\0';
            break;
        }
        n += (size_t)w;
    }
    for (size_t i = 0; i < r->line_acts.n; i++) {
        kz_activity *a = &r->line_acts.v[i];
        a->with_role[0] = '\0';
        for (size_t k = 0; a->stakeholder_id && k < r->line_shs.n; k++)
            if (r->line_shs.v[k].id == a->stakeholder_id && r->line_shs.v[k].role)
                snprintf(a->with_role, sizeof a->with_role, "%s", r->line_shs.v[k].role);
    }
    return KZ_OK;
}

/* A deal that names no contact (or only an e-mail nobody has): the lead
 * created for it is named after the deal, else after the contact's e-mail. */
static bool name_from_deal(run *r)
{
    if (r->kind != KZ_KIND_DEALS || kz_lead_has(&r->lead, KZ_F_NAME))
        return false;
    const char *deal = kz_lead_custom(&r->lead, "deal_name");
    const char *name = deal && deal[0] ? deal : kz_lead_text(&r->lead, KZ_F_EMAIL);
    if (!name || !name[0])
        return false;
    kz_lead_set_text(&r->lead, KZ_F_NAME, name);
    return true;
}

/* Before the look-up of row r->row: once the rows asked ahead are used up,
 * reads the next KZ_PREFETCH_EMAILS rows with the scout and asks for their
 * e-mails at once. */
static kz_status scout_ahead(run *r, kz_err *err)
{
    if (!r->scout || r->row <= r->scout_row)
        return KZ_OK;
    char *emails[KZ_PREFETCH_EMAILS];
    size_t n = 0;
    kz_csv_row row;
    kz_err ignored;
    while (r->scout_row < r->row - 1 + KZ_PREFETCH_EMAILS) {
        if (kz_csv_next(r->scout, &row, &ignored) != KZ_OK) {
            /* the end of the file (or a failure the import itself meets) */
            kz_csv_free(r->scout);
            r->scout = NULL;
            break;
        }
        r->scout_row++;
        if (r->scout_row < r->row || row.bad ||
            kz_import_row_lead(r->map, (const char *const *)row.v, row.n, &r->scout_lead,
                               &ignored) != KZ_OK)
            continue;
        const char *e = kz_lead_text(&r->scout_lead, KZ_F_EMAIL);
        if (e && *e)
            emails[n++] = kz_xstrdup(e);
    }
    kz_status ks = kz_store_import_prefetch(r->s->store, (const char *const *)emails, n, err);
    for (size_t i = 0; i < n; i++)
        free(emails[i]);
    return ks;
}

/* A contact row rejected by this command: kept by its e-mail, so that a
 * deal naming that contact, whose lead is then made from the deal alone,
 * says why the contact is missing. */
static void note_rejected_contact(run *r, const kz_import_map *map, const kz_csv_row *row)
{
    kz_import_tally *t = r->tally;
    if (t->nrejected >= 10000)
        return;
    for (size_t i = 0; i < map->n && i < row->n; i++) {
        if (map->col[i].kind != KZ_MAP_FIELD || map->col[i].field != KZ_F_EMAIL)
            continue;
        char key[256];
        kz_import_fold(row->v[i], key, sizeof key);
        if (!key[0])
            return;
        if (t->nrejected == t->caprejected) {
            t->caprejected = t->caprejected ? t->caprejected * 2 : 16;
            t->rejected = kz_xrealloc(t->rejected, t->caprejected * sizeof *t->rejected);
        }
        t->rejected[t->nrejected++] =
            (kz_import_reject){kz_xstrdup(key), kz_xstrdup(r->source), row->line};
        return;
    }
}

static const kz_import_reject *rejected_contact(const run *r, const char *email)
{
    if (!email || !*email || !r->tally->nrejected)
        return NULL;
    char key[256];
    kz_import_fold(email, key, sizeof key);
    for (size_t i = 0; i < r->tally->nrejected; i++)
        if (strcmp(r->tally->rejected[i].email, key) == 0)
            return &r->tally->rejected[i];
    return NULL;
}

/* Creates, updates or skips r->lead (already validated). */
static kz_status write_lead(run *r, int64_t line, outcome *out, kz_err *err)
{
    kz_status ks;
    if ((ks = begin_batch(r, err)) != KZ_OK)
        return ks;
    /* without an e-mail the deal's name is the lead's only identity: found
     * by it again when the file is imported again */
    bool unnamed = !kz_lead_has(&r->lead, KZ_F_EMAIL) && name_from_deal(r);
    int64_t existing = 0;
    if (r->dup != KZ_DUP_NEW && kz_import_dedupe_key(&r->lead, &r->key)) {
        if (r->key.s[0] == 'e' && (ks = scout_ahead(r, err)) != KZ_OK)
            return ks;
        if (r->key.s[0] == 'e')
            ks = kz_store_find_by_email(r->s->store, kz_lead_text(&r->lead, KZ_F_EMAIL),
                                        &existing, err);
        else if (r->kind == KZ_KIND_DEALS) /* the deal's contact, at its company */
            ks = kz_store_find_by_person(r->s->store, kz_lead_text(&r->lead, KZ_F_NAME),
                                         kz_lead_text(&r->lead, KZ_F_COMPANY), NULL, &existing,
                                         err);
        else
            ks = kz_store_find_by_name_company(r->s->store, kz_lead_text(&r->lead, KZ_F_NAME),
                                               kz_lead_text(&r->lead, KZ_F_COMPANY), &existing,
                                               err);
        if (ks != KZ_OK)
            return ks;
    }
    if (existing && r->dup == KZ_DUP_SKIP) {
        /* what the row would have changed, for the duplicates listed */
        if (r->ndups[0] < LIST_MAX) {
            if ((ks = kz_store_lead_get(r->s->store, existing, &r->cur, err)) != KZ_OK)
                return ks;
            differences(r, true);
        }
        note_dup(r, line, existing, false);
        *out = OUT_SKIPPED;
        return KZ_OK;
    }
    if (existing) {
        bool changed = true;
        ks = update_existing(r, existing, &changed, err);
        if (ks == KZ_OK)
            note_dup(r, line, existing, changed);
        else
            kz_buf_reset(&r->differs);
        *out = changed ? OUT_UPDATED : OUT_SKIPPED;
        return ks;
    }
    if (name_from_deal(r))
        unnamed = true;
    if (!kz_lead_has(&r->lead, KZ_F_STAGE))
        kz_lead_set_text(&r->lead, KZ_F_STAGE,
                         r->o->stage ? r->o->stage : kz_rules_first_stage(r->s->rules)->name);
    if (!kz_lead_has(&r->lead, KZ_F_OWNER) && r->o->owner)
        kz_lead_set_text(&r->lead, KZ_F_OWNER, r->o->owner);
    int64_t now = kz_session_now(r->s);
    if (!kz_lead_has(&r->lead, KZ_F_STAGE_ENTERED)) {
        int64_t entered = entered_at(r, kz_lead_text(&r->lead, KZ_F_STAGE),
                                     kz_lead_has(&r->lead, KZ_F_CREATED)
                                         ? kz_lead_num(&r->lead, KZ_F_CREATED)
                                         : INT64_MIN,
                                     now);
        kz_lead_set_num(&r->lead, KZ_F_STAGE_ENTERED, entered);
        /* a deal closed before the import, whose file gives no creation
         * date, existed by the time it closed */
        if (!kz_lead_has(&r->lead, KZ_F_CREATED) && entered < now)
            kz_lead_set_num(&r->lead, KZ_F_CREATED, entered);
    }
    if ((ks = line_roles(r, err)) != KZ_OK)
        return ks;
    kz_score_lead(r->s->rules, &r->lead, r->line_acts.v, r->line_acts.n, now, r->score);
    kz_score_apply(r->score, &r->lead);
    /* a lead found by nothing holds its e-mail: the index refuses a second
     * holder another import made meanwhile */
    ks = kz_store_import_lead_insert(r->s->store, &r->lead, r->imp.id, r->dup != KZ_DUP_NEW, now,
                                     err);
    *out = OUT_CREATED;
    if (ks == KZ_OK && unnamed && ++r->nunnamed <= LIST_MAX)
        kz_buf_printf(&r->unnamed, _("%sline %" PRId64 " = lead %" PRId64 " \"%s\""),
                      r->nunnamed > 1 ? ", " : "", line, kz_lead_num(&r->lead, KZ_F_ID),
                      kz_lead_text(&r->lead, KZ_F_NAME));
    /* a deal for a contact this command rejected: said, with where */
    const kz_import_reject *rj = ks == KZ_OK && r->kind == KZ_KIND_DEALS
                                     ? rejected_contact(r, kz_lead_text(&r->lead, KZ_F_EMAIL))
                                     : NULL;
    if (rj && ++r->norphans <= LIST_MAX)
        kz_buf_printf(&r->orphans, _("%sline %" PRId64 " = lead %" PRId64 " (%s line %" PRId64 ")"),
                      r->norphans > 1 ? ", " : "", line, kz_lead_num(&r->lead, KZ_F_ID),
                      rj->source, rj->line);
    return ks == KZ_OK ? write_line_extras(r, now, err) : ks;
}

/* The lead an activity or a deal row names: by the source CRM's id of the
 * person (custom field record_id), else by e-mail, else by name (and
 * company): a lead without an e-mail, when the row gives one no lead has
 * (a namesake with another e-mail is someone else); 0 when none. */
static kz_status find_named_lead(run *r, const kz_lead *ref, int64_t *id, kz_err *err)
{
    *id = 0;
    kz_status ks = KZ_OK;
    const char *rid = kz_lead_custom(ref, "record_id"), *email = kz_lead_text(ref, KZ_F_EMAIL),
               *name = kz_lead_text(ref, KZ_F_NAME);
    if (rid)
        ks = kz_store_find_by_custom(r->s->store, "record_id", rid, id, err);
    if (ks == KZ_OK && !*id && email)
        ks = kz_store_find_by_email(r->s->store, email, id, err);
    if (ks == KZ_OK && !*id && name)
        ks = kz_store_find_by_person(r->s->store, name, kz_lead_text(ref, KZ_F_COMPANY), email, id,
                                     err);
    return ks;
}

/* One row of an activities or notes file: the activity goes onto the lead
 * it names, as of its own time and by its author, unless that lead has it
 * already (a re-import adds nothing); the lead is rescored. */
static kz_status write_activity(run *r, const kz_import_map *m, const kz_csv_row *row,
                                outcome *out, kz_err *err)
{
    const char *const *cells = (const char *const *)row->v;
    if (kz_import_row_lead(m, cells, row->n, &r->lead, err) != KZ_OK)
        return KZ_EINVAL;
    kz_activity a;
    const char *author;
    bool done;
    if (kz_import_row_activity(m, cells, row->n, &a, &r->note, &author, &done, err) != KZ_OK)
        return KZ_EINVAL;
    if (!done) {
        *out = OUT_SKIPPED; /* a to-do, not a touch */
        return KZ_OK;
    }
    const char *rid = kz_lead_custom(&r->lead, "record_id"),
               *email = kz_lead_text(&r->lead, KZ_F_EMAIL), *name = kz_lead_text(&r->lead, KZ_F_NAME);
    if (!rid && !email && !name)
        return kz_err_set(err, KZ_EINVAL,
                          _("no person: expected a column with the contact's e-mail, name or id"));
    kz_status ks = begin_batch(r, err);
    int64_t id = 0;
    if (ks == KZ_OK)
        ks = find_named_lead(r, &r->lead, &id, err);
    if (ks != KZ_OK)
        return ks;
    if (!id && email)
        return kz_err_set(err, KZ_EINVAL,
                          _("no lead has the e-mail %.80s (import the contacts first, or in "
                            "the same run)"),
                          email);
    if (!id && name)
        return kz_err_set(err, KZ_EINVAL,
                          _("no lead is named %.80s (import the contacts first, or in the same "
                            "run)"),
                          name);
    if (!id)
        return kz_err_set(err, KZ_EINVAL,
                          _("no lead has the record id %.80s (import the contacts first, or in "
                            "the same run)"),
                          rid);
    const char *acc = author ? match_person(r, author) : NULL;
    snprintf(a.author, sizeof a.author, "%s", acc ? acc : r->s->actor);
    kz_buf text = KZ_BUF_INIT;
    if (author && !acc) /* nobody here: the name stays with the note */
        kz_buf_printf(&text, _("(by %s) "), author);
    kz_buf_append(&text, r->note.s ? r->note.s : "", r->note.len);
    a.note = text.len ? (char *)kz_buf_str(&text) : NULL;
    a.lead_id = id;
    kz_activity_list_clear(&r->acts);
    ks = kz_store_activities(r->s->store, id, &r->acts, err);
    for (size_t i = 0; ks == KZ_OK && i < r->acts.n; i++) {
        const kz_activity *b = &r->acts.v[i];
        if (b->at == a.at && strcmp(b->kind, a.kind) == 0 &&
            strcmp(b->note ? b->note : "", a.note ? a.note : "") == 0) {
            *out = OUT_SKIPPED; /* imported before */
            kz_buf_free(&text);
            return KZ_OK;
        }
    }
    if (ks == KZ_OK)
        ks = kz_store_activity_add(r->s->store, &a, a.at, err);
    if (ks == KZ_OK)
        ks = kz_store_lead_get(r->s->store, id, &r->cur, err);
    if (ks == KZ_OK) {
        kz_activity *copy = kz_activity_list_push(&r->acts);
        *copy = a;
        copy->note = a.note ? kz_xstrdup(a.note) : NULL;
        if (a.at > kz_lead_num(&r->cur, KZ_F_TOUCHED))
            kz_lead_set_num(&r->cur, KZ_F_TOUCHED, a.at);
        int64_t now = kz_session_now(r->s);
        kz_score_lead(r->s->rules, &r->cur, r->acts.v, r->acts.n, now, r->score);
        kz_score_apply(r->score, &r->cur);
        ks = kz_store_lead_update(r->s->store, &r->cur, r->s->actor, now, NULL, err);
    }
    kz_buf_free(&text);
    *out = OUT_CREATED;
    if (ks == KZ_OK && r->tally)
        r->tally->matched++;
    return ks;
}

static void count(run *r, outcome o)
{
    switch (o) {
    case OUT_CREATED: r->imp.created++; break;
    case OUT_UPDATED: r->imp.updated++; break;
    case OUT_SKIPPED: r->imp.skipped++; break;
    case OUT_REJECTED: r->imp.rejected++; break;
    }
}

/* After each row: commit every batch, and the test hook. */
static kz_status after_row(run *r, kz_err *err)
{
    if (r->o->kill_after_rows > 0 && r->row == r->o->kill_after_rows) {
        fflush(NULL);
        raise(SIGKILL);
    }
    if (!kz_store_in_txn(r->s->store))
        return KZ_OK;
    size_t max = r->o->batch ? r->o->batch : DEFAULT_BATCH;
    /* a batch ends after `max` rows, or, unless the size was set
     * explicitly, sooner when it has held the write lock for a quarter of a
     * second (a slow disk, a busy machine): other writers (boards,
     * salespeople) never wait long */
    if (++r->in_batch >= max || (!r->o->batch && !r->o->dry_run && r->in_batch % 64 == 0 &&
                                 seconds_since(&r->batch_t0) > 0.25))
        return commit_batch(r, err);
    return KZ_OK;
}

/* Opens the imports row (in the current transaction). */
static kz_status start_run(run *r, const char *fingerprint, kz_err *err)
{
    if (r->begun)
        return KZ_OK;
    kz_status ks = begin_batch(r, err);
    if (ks == KZ_OK)
        ks = kz_store_import_start(r->s->store, r->o->path, fingerprint, r->s->actor,
                                   kz_session_now(r->s), &r->imp.id, err);
    if (ks == KZ_OK)
        r->begun = true;
    return ks;
}

static kz_status finish_run(run *r, kz_import_result *res, kz_err *err)
{
    kz_status ks = begin_batch(r, err);
    if (ks != KZ_OK)
        return ks;
    r->imp.rows_done = r->row;
    json_t *d = json_object();
    json_object_set_new(d, "import", json_integer(r->imp.id));
    json_object_set_new(d, "command", json_string(r->cmd));
    kz_buf src = KZ_BUF_INIT;
    kz_text_sanitize(&src, r->o->path, strlen(r->o->path), 0);
    json_object_set_new(d, "file", json_string(kz_buf_str(&src)));
    kz_buf_free(&src);
    json_object_set_new(d, "rows", json_integer(r->row));
    json_object_set_new(d, "created", json_integer(r->imp.created));
    json_object_set_new(d, "updated", json_integer(r->imp.updated));
    json_object_set_new(d, "skipped", json_integer(r->imp.skipped));
    json_object_set_new(d, "rejected", json_integer(r->imp.rejected));
    char *detail = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(d);
    ks = kz_store_import_finish(r->s->store, &r->imp, r->o->path, r->s->actor,
                                detail ? detail : "{}", kz_session_now(r->s), err);
    free(detail);
    if (ks == KZ_OK && r->o->dry_run) {
        if (!r->o->dry_run_shared) /* else the caller rolls every file back at once */
            kz_store_rollback(r->s->store);
    } else if (ks == KZ_OK) {
        ks = kz_store_commit(r->s->store, err);
    }
    if (ks != KZ_OK && !r->o->dry_run_shared)
        kz_store_rollback(r->s->store);
    res->import_id = r->o->dry_run ? 0 : r->imp.id;
    res->counts.rows = r->row;
    res->counts.created = r->imp.created;
    res->counts.updated = r->imp.updated;
    res->counts.skipped = r->imp.skipped;
    res->counts.rejected = r->imp.rejected;
    return ks;
}

static void run_init(run *r, kz_session *s, const kz_import_opts *o, const char *cmd)
{
    memset(r, 0, sizeof *r);
    kz_store_import_tune(s->store, NULL); /* only speed depends on it */
    kz_store_defer_totals(s->store, true); /* once per batch, at its commit */
    r->s = s;
    r->o = o;
    r->cmd = cmd;
    r->dup = o->dup;
    r->kind = KZ_KIND_CONTACTS;
    /* on PostgreSQL the users are the database's roles: when they cannot
     * be read, nobody is matched by name rather than the local accounts */
    bool listed = false;
    char **users = NULL;
    size_t nusers = 0;
    kz_err uerr = {0};
    if (kz_store_users(s->store, &listed, &users, &nusers, &uerr) != KZ_OK)
        listed = true;
    r->owners = kz_owner_match_new(s->rules, users, nusers, listed);
    kz_store_owners_free(users, nusers);
    r->tally = o->tally ? o->tally : &r->own_tally;
    r->source = strcmp(o->path, "-") == 0 ? _("standard input") : o->path;
    kz_lead_init(&r->lead);
    kz_lead_init(&r->cur);
    kz_lead_init(&r->scout_lead);
    r->score = kz_xcalloc(1, sizeof *r->score);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->last = r->t0;
}

static void run_free(run *r)
{
    if (kz_store_in_txn(r->s->store) && !r->o->dry_run_shared)
        kz_store_rollback(r->s->store);
    kz_store_defer_totals(r->s->store, false);
    kz_lead_free(&r->lead);
    kz_lead_free(&r->cur);
    kz_lead_free(&r->scout_lead);
    kz_activity_list_free(&r->acts);
    kz_activity_list_free(&r->line_acts);
    kz_stakeholder_list_free(&r->line_shs);
    free(r->score);
    kz_owner_match_free(r->owners);
    kz_import_tally_free(&r->own_tally);
    kz_buf_free(&r->note);
    kz_buf_free(&r->key);
    kz_buf_free(&r->dups[0]);
    kz_buf_free(&r->dups[1]);
    kz_buf_free(&r->differs);
    kz_buf_free(&r->unnamed);
    kz_buf_free(&r->orphans);
}

static void summary(run *r, const kz_import_result *res)
{
    FILE *out = r->o->out;
    if (!out)
        return;
    kz_buf b = KZ_BUF_INIT, safe = KZ_BUF_INIT;
    const kz_import_counts *c = &res->counts;
    bool acts = r->kind == KZ_KIND_ACTIVITIES || r->kind == KZ_KIND_NOTES;
    if (r->tally) { /* activities added are counted apart (tally->matched) */
        kz_import_counts *t = &r->tally->total;
        t->rows += c->rows;
        t->created += acts ? 0 : c->created;
        t->updated += c->updated;
        t->skipped += c->skipped;
        t->rejected += c->rejected;
        r->tally->files++;
    }
    if (acts && r->o->dry_run)
        kz_buf_printf(&b,
                      _("dry run of %s (%s): %" PRId64 " rows: would add %" PRId64
                        " to leads, skip %" PRId64 " (already there, or to-dos not done), "
                        "reject %" PRId64 "; nothing was written\n"),
                      r->source, kz_file_kind_name(r->kind), c->rows, c->created, c->skipped,
                      c->rejected);
    else if (acts)
        kz_buf_printf(&b,
                      _("imported %s %s (import %" PRId64 "): %" PRId64 " rows: %" PRId64
                        " added to leads, %" PRId64 " skipped (already there, or to-dos not "
                        "done), %" PRId64 " rejected\n"),
                      kz_file_kind_name(r->kind), r->source, res->import_id, c->rows,
                      c->created, c->skipped, c->rejected);
    else if (r->o->dry_run)
        kz_buf_printf(&b,
                      _("dry run of %s: %" PRId64 " rows: would create %" PRId64
                        ", update %" PRId64 ", skip %" PRId64 " (duplicates), reject %" PRId64
                        "; nothing was written\n"),
                      r->source, c->rows, c->created, c->updated, c->skipped, c->rejected);
    else
        kz_buf_printf(&b,
                      _("%s %s (import %" PRId64 "): %" PRId64 " rows: %" PRId64
                        " created, %" PRId64 " updated, %" PRId64 " skipped (duplicates), %" PRId64
                        " rejected\n"),
                      strcmp(r->cmd, "import") == 0 ? _("imported") : _("took in"), r->source,
                      res->import_id, c->rows, c->created, c->updated, c->skipped, c->rejected);
    for (int u = 1; u >= 0; u--) { /* the leads updated, then those left as they were */
        if (!r->ndups[u])
            continue;
        kz_buf_puts(&b, u                        ? _("duplicates (updated): ")
                        : r->dup == KZ_DUP_UPDATE ? _("duplicates (already up to date): ")
                                                  : _("duplicates: "));
        kz_buf_puts(&b, kz_buf_str(&r->dups[u]));
        end_list(&b, r->ndups[u]);
    }
    if (r->nunnamed) {
        kz_buf_printf(&b,
                      P_("%zu deal names no contact kariz knows; created as a lead named after "
                         "the deal (or the contact's e-mail): %s",
                         "%zu deals name no contact kariz knows; created as leads named after "
                         "the deal (or the contact's e-mail): %s",
                         r->nunnamed),
                      r->nunnamed, kz_buf_str(&r->unnamed));
        end_list(&b, r->nunnamed);
    }
    if (r->norphans) {
        kz_buf_printf(&b,
                      P_("%zu deal made a lead for a contact rejected above, from the deal "
                         "alone (correct the contact's row and import it again with "
                         "--on-duplicate update): %s",
                         "%zu deals made leads for contacts rejected above, from the deal "
                         "alone (correct the contacts' rows and import them again with "
                         "--on-duplicate update): %s",
                         r->norphans),
                      r->norphans, kz_buf_str(&r->orphans));
        end_list(&b, r->norphans);
    }
    if (res->resumed)
        kz_buf_printf(&b, _("(resumed after row %" PRId64 " of an interrupted run)\n"),
                      res->resumed_at);
    kz_text_sanitize(&safe, b.s, b.len, KZ_TEXT_KEEP_NEWLINE);
    if (r->tally == &r->own_tally) /* nobody sums up several files: the words now */
        kz_import_tally_describe(r->tally, r->o->dry_run, &safe);
    fputs(kz_buf_str(&safe), out);
    kz_buf_free(&b);
    kz_buf_free(&safe);
}

/* ---- CSV import ---- */

typedef struct fnv {
    uint64_t h;
    uint64_t n;
} fnv;

static void fnv_add(fnv *f, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = f->h;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) { /* a word at a time: fast on large files */
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 1099511628211ULL;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    f->h = h;
    f->n += n;
}

/* The fingerprint of the input and of every option that changes the result. */
static void fingerprint(const kz_import_opts *o, fnv *content, char *out, size_t n)
{
    fnv f = *content;
    const char *dup = o->dup == KZ_DUP_SKIP ? "skip" : o->dup == KZ_DUP_UPDATE ? "update" : "new";
    fnv_add(&f, "\0dup=", 5);
    fnv_add(&f, dup, strlen(dup));
    for (size_t i = 0; i < o->nmaps; i++) {
        fnv_add(&f, "\0map=", 5);
        fnv_add(&f, o->maps[i], strlen(o->maps[i]));
    }
    if (o->stage) {
        fnv_add(&f, "\0stage=", 7);
        fnv_add(&f, o->stage, strlen(o->stage));
    }
    if (o->owner) {
        fnv_add(&f, "\0owner=", 7);
        fnv_add(&f, o->owner, strlen(o->owner));
    }
    if (o->kind != KZ_KIND_AUTO || o->date_order != KZ_DATES_UNKNOWN) {
        char k[32];
        snprintf(k, sizeof k, "%ckind=%d/%d", 0, (int)o->kind, (int)o->date_order);
        fnv_add(&f, k, 1 + strlen(k + 1));
    }
    snprintf(out, n, "csv:%016" PRIx64 ":%" PRIu64, f.h, content->n);
}

/* An import that stopped on a write error: which rows are in the database
 * and where a re-run resumes, in place of "nothing was changed" (true only
 * of the batch that failed). */
static void report_stop(run *r, kz_status ks, kz_err *err)
{
    kz_buf m = KZ_BUF_INIT;
    /* (the store's messages end so, in the message language) */
    const char *untouched = _("; nothing was changed");
    size_t n = strlen(err->msg), u = strlen(untouched);
    if (n >= u && strcmp(err->msg + n - u, untouched) == 0)
        n -= u;
    kz_buf_append(&m, err->msg, n);
    kz_buf_puts(&m, _("; the batch being written was not saved"));
    if (r->any_committed && r->committed > 0) {
        kz_buf_printf(&m,
                      _("; rows 2-%" PRId64 " of %s are in the database (import %" PRId64
                        "); re-running "),
                      r->committed + 1, r->source, r->imp.id);
        if (r->o->rerun)
            kz_buf_printf(&m, "`%s`", r->o->rerun);
        else
            kz_buf_puts(&m, _("the same `kariz import` command"));
        kz_buf_printf(&m, _(" resumes from row %" PRId64), r->committed + 2);
    } else {
        kz_buf_printf(&m, _("; no row of %s is in the database"), r->source);
    }
    kz_err_set(err, ks, "%s", kz_buf_str(&m));
    kz_buf_free(&m);
}

/* A rejected row: its fields under the header's columns, the reason in the
 * kariz_reject_reason column, then any extra fields. A malformed row (whose
 * fields could not be read) is written as it stands in the file, byte for
 * byte, with the reason as one more field after it. */
static void write_reject(FILE *rej, const kz_import_map *m, const kz_csv_row *row,
                         const char *reason, kz_buf *line)
{
    if (!rej)
        return;
    kz_buf_reset(line);
    if (row->bad) {
        kz_buf_append(line, row->raw, row->raw_len);
        kz_buf_putc(line, ',');
        kz_buf why = KZ_BUF_INIT;
        kz_buf_puts(&why, reason);
        if (row->raw_cut)
            kz_buf_printf(&why, _(" (only the row's first %u bytes are kept here)"),
                          (unsigned)KZ_CSV_ROW_MAX);
        kz_csv_put_field(line, why.s, why.len);
        kz_buf_free(&why);
        kz_buf_puts(line, "\r\n");
        fwrite(line->s, 1, line->len, rej);
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        if (i)
            kz_buf_putc(line, ',');
        if (i < row->n)
            kz_csv_put_field(line, row->v[i], row->len[i]);
    }
    kz_buf_putc(line, ',');
    kz_csv_put_field(line, reason, strlen(reason));
    for (size_t i = m->n; i < row->n; i++) {
        kz_buf_putc(line, ',');
        kz_csv_put_field(line, row->v[i], row->len[i]);
    }
    kz_buf_puts(line, "\r\n");
    fwrite(line->s, 1, line->len, rej);
}

/* Tells each date column's order (day or month first) from all its cells,
 * or from --date-format. A column that shows both orders, or only cells
 * either order reads, is an error before anything is written. Standard
 * input cannot be read twice: its first MiB (prefix) tells. */
static kz_status date_orders(run *r, kz_import_map *m, const char *prefix, size_t prefix_len,
                             kz_err *err)
{
    bool any = false;
    for (size_t i = 0; i < m->n; i++) {
        any |= kz_import_map_is_date(&m->col[i]);
        m->col[i].dates = r->o->date_order;
    }
    if (!any || r->o->date_order != KZ_DATES_UNKNOWN || (prefix && !prefix_len))
        return KZ_OK;
    FILE *in = prefix ? fmemopen((void *)prefix, prefix_len, "rb") : fopen(r->o->path, "rb");
    if (!in)
        return kz_err_set(err, KZ_EIO, _("cannot open %s: %s"), r->source, strerror(errno));
    kz_date_scan *scan = kz_xcalloc(m->n, sizeof *scan);
    kz_csv *csv = kz_csv_new(in, NULL, 0);
    kz_csv_row row;
    kz_status ks;
    bool header = true;
    while ((ks = kz_csv_next(csv, &row, err)) == KZ_OK) {
        if (header || row.bad) {
            header = false;
            continue;
        }
        for (size_t i = 0; i < m->n && i < row.n; i++)
            if (kz_import_map_is_date(&m->col[i]) && row.v[i][0])
                kz_import_date_scan(&scan[i], row.v[i]);
    }
    if (ks == KZ_ENOTFOUND)
        ks = KZ_OK;
    for (size_t i = 0; ks == KZ_OK && i < m->n; i++) {
        if (!kz_import_map_is_date(&m->col[i]))
            continue;
        bool mixed;
        m->col[i].dates = kz_import_date_order(&scan[i], &mixed);
        if (mixed)
            ks = kz_err_set(err, KZ_EINVAL,
                            _("%s: column \"%.80s\" holds day-first dates (%s) and month-first "
                              "ones (%s); expected one order in a column"),
                            r->source, m->header[i], scan[i].dmy_eg, scan[i].mdy_eg);
        else if (m->col[i].dates == KZ_DATES_UNKNOWN && scan[i].either)
            ks = kz_err_set(err, KZ_EINVAL,
                            _("%s: column \"%.80s\": dates such as %s may be day-first or "
                              "month-first, and no date in the column tells; say which with "
                              "--date-format dmy or --date-format mdy"),
                            r->source, m->header[i], scan[i].either_eg);
    }
    kz_csv_free(csv);
    fclose(in);
    free(scan);
    return ks;
}

kz_status kz_import_csv(kz_session *s, const kz_import_opts *o, kz_import_result *res,
                        kz_err *err)
{
    memset(res, 0, sizeof *res);
    bool is_stdin = strcmp(o->path, "-") == 0;
    FILE *in = is_stdin ? stdin : fopen(o->path, "rb");
    if (!in)
        return kz_err_set(err, errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO, _("cannot open %s: %s"),
                          o->path, strerror(errno));
    if (o->stage && !kz_rules_stage(s->rules, o->stage)) {
        if (!is_stdin)
            fclose(in);
        return kz_err_set(err, KZ_EUSAGE, _("--stage \"%s\": unknown stage (stages: %s)"), o->stage,
                          kz_rules_stage_names(s->rules));
    }
    run r;
    run_init(&r, s, o, "import");
    kz_status ks = KZ_OK;
    kz_csv *csv = NULL;
    FILE *rej = NULL;
    kz_import_map map = {0};
    char *prefix = NULL;
    size_t prefix_len = 0;
    fnv content = {1469598103934665603ULL, 0};
    kz_buf line = KZ_BUF_INIT;
    int64_t rej_rows = 0; /* rows in the rejects file */

    /* fingerprint: the whole file, or the first MiB of standard input */
    if (is_stdin) {
        prefix = kz_xmalloc(PREFIX_HASH);
        prefix_len = fread(prefix, 1, PREFIX_HASH, in);
        fnv_add(&content, prefix, prefix_len);
    } else {
        struct stat sb;
        if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
            r.total_bytes = sb.st_size;
        char *chunk = kz_xmalloc(1u << 16);
        size_t n;
        while ((n = fread(chunk, 1, 1u << 16, in)) > 0)
            fnv_add(&content, chunk, n);
        free(chunk);
        if (ferror(in) || fseek(in, 0, SEEK_SET) != 0) {
            ks = kz_err_set(err, KZ_EIO, _("reading %s: %s"), o->path, strerror(errno));
            goto out;
        }
    }
    char fp[96];
    fingerprint(o, &content, fp, sizeof fp);
    csv = kz_csv_new(in, prefix, prefix_len); /* the prefix is kept for the date scan */

    /* the header */
    kz_csv_row row;
    ks = kz_csv_next(csv, &row, err);
    if (ks == KZ_ENOTFOUND) {
        ks = kz_err_set(err, KZ_EINVAL, _("%s: empty file (expected a header row)"), r.source);
        goto out;
    }
    if (ks != KZ_OK)
        goto out;
    if (row.bad) {
        ks = kz_err_set(err, KZ_EINVAL, _("%s: the header row is malformed: %s"), r.source,
                        row.reason);
        goto out;
    }
    for (size_t i = 0; i < row.n; i++) {
        for (size_t k = 0; k < row.len[i]; k++) {
            unsigned char ch = (unsigned char)row.v[i][k];
            if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7f) {
                ks = kz_err_set(err, KZ_EINVAL,
                                _("%s: line %" PRId64 ", column %zu: the header holds control "
                                  "bytes (0x%02x): this is not a CSV text file (expected a "
                                  "header row of column names)"),
                                r.source, row.line, i + 1, ch);
                goto out;
            }
        }
    }
    if ((ks = kz_import_map_build_kind((const char *const *)row.v, row.n, o->maps, o->nmaps,
                                       o->kind, &map, err)) != KZ_OK)
        goto out;
    r.kind = map.kind;
    if (r.kind == KZ_KIND_DEALS && !o->dup_set)
        r.dup = KZ_DUP_UPDATE; /* a deal updates the lead it belongs to */
    bool acts = r.kind == KZ_KIND_ACTIVITIES || r.kind == KZ_KIND_NOTES;
    if (!is_stdin && !acts && r.dup != KZ_DUP_NEW && kz_store_import_bulk(s->store) &&
        (r.scout_in = fopen(o->path, "rb")) != NULL) {
        kz_err ignored;
        kz_csv_row head;
        r.map = &map;
        r.scout = kz_csv_new(r.scout_in, NULL, 0);
        if (kz_csv_next(r.scout, &head, &ignored) != KZ_OK) { /* the header */
            kz_csv_free(r.scout);
            r.scout = NULL;
        }
    }
    ks = date_orders(&r, &map, prefix, prefix_len, err);
    free(prefix);
    prefix = NULL;
    if (ks != KZ_OK)
        goto out;
    if (o->dry_run && o->out) {
        kz_buf d = KZ_BUF_INIT;
        kz_import_map_describe(&map, &d);
        fprintf(o->out, "mapping of %s (column -> field):\n%s", r.source, kz_buf_str(&d));
        kz_buf_free(&d);
    }
    if (o->rejects_path) {
        rej = fopen(o->rejects_path, "wb");
        if (!rej) {
            ks = kz_err_set(err, KZ_EIO, _("cannot write the rejects file %s: %s"), o->rejects_path,
                            strerror(errno));
            goto out;
        }
        kz_buf_reset(&line);
        for (size_t i = 0; i < map.n; i++) {
            if (i)
                kz_buf_putc(&line, ',');
            kz_csv_put_field(&line, map.header[i], strlen(map.header[i]));
        }
        kz_buf_puts(&line, ",kariz_reject_reason\r\n");
        fwrite(line.s, 1, line.len, rej);
    }

    /* an interrupted run of the same command resumes */
    int64_t skip_rows = 0;
    if (!o->dry_run) {
        bool found = false;
        if ((ks = kz_store_import_find(s->store, fp, &r.imp, &found, err)) != KZ_OK)
            goto out;
        if (found) {
            r.begun = true;
            r.any_committed = true;
            skip_rows = r.committed = r.imp.rows_done;
            res->resumed = true;
            res->resumed_at = skip_rows;
            diag(&r, _("resuming import %" PRId64 " of %s after row %" PRId64), r.imp.id, r.source,
                 skip_rows);
        }
    }
    if ((ks = start_run(&r, fp, err)) != KZ_OK)
        goto out;

    for (;;) {
        ks = kz_csv_next(csv, &row, err);
        if (ks == KZ_ENOTFOUND) {
            ks = KZ_OK;
            break;
        }
        if (ks != KZ_OK)
            goto out;
        r.row++;
        bool replay = r.row <= skip_rows; /* done by the interrupted run */
        kz_err rowerr;
        kz_err_clear(&rowerr);
        outcome oc = OUT_REJECTED;
        if (row.bad) {
            kz_err_set(&rowerr, KZ_EINVAL, "%s", row.reason);
        } else if (acts) {
            if (replay)
                continue;
            if ((ks = kz_store_row_begin(r.s->store, err)) != KZ_OK)
                goto out;
            ks = write_activity(&r, &map, &row, &oc, &rowerr);
            kz_store_row_end(r.s->store, ks == KZ_OK);
            if (ks != KZ_OK && ks != KZ_EINVAL) {
                *err = rowerr;
                goto out;
            }
            if (ks == KZ_EINVAL)
                oc = OUT_REJECTED;
            ks = KZ_OK;
        } else if (kz_import_row_lead(&map, (const char *const *)row.v, row.n, &r.lead,
                                      &rowerr) == KZ_OK &&
                   validate(&r, &r.lead, &rowerr) == KZ_OK) {
            if (replay)
                continue;
            kz_err_clear(&rowerr);
            if ((ks = kz_store_row_begin(r.s->store, err)) != KZ_OK)
                goto out;
            ks = write_lead(&r, row.line, &oc, &rowerr);
            kz_store_row_end(r.s->store, ks == KZ_OK);
            if (ks != KZ_OK && ks != KZ_EINVAL) {
                *err = rowerr;
                goto out;
            }
            if (ks == KZ_EINVAL)
                oc = OUT_REJECTED;
            ks = KZ_OK;
        }
        if (oc == OUT_REJECTED) {
            if (!row.bad && !acts && r.kind != KZ_KIND_DEALS)
                note_rejected_contact(&r, &map, &row);
            char reason[1100];
            if (row.bad)
                snprintf(reason, sizeof reason, "%s", rowerr.msg);
            else
                snprintf(reason, sizeof reason, _("line %" PRId64 ": %s"), row.line, rowerr.msg);
            write_reject(rej, &map, &row, reason, &line);
            rej_rows++;
            if (replay)
                continue;
            diag(&r, "%s: %s", r.source, reason);
            if ((ks = begin_batch(&r, err)) != KZ_OK)
                goto out;
        }
        count(&r, oc);
        progress(&r, kz_csv_offset(csv), false);
        if ((ks = after_row(&r, err)) != KZ_OK)
            goto out;
    }
    progress(&r, 0, true);
    if (r.row == 0) {
        ks = kz_err_set(err, KZ_EINVAL,
                        P_("%s: no data rows after the header (line 1 holds %zu column); "
                           "expected one lead a line after it, each line ending in LF, CRLF or CR",
                           "%s: no data rows after the header (line 1 holds %zu columns); "
                           "expected one lead a line after it, each line ending in LF, CRLF or CR",
                           map.n),
                        r.source, map.n);
        goto out;
    }
    if ((ks = commit_batch(&r, err)) != KZ_OK)
        goto out;
    if ((ks = finish_run(&r, res, err)) != KZ_OK)
        goto out;
    summary(&r, res);
    if (rej && r.imp.rejected && o->out)
        fprintf(o->out, "rejected rows written to %s (fix them and import that file)\n",
                o->rejects_path);
out:
    progress(&r, 0, true);
    if (ks != KZ_OK && ks != KZ_EUSAGE && ks != KZ_EINVAL && r.begun && !o->dry_run)
        report_stop(&r, ks, err);
    if (rej && fclose(rej) != 0 && ks == KZ_OK)
        ks = kz_err_set(err, KZ_EIO, _("writing the rejects file %s: %s"), o->rejects_path,
                        strerror(errno));
    if (rej && ks != KZ_OK && !rej_rows)
        unlink(o->rejects_path); /* a failed import leaves no empty rejects file behind */
    kz_csv_free(csv);
    kz_csv_free(r.scout);
    if (r.scout_in)
        fclose(r.scout_in);
    free(prefix);
    kz_import_map_free(&map);
    kz_buf_free(&line);
    run_free(&r);
    if (!is_stdin)
        fclose(in);
    return ks;
}

/* ---- intake: JSON lines ---- */

/* Reads one line into b (without the LF); *too_long when it passed
 * LINE_MAX_BYTES (the rest is skipped). false at the end of input. */
static bool read_line(FILE *in, kz_buf *b, bool *too_long)
{
    kz_buf_reset(b);
    *too_long = false;
    int ch;
    bool any = false;
    while ((ch = getc_unlocked(in)) != EOF) {
        any = true;
        if (ch == '\n')
            break;
        if (b->len < LINE_MAX_BYTES)
            kz_buf_putc(b, (char)ch);
        else
            *too_long = true;
    }
    if (b->len && b->s[b->len - 1] == '\r')
        b->s[--b->len] = '\0';
    return any;
}

kz_status kz_import_intake(kz_session *s, const kz_import_opts *o, kz_import_result *res,
                           kz_err *err)
{
    memset(res, 0, sizeof *res);
    bool is_stdin = strcmp(o->path, "-") == 0;
    FILE *in = is_stdin ? stdin : fopen(o->path, "rb");
    if (!in)
        return kz_err_set(err, KZ_EIO, _("cannot open %s: %s"), o->path, strerror(errno));
    run r;
    run_init(&r, s, o, "intake");
    kz_buf line = KZ_BUF_INIT;
    kz_status ks;
    /* never resumed: the fingerprint is unique to this run */
    char fp[96];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(fp, sizeof fp, "intake:%lld.%09ld:%ld", (long long)ts.tv_sec, ts.tv_nsec,
             (long)getpid());
    if ((ks = start_run(&r, fp, err)) != KZ_OK)
        goto out;
    int64_t lineno = 0;
    bool too_long;
    while (read_line(in, &line, &too_long)) {
        lineno++;
        const char *p = kz_buf_str(&line);
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            continue;
        r.row++;
        kz_err rowerr;
        kz_err_clear(&rowerr);
        outcome oc = OUT_REJECTED;
        if (too_long) {
            kz_err_set(&rowerr, KZ_EINVAL, _("line longer than %u bytes"),
                       (unsigned)LINE_MAX_BYTES);
        } else if (kz_import_json_lead(line.s, line.len, &r.lead, &r.line_acts, &r.line_shs, &rowerr) == KZ_OK &&
                   validate(&r, &r.lead, &rowerr) == KZ_OK) {
            ks = write_lead(&r, lineno, &oc, &rowerr);
            if (ks != KZ_OK && ks != KZ_EINVAL) {
                *err = rowerr;
                goto out;
            }
            if (ks == KZ_EINVAL)
                oc = OUT_REJECTED;
        }
        if (oc == OUT_REJECTED) {
            diag(&r, _("line %" PRId64 ": %s"), lineno, rowerr.msg);
            if ((ks = begin_batch(&r, err)) != KZ_OK)
                goto out;
        }
        count(&r, oc);
        if ((ks = after_row(&r, err)) != KZ_OK)
            goto out;
    }
    if (ferror(in)) {
        ks = kz_err_set(err, KZ_EIO, _("reading %s: %s"), r.source, strerror(errno));
        goto out;
    }
    if ((ks = commit_batch(&r, err)) != KZ_OK)
        goto out;
    if ((ks = finish_run(&r, res, err)) != KZ_OK)
        goto out;
    summary(&r, res);
out:
    kz_buf_free(&line);
    run_free(&r);
    if (!is_stdin)
        fclose(in);
    return ks;
}

kz_status kz_import_file_kind(const char *path, kz_file_kind *kind, kz_err *err)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return kz_err_set(err, errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO, _("cannot open %s: %s"),
                          path, strerror(errno));
    kz_csv *csv = kz_csv_new(in, NULL, 0);
    kz_csv_row row;
    kz_status ks = kz_csv_next(csv, &row, err);
    *kind = KZ_KIND_CONTACTS;
    if (ks == KZ_OK && !row.bad)
        *kind = kz_import_detect_kind((const char *const *)row.v, row.n);
    if (ks == KZ_ENOTFOUND)
        ks = KZ_OK; /* the import itself says the file is empty */
    kz_csv_free(csv);
    fclose(in);
    return ks;
}

/* ---- the summary of a whole migration ---- */

void kz_import_tally_free(kz_import_tally *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].word);
        free(t->v[i].meaning);
    }
    free(t->v);
    for (size_t i = 0; i < t->nrejected; i++) {
        free(t->rejected[i].email);
        free(t->rejected[i].source);
    }
    free(t->rejected);
    memset(t, 0, sizeof *t);
}

static void put_words(const kz_import_tally *t, char what, bool matched, kz_buf *out)
{
    for (size_t i = 0; i < t->n; i++) {
        const kz_import_word_count *w = &t->v[i];
        if (w->what != what || (w->meaning != NULL) != matched)
            continue;
        kz_buf_puts(out, "  \"");
        kz_text_sanitize(out, w->word, strlen(w->word), KZ_TEXT_NEWLINE_SPACE);
        kz_buf_puts(out, "\"");
        if (matched) {
            kz_buf_puts(out, " -> ");
            kz_text_sanitize(out, w->meaning, strlen(w->meaning), KZ_TEXT_NEWLINE_SPACE);
            if (w->why)
                kz_buf_printf(out, " (%s)", _(w->why));
        }
        kz_buf_printf(out, P_(": %" PRId64 " row\n", ": %" PRId64 " rows\n", w->count), w->count);
    }
}

static bool has_words(const kz_import_tally *t, char what, bool matched)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].what == what && (t->v[i].meaning != NULL) == matched)
            return true;
    return false;
}

/* A section of the summary: its heading, the words, and a hint after them
 * (hint NULL: none); nothing when there are no such words. */
static void word_section(const kz_import_tally *t, char what, bool matched, const char *head,
                         const char *hint, kz_buf *out)
{
    if (!has_words(t, what, matched))
        return;
    kz_buf_puts(out, head);
    put_words(t, what, matched, out);
    if (hint)
        kz_buf_puts(out, hint);
}

void kz_import_tally_describe(const kz_import_tally *t, bool dry_run, kz_buf *out)
{
    if (t->files > 1)
        kz_buf_printf(out,
                      dry_run ? _("all %zu files: %" PRId64 " rows: would create %" PRId64
                                  ", update %" PRId64 ", skip %" PRId64 ", reject %" PRId64 "\n")
                              : _("all %zu files: %" PRId64 " rows: %" PRId64 " created, %" PRId64
                                  " updated, %" PRId64 " skipped, %" PRId64 " rejected\n"),
                      t->files, t->total.rows, t->total.created, t->total.updated,
                      t->total.skipped, t->total.rejected);
    if (t->matched)
        kz_buf_printf(out, _("activities and notes added to leads: %" PRId64 "\n"), t->matched);
    word_section(t, 'o', true, _("owners and authors matched to accounts:\n"), NULL, out);
    word_section(t, 'o', false,
                 _("owners and authors nobody matches (their leads are unassigned, the "
                   "name kept as custom field crm_owner; an activity's author is kept "
                   "in its note):\n"),
                 _("  map them in the rules file, e.g.  owners: {\"Ada Owner\": ada}, "
                   "or give the account the person's full name\n"),
                 out);
    word_section(t, 'n', false,
                 _("owners and authors kept as written, though no user here has that "
                   "name (check the spelling; they become users once an account or role "
                   "of that name can change leads):\n"),
                 NULL, out);
    if (has_words(t, 's', true) || has_words(t, 't', true)) {
        kz_buf_puts(out, _("stages and statuses mapped:\n"));
        put_words(t, 's', true, out);
        put_words(t, 't', true, out);
    }
    word_section(t, 'r', false,
                 _("lost reasons that are none of the rules' (kept as custom field "
                   "crm_lost_reason; the lead's reason is the one its stage implies, "
                   "else other):\n"),
                 _("  add them to lost_reasons: in the rules file to keep them as "
                   "reasons\n"),
                 out);
    if (has_words(t, 's', false) || has_words(t, 't', false)) {
        kz_buf_puts(out, _("stages and statuses nobody maps (kept as custom fields crm_stage and "
                           "crm_status; those leads start in the first stage):\n"));
        put_words(t, 's', false, out);
        put_words(t, 't', false, out);
        kz_buf_puts(out, _("  map them in the rules file, e.g.  stage_map: {\"Demo Booked\": "
                           "prospect}\n"));
    }
}
