/* report.h - pipeline reports for managers, answered from the event log,
 * the leads and their activities (see docs/reports.md).
 *
 * A report is a small set of tables (kz_rtable) with typed columns. The same
 * kz_report is rendered three ways: as lines of terminal text with bar
 * charts for a given width (kz_report_render, pure, shared by the CLI and
 * the board), as CSV and as JSON (stable keys).
 *
 * Computing a report needs the pipeline the rules define. The computations
 * take it as a kz_report_pipeline (plain stage array and callbacks), so they
 * can run against any stage list; kz_report_pipeline_rules() at the end of
 * this header fills one from a kz_rules. */
#ifndef KARIZ_REPORT_H
#define KARIZ_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kariz/buf.h"
#include "kariz/model.h"
#include "kariz/pipeline.h"
#include "kariz/rules.h"
#include "kariz/status.h"
#include "kariz/store.h"

/* ---- the report as data ---- */

typedef enum kz_rtype {
    KZ_RT_TEXT,    /* s */
    KZ_RT_STAGE,   /* s, a stage name: tables show its label, CSV and JSON the name */
    KZ_RT_KEY,     /* s, a key (lost reason, channel, outcome): tables show it as words */
    KZ_RT_COUNT,   /* i */
    KZ_RT_MONEY,   /* i, minor units (cents) */
    KZ_RT_PERCENT, /* d, 0..100 */
    KZ_RT_DAYS,    /* d, days (fractional) */
    KZ_RT_MONTH    /* s, a month "YYYY-MM" of the calendar in force (a year 1300..1499 is
                    * Solar Hijri): tables show a Persian one by name ("آذر 1405"), CSV
                    * and JSON the key */
} kz_rtype;

/* The words a report puts in a text, stage or month cell where leads have
 * no value ("(none)", "(unassigned)", "no date", "(unknown)"): CSV and JSON
 * carry them as they are; tables show this, the same in the user's
 * language. NULL for any other text. */
const char *kz_report_no_value(const char *s);

typedef struct kz_rcol {
    const char *key;   /* machine name (csv header, json key); static */
    const char *label; /* column heading in tables; static */
    kz_rtype type;
} kz_rcol;

typedef struct kz_rcell {
    bool null; /* no value (a rate over nothing, no stage...) */
    int64_t i;
    double d;
    char *s; /* owned; TEXT cells only */
} kz_rcell;

#define KZ_REPORT_MAX_COLS 8

typedef struct kz_rtable {
    const char *key;   /* "stages", "conversion", ...; static */
    const char *title; /* shown above the table; static */
    kz_rcol cols[KZ_REPORT_MAX_COLS];
    size_t ncols;
    int bar;          /* index of the column drawn as bars, -1 for none */
    kz_rcell *cells;  /* owned; row-major, nrows * ncols */
    size_t nrows, caprows;
} kz_rtable;

#define KZ_REPORT_OPEN_FROM INT_MIN /* from_day: since the beginning */
#define KZ_REPORT_OPEN_TO INT_MAX   /* to_day: up to now */

typedef struct kz_report {
    const char *name;  /* "funnel", ...; static */
    const char *title; /* static */
    int from_day;      /* first day of the period, or KZ_REPORT_OPEN_FROM */
    int to_day;        /* last day (inclusive), or KZ_REPORT_OPEN_TO */
    char *owner;       /* owned; NULL: everyone, "": unassigned leads */
    int64_t now;       /* when it was computed (Unix seconds) */
    kz_rtable *tables; /* owned */
    size_t ntables;
    char **notes; /* owned: sentences shown under the tables (msgids, or English) */
    char **notes_shown; /* owned, each NULL or the note in the user's language */
    size_t nnotes;
    const char *currency; /* borrowed from the pipeline: the text form's currency */
    const kz_stage *stages; /* borrowed from the pipeline: labels for STAGE cells */
    size_t nstages;
} kz_report;

void kz_report_init(kz_report *r);
void kz_report_free(kz_report *r);
/* Adds a table; cols is copied. Returns a pointer valid until the next
 * kz_report_table call. bar_key names the charted column (NULL: none). */
kz_rtable *kz_report_table(kz_report *r, const char *key, const char *title,
                           const kz_rcol *cols, size_t ncols, const char *bar_key);
/* Appends a row of null cells; returns its first cell. */
kz_rcell *kz_rtable_row(kz_rtable *t);
kz_rcell *kz_rtable_cell(const kz_rtable *t, size_t row, size_t col);
void kz_rcell_text(kz_rcell *c, const char *s); /* copies s; NULL leaves it null */
void kz_rcell_int(kz_rcell *c, int64_t v);
void kz_rcell_real(kz_rcell *c, double v);
/* numerator / denominator x 100; null when the denominator is 0. */
void kz_rcell_rate(kz_rcell *c, int64_t num, int64_t den);
void kz_report_note(kz_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A note that quotes values, given in English (for JSON) and in the
 * user's language (for the table); both copied. */
void kz_report_note_both(kz_report *r, const char *english, const char *shown);
/* The table with this key, or NULL. */
const kz_rtable *kz_report_find(const kz_report *r, const char *key);

/* ---- statistics ---- */

/* The p-th percentile (0 <= p <= 1) of v[0..n) sorted ascending, by linear
 * interpolation between the closest ranks: rank h = (n - 1) p, value
 * v[floor h] + (h - floor h) (v[floor h + 1] - v[floor h]). The median is
 * p = 0.5 (the mean of the middle two for even n). 0 when n == 0. */
double kz_percentile(const double *v, size_t n, double p);

/* ---- rendering ---- */

/* Where a line's bar lies, in bytes of the line; len 0: no bar. */
typedef struct kz_bar_span {
    size_t at, len;
} kz_bar_span;

typedef struct kz_lines {
    char **v; /* owned: each line owned, UTF-8, no newline */
    kz_bar_span *bars; /* owned: per line, its bar (beside the column it measures) */
    size_t n, cap;
} kz_lines;
void kz_lines_free(kz_lines *l);

/* A bar of frac (0..1, clamped) of `cols` columns, appended to out. Unicode
 * bars use full blocks and the partial blocks ▏▎▍▌▋▊▉ (eighths of a
 * column, rounded to the nearest eighth); ASCII bars use '#', rounded to the
 * nearest column. A non-zero fraction always shows at least one eighth (or
 * one '#'). Returns the columns used (never more than cols). */
int kz_report_bar(kz_buf *out, double frac, int cols, bool unicode);

#define KZ_REPORT_BAR_MAX 60 /* widest bar drawn, in columns */

/* The report as table text for a terminal `width` columns wide (at least
 * 20): the title, the period, each table with its heading, header row and
 * rows, the charted column drawn as bars in the remaining width (at most
 * KZ_REPORT_BAR_MAX columns), and the
 * notes. Every line is at most `width` display columns. Data text passes
 * through kz_text_fit. Pure: the same report, width and flag give the
 * same lines. Appends to out. */
void kz_report_render(const kz_report *r, int width, bool unicode, kz_lines *out);

/* Machine-readable forms, appended to out.
 * CSV: per table, a header line "table,<column keys>" then one line per row
 * starting with the table's key; tables separated by nothing (the first
 * field says which table a line belongs to). Money as 12500.50, percent
 * with one decimal, days with two decimals, nulls empty.
 * JSON: {"report", "from", "to", "owner", "generated", one array of row
 * objects per table key, "notes"}; money as numbers in major units,
 * percent rounded to 0.1, days to 0.01, nulls as null. */
void kz_report_csv(const kz_report *r, kz_buf *out);
void kz_report_json(const kz_report *r, kz_buf *out);

/* ---- computing reports ---- */

typedef struct kz_report_opts {
    int from_day;      /* KZ_REPORT_OPEN_FROM or the first local day counted */
    int to_day;        /* KZ_REPORT_OPEN_TO or the last local day counted */
    const char *owner; /* NULL: everyone; "": unassigned; else one owner */
    int64_t now;       /* Unix seconds */
} kz_report_opts;

/* The pipeline a report is computed against. Everything is borrowed. */
typedef struct kz_report_pipeline {
    const kz_stage *stages; /* funnel order */
    size_t nstages;
    const char *const *grades; /* grade bands, best first; may be NULL */
    size_t ngrades;
    /* Whether a lead counts as stale as of now (NULL: none do). */
    bool (*is_stale)(const kz_lead *lead, int64_t now, void *ud);
    /* The grade band a closed lead gets when scored with its activities
     * before `at` (its close) as of `at`; returns a string owned by ud.
     * NULL: the report uses each lead's stored grade. */
    const char *(*grade)(const kz_lead *lead, const kz_activity *acts, size_t nacts,
                         int64_t at, void *ud);
    void *ud;
    const char *currency; /* shown with amounts in the text form; NULL or "": none */
} kz_report_pipeline;

/* Report names, in the order `kariz report` lists them. */
#define KZ_REPORT_NAMES "funnel, forecast, velocity, losses, channels, scoring, stakeholders"

/* Computes report `name` into out (initialised by the caller with
 * kz_report_init; freed with kz_report_free even on failure). KZ_EINVAL for
 * an unknown name. Reads through a consistent snapshot of the store. */
kz_status kz_report_run(kz_store *st, const kz_report_pipeline *p, const char *name,
                        const kz_report_opts *o, kz_report *out, kz_err *err);

/* The individual reports (what kz_report_run calls). */
kz_status kz_report_funnel(kz_store *st, const kz_report_pipeline *p, const kz_report_opts *o,
                           kz_report *out, kz_err *err);
kz_status kz_report_forecast(kz_store *st, const kz_report_pipeline *p,
                             const kz_report_opts *o, kz_report *out, kz_err *err);
kz_status kz_report_velocity(kz_store *st, const kz_report_pipeline *p,
                             const kz_report_opts *o, kz_report *out, kz_err *err);
kz_status kz_report_losses(kz_store *st, const kz_report_pipeline *p, const kz_report_opts *o,
                           kz_report *out, kz_err *err);
kz_status kz_report_channels(kz_store *st, const kz_report_pipeline *p,
                             const kz_report_opts *o, kz_report *out, kz_err *err);
/* Win rate and cycle length (days from creation to close) of the deals
 * closed in the period, by stakeholder coverage: a champion known or not,
 * the decision maker reached, known but not reached, or not known (roles
 * champion and decision_maker, as the default rules name them). */
kz_status kz_report_stakeholders(kz_store *st, const kz_report_pipeline *p,
                                 const kz_report_opts *o, kz_report *out, kz_err *err);
kz_status kz_report_scoring_with(kz_store *st, const kz_report_pipeline *p,
                                 const kz_report_opts *o, kz_report *out, kz_err *err);

/* ---- the pipeline from a kz_rules ----
 * Defined here (static inline) so that code which never uses the rules
 * links without the rules module. */

typedef struct kz_report_rules {
    const kz_rules *rules;               /* borrowed */
    const char *grades[32];              /* borrowed from the rules */
    kz_score score;                      /* scratch for rescoring */
} kz_report_rules;

static inline bool kz_report_rules_stale_(const kz_lead *lead, int64_t now, void *ud)
{
    return kz_lead_is_stale(((kz_report_rules *)ud)->rules, lead, now, NULL, NULL);
}

static inline const char *kz_report_rules_grade_(const kz_lead *lead, const kz_activity *acts,
                                                 size_t nacts, int64_t at, void *ud)
{
    kz_report_rules *rr = ud;
    kz_score_lead(rr->rules, lead, acts, nacts, at, &rr->score);
    return rr->score.grade;
}

/* Fills p from the rules in force (rr is the storage p points into; keep it
 * alive while p is used). rescore: the scoring report regrades closed
 * leads with these rules instead of using their stored grades. */
static inline void kz_report_pipeline_rules(kz_report_pipeline *p, kz_report_rules *rr,
                                            const kz_rules *r, bool rescore)
{
    rr->rules = r;
    size_t ng = kz_rules_grade_count(r);
    if (ng > sizeof rr->grades / sizeof rr->grades[0])
        ng = sizeof rr->grades / sizeof rr->grades[0];
    for (size_t i = 0; i < ng; i++)
        rr->grades[i] = kz_rules_grade_name(r, i);
    p->stages = kz_rules_stages(r);
    p->nstages = kz_rules_stage_count(r);
    p->grades = rr->grades;
    p->ngrades = ng;
    p->is_stale = kz_report_rules_stale_;
    p->grade = rescore ? kz_report_rules_grade_ : NULL;
    p->ud = rr;
    p->currency = kz_rules_currency(r);
}

/* Win rate per grade band of the closed deals, with the leads regraded by
 * `rules` (a candidate rules file for a backtest, or the rules in force).
 * With rescore false the stored grades are used. */
static inline kz_status kz_report_scoring(kz_store *st, const kz_rules *rules, bool rescore,
                                          const kz_report_opts *o, kz_report *out, kz_err *err)
{
    kz_report_rules *rr = kz_xcalloc(1, sizeof *rr); /* owned here, freed below */
    kz_report_pipeline p;
    kz_report_pipeline_rules(&p, rr, rules, rescore);
    kz_status ks = kz_report_scoring_with(st, &p, o, out, err);
    free(rr);
    return ks;
}

#endif
