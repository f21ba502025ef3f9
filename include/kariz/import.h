/* import.h - bulk import (CSV files from other CRMs, JSON lines from an
 * intake feed) and the pieces it is built from: a streaming RFC 4180 CSV
 * reader, the header auto-mapping, row-to-lead conversion and duplicate keys.
 * See docs/import.md for the behaviour users see. */
#ifndef KARIZ_IMPORT_H
#define KARIZ_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kariz/buf.h"
#include "kariz/model.h"
#include "kariz/pipeline.h"
#include "kariz/rules.h"
#include "kariz/status.h"

/* ---- streaming CSV reader (libcsv underneath) ---- */

#define KZ_CSV_FIELD_MAX (1u << 20)  /* longest field, bytes */
#define KZ_CSV_COLS_MAX 10000        /* most fields in one row */
#define KZ_CSV_ROW_MAX (16u << 20)   /* most bytes in one row */

typedef struct kz_csv kz_csv;

/* One record. Everything it points to is owned by the reader and valid until
 * the next kz_csv_next. Fields are NUL-terminated; len[i] is their length. */
typedef struct kz_csv_row {
    size_t n;         /* fields */
    char **v;         /* v[i]: field i */
    size_t *len;
    int64_t line;     /* physical line (1-based) where the record starts */
    bool bad;         /* malformed: `reason` says what and where; fields may be partial */
    char reason[320];
    const char *raw;  /* the record's bytes as they stand in the input, without the line */
    size_t raw_len;   /* break that ended it (not NUL-terminated) */
    bool raw_cut;     /* raw holds only the first KZ_CSV_ROW_MAX bytes */
} kz_csv_row;

/* Reads CSV from `in` (borrowed; may be a pipe). `prefix` (copied, may be
 * NULL) holds bytes already read from `in` that come first. A UTF-8 byte
 * order mark at the start is skipped. Quoted fields may hold commas, doubled
 * quotes and line breaks; records end at LF or CRLF, or at CR in a file
 * whose first line ends in a lone CR; blank lines and rows of only empty
 * fields are skipped. A quote inside an unquoted field is a literal quote.
 * Memory stays bounded by the limits above (a field of exactly
 * KZ_CSV_FIELD_MAX bytes is read): a longer field or row, too many fields,
 * a NUL byte, text after a closing quote or an unterminated quoted field
 * make that one record `bad`, and reading goes on with the next line. Caller frees with kz_csv_free. */
kz_csv *kz_csv_new(FILE *in, const char *prefix, size_t prefix_len);
/* KZ_OK with the next record in *row, KZ_ENOTFOUND after the last one,
 * KZ_EIO when reading fails (err says why). */
kz_status kz_csv_next(kz_csv *c, kz_csv_row *row, kz_err *err);
/* Input bytes consumed so far (progress). */
int64_t kz_csv_offset(const kz_csv *c);
void kz_csv_free(kz_csv *c);
/* Appends s[0..n) as one CSV field, quoted when it holds a comma, quote, CR
 * or LF, or starts or ends with a space (bytes otherwise exact). */
void kz_csv_put_field(kz_buf *out, const char *s, size_t n);

/* ---- header mapping ---- */

typedef enum kz_map_kind {
    KZ_MAP_IGNORE,     /* column not imported */
    KZ_MAP_FIELD,      /* a built-in field */
    KZ_MAP_FIRST_NAME, /* first part of name */
    KZ_MAP_LAST_NAME,  /* last part of name */
    KZ_MAP_CUSTOM,     /* a custom field */
    KZ_MAP_CONTACT,    /* a deal's contact as "Name (e-mail)": name and email */
    /* activities and notes files: */
    KZ_MAP_ACT_AT,     /* when it happened (date, or date and time) */
    KZ_MAP_ACT_TIME,   /* the time of day, in a column of its own */
    KZ_MAP_ACT_KIND,   /* call, e-mail, meeting, task, note... */
    KZ_MAP_ACT_SUBJECT,
    KZ_MAP_ACT_NOTE,   /* the body: call notes, description, note text */
    KZ_MAP_ACT_OUTCOME,
    KZ_MAP_ACT_AUTHOR, /* who logged it: a name, e-mail or account */
    KZ_MAP_ACT_DONE    /* done or not (a to-do not done is not a touch) */
} kz_map_kind;

/* Which records a file holds: told by its header, or by --kind. */
typedef enum kz_file_kind {
    KZ_KIND_AUTO,
    KZ_KIND_CONTACTS,  /* leads, contacts, persons */
    KZ_KIND_DEALS,     /* deals, opportunities */
    KZ_KIND_ACTIVITIES,
    KZ_KIND_NOTES
} kz_file_kind;
/* "contacts", "deals", "activities", "notes" ("auto" for KZ_KIND_AUTO). */
const char *kz_file_kind_name(kz_file_kind k);
/* The kind a name gives; false for an unknown name. */
bool kz_file_kind_parse(const char *name, kz_file_kind *out);
/* The kind of file a header row shows (never KZ_KIND_AUTO). */
kz_file_kind kz_import_detect_kind(const char *const *header, size_t n);

/* How a file writes dates like 03/04/2025. */
typedef enum kz_date_order {
    KZ_DATES_UNKNOWN,  /* not yet told (or no such dates in the column) */
    KZ_DATES_DMY,      /* day first: 20/05/2024 */
    KZ_DATES_MDY       /* month first: 05/20/2024 */
} kz_date_order;

typedef struct kz_map_col {
    kz_map_kind kind;
    int field;         /* KZ_MAP_FIELD: the kz_field */
    char custom[65];   /* KZ_MAP_CUSTOM: the custom field name */
    const char *why;   /* static note for the mapping report ("--map", "computed by kariz"...) */
    kz_date_order dates; /* date and time columns: the order the whole column shows */
} kz_map_col;

typedef struct kz_import_map {
    size_t n;
    kz_map_col *col;   /* owned, n entries */
    char **header;     /* owned copies of the header cells */
    kz_file_kind kind; /* never KZ_KIND_AUTO once built */
} kz_import_map;

/* What a header cell means on its own (case, spaces and punctuation do not
 * matter): a built-in field, a part of the name, the source's record id
 * (custom field record_id), or nothing known (KZ_MAP_CUSTOM with custom[0]
 * == 0). Used for CSV headers and intake keys alike. */
kz_map_col kz_import_alias(const char *header);

/* Builds the mapping of a header row. overrides are "COLUMN=field" strings
 * (COLUMN matched like headers, exact text first; field is a built-in field,
 * first_name, last_name, a custom field name, or "-" to ignore the column).
 * Unmapped columns become custom fields with safe, unique snake_case names.
 * KZ_EUSAGE for a malformed override or one naming no column. */
kz_status kz_import_map_build(const char *const *header, size_t n,
                              const char *const *overrides, size_t noverrides,
                              kz_import_map *out, kz_err *err);
/* The same for a file of a given kind (KZ_KIND_AUTO: told by the header).
 * Activities and notes files map their columns to the KZ_MAP_ACT_* parts
 * and to the fields that name the lead (e-mail, name, company, record id). */
kz_status kz_import_map_build_kind(const char *const *header, size_t n,
                                   const char *const *overrides, size_t noverrides,
                                   kz_file_kind kind, kz_import_map *out, kz_err *err);
/* Whether a column holds dates or times (a date or time field, or when an
 * activity happened). */
bool kz_import_map_is_date(const kz_map_col *c);
void kz_import_map_free(kz_import_map *m);
/* Appends one line per column: "  "Email" -> email". */
void kz_import_map_describe(const kz_import_map *m, kz_buf *out);
/* A safe custom field name for a header ("Last Activity Date" ->
 * "last_activity_date"); "column_N" (N = index + 1) when nothing is left. */
void kz_import_custom_name(const char *header, size_t index, char *out, size_t outlen);

/* Converts a data row to a lead (reset first). Empty cells set nothing.
 * KZ_EINVAL with err naming the column and what was expected. Stage and
 * owner existence are not checked here (see kz_import_check). */
kz_status kz_import_row_lead(const kz_import_map *m, const char *const *cells, size_t n,
                             kz_lead *lead, kz_err *err);

/* ---- dates as other CRMs' files write them ---- */

/* What the cells of one column show about day-first or month-first order. */
typedef struct kz_date_scan {
    int64_t dmy, mdy;          /* cells only one order reads (13/05/2024; 05/13/2024) */
    int64_t either;            /* cells both orders read, differently (03/04/2024) */
    char dmy_eg[40], mdy_eg[40], either_eg[40]; /* the first of each */
} kz_date_scan;
/* Notes one cell of a date column. */
void kz_import_date_scan(kz_date_scan *s, const char *cell);
/* The order a scanned column shows; KZ_DATES_UNKNOWN when it cannot tell
 * (only cells such as 03/04/2024) or when it shows both (*mixed). */
kz_date_order kz_import_date_order(const kz_date_scan *s, bool *mixed);

/* Reads a date or a time as another CRM writes it, into kariz's own text
 * (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS local, or YYYY-MM-DDTHH:MM:SSZ):
 * 2024-05-09, 2024/05/09, 09/05/2024 and 05/09/2024 (order says which),
 * 9.5.2024, with a time (14:07, 2:07 PM, 14:07:30), ISO 8601 stamps with Z
 * or an offset (+03:30), and Solar Hijri dates (a year-first date before
 * the year 1700: 1403/02/20) read through the Persian calendar; Persian and
 * Arabic-Indic digits count as digits. KZ_EINVAL with err saying what was
 * expected. */
kz_status kz_import_date_read(const char *cell, kz_date_order order, char *out, size_t outlen,
                              kz_err *err);

/* ---- other CRMs' words and people ---- */

/* kz_fold_key of s with the Arabic letter forms some Persian exports hold
 * (ي ى ك) read as the Persian ones (ی ک): how headers, stage and status
 * words and people's names are compared. */
void kz_import_fold(const char *s, char *out, size_t outlen);

/* What a stage or status word from an export means here. */
typedef struct kz_word_meaning {
    const char *stage;       /* a stage of the rules in force, or NULL */
    const char *status;      /* a status of the rules in force, or NULL */
    const char *lost_reason; /* for a lost stage, or NULL */
    const char *from;        /* "the rules' stage_map" or the CRM whose word it is */
} kz_word_meaning;
/* Looks a word up in the rules' stage_map:, then in the built-in table of
 * each CRM's stock stages and statuses. false when neither knows it (or it
 * names only a stage or status the rules do not have). */
bool kz_import_word(const kz_rules *r, const char *word, kz_word_meaning *out);

/* An activity type as a CRM writes it ("Call", "Log a Call", "Meeting",
 * "EMAIL", "تماس") as a kariz activity kind; NULL when unknown. */
const char *kz_import_activity_kind(const char *word);
/* A call or meeting outcome ("Connected", "Left voicemail", "No answer",
 * "Completed") as a kariz outcome; NULL when unknown. */
const char *kz_import_activity_outcome(const char *word);
/* false for a to-do not yet done ("To do", "Not Started", "0", "no"). */
bool kz_import_activity_done(const char *word);

/* One row of an activities or notes file: the activity (lead_id and
 * author left for the caller), its note text in *note (subject and body;
 * an unknown type or outcome is kept in it), the author as the file
 * writes it in *author (NULL when absent) and whether it was done. Notes
 * files give kind note. KZ_EINVAL naming the column when the date is
 * missing or unreadable. */
kz_status kz_import_row_activity(const kz_import_map *m, const char *const *cells, size_t n,
                                 kz_activity *a, kz_buf *note, const char **author, bool *done,
                                 kz_err *err);

/* Matching the people an export names (owners, authors) to accounts. */
typedef struct kz_owner_match kz_owner_match;
/* The accounts people are matched to: the database's users (users[0..n),
 * when listed: PostgreSQL's roles, with the full name of a local account
 * of the same name), else the local account database (logins and full
 * names), read once. */
kz_owner_match *kz_owner_match_new(const kz_rules *rules, char *const *users, size_t n,
                                   bool listed);
void kz_owner_match_free(kz_owner_match *m);
/* The account value stands for, compared case-, space- and
 * punctuation-insensitively: the rules' owners: map, then an account's
 * login or full name (one account only); a lower-case account name no
 * account has yet is kept as it is. NULL when nobody matches. *why says
 * how it matched (static text). */
const char *kz_owner_match_find(kz_owner_match *m, const char *value, const char **why);
/* The *why of kz_owner_match_find for a lower-case name kept as it is,
 * though no account has it. */
extern const char kz_owner_kept_why[];

/* The key duplicates are found by: "e:" + the e-mail trimmed and lower-cased,
 * else "n:" + name "\x1f" company (trimmed, lower-cased); false when the lead
 * has neither an e-mail nor a name. */
bool kz_import_dedupe_key(const kz_lead *lead, kz_buf *out);

/* ---- running an import ---- */

typedef enum kz_dup_mode { KZ_DUP_SKIP, KZ_DUP_UPDATE, KZ_DUP_NEW } kz_dup_mode;

typedef struct kz_import_counts {
    int64_t rows, created, updated, skipped, rejected;
} kz_import_counts;

/* What a migration met across its files, for the one summary at the end:
 * each distinct owner, stage and status word with its count and meaning. */
typedef struct kz_import_word_count {
    char *word;              /* owned: as the file wrote it */
    char *meaning;           /* owned: the account or stage it became; NULL: unmatched */
    const char *why;         /* static */
    char what;               /* 'o' owner or author, 's' stage, 't' status */
    int64_t count;
} kz_import_word_count;

/* A contact row that was rejected, by its e-mail: a deals file imported
 * with it names the rejection when it makes a lead for that contact. */
typedef struct kz_import_reject {
    char *email;  /* owned: folded (kz_import_fold) */
    char *source; /* owned: the file */
    int64_t line;
} kz_import_reject;

typedef struct kz_import_tally {
    kz_import_word_count *v; /* owned */
    size_t n, cap;
    kz_import_counts total;  /* every file's counts added up */
    int64_t matched;         /* activities and notes added to leads already there */
    size_t files;
    kz_import_reject *rejected; /* owned: the first 10,000 rejected rows with an e-mail */
    size_t nrejected, caprejected;
} kz_import_tally;
void kz_import_tally_free(kz_import_tally *t);
/* Appends the summary of everything the tally holds: owners matched and
 * unmatched (with how to map them), stages and statuses mapped and not. */
void kz_import_tally_describe(const kz_import_tally *t, bool dry_run, kz_buf *out);

typedef struct kz_import_opts {
    const char *path;              /* CSV file, or "-" for standard input */
    const char *const *maps;       /* --map COLUMN=field */
    size_t nmaps;
    kz_dup_mode dup;
    const char *rejects_path;      /* NULL: no rejects file */
    bool dry_run;
    const char *stage;             /* for rows without a stage; NULL: the first stage */
    const char *owner;             /* for rows without an owner; NULL: unassigned */
    kz_file_kind kind;             /* KZ_KIND_AUTO: told by the header */
    kz_date_order date_order;      /* --date-format; KZ_DATES_UNKNOWN: told by each column */
    kz_import_tally *tally;        /* may be NULL: owners, stages and counts across files */
    bool dup_set;                  /* --on-duplicate was given (else a deals file updates) */
    bool dry_run_shared;           /* a dry run inside the caller's transaction, which the
                                    * caller rolls back (several files tried together) */
    size_t batch;                  /* rows per transaction; 0: up to 20000 (or 1/4 s) */
    bool progress;                 /* draw a progress bar on stderr (a terminal) */
    int64_t kill_after_rows;       /* tests: SIGKILL self after this many rows (0: never) */
    const char *rerun;             /* the command that resumes this import, for messages
                                    * (NULL: "the same kariz import command") */
    FILE *out;                     /* mapping and summary */
    FILE *diag;                    /* per-row rejects and notes */
} kz_import_opts;

typedef struct kz_import_result {
    int64_t import_id;             /* 0 for a dry run */
    bool resumed;
    int64_t resumed_at;            /* rows already done by the interrupted run */
    kz_import_counts counts;       /* whole import, resumed part included */
} kz_import_result;

/* Imports a CSV file into the session's database. Rows go in batches of
 * opts->batch per transaction; the imports row records how many rows are
 * done and a fingerprint of the input and options, so running the same
 * command again after an interruption resumes after the last committed
 * batch. Each lead is scored by the rules in force in the transaction that
 * writes it. Per-row problems are reported and counted, never fatal. When
 * writing fails (a full disk, an I/O error), err says which rows are in the
 * database (the committed batches: "rows 2-40001 of FILE are in the database
 * (import 7)", rows counted like a spreadsheet's, the header being row 1)
 * and the row a re-run resumes from. */
kz_status kz_import_csv(kz_session *s, const kz_import_opts *opts, kz_import_result *res,
                        kz_err *err);

/* The kind of records the CSV file at path holds, told by its header row
 * (KZ_KIND_CONTACTS for an empty file). */
kz_status kz_import_file_kind(const char *path, kz_file_kind *kind, kz_err *err);

/* Reads JSON objects, one a line, from opts->path ("-": standard input) and
 * creates or updates leads like kz_import_csv (keys are field names or
 * header aliases; unknown keys become custom fields; "custom" may hold an
 * object of custom fields). Not resumable: a stream cannot be re-read. */
kz_status kz_import_intake(kz_session *s, const kz_import_opts *opts, kz_import_result *res,
                           kz_err *err);

/* Converts one JSON line to a lead (reset first). KZ_EINVAL naming the key.
 * With acts and shs (either may be NULL: the key is then an error), the
 * "activities" and "stakeholders" arrays `kariz export --format jsonl`
 * writes are read into them (cleared first), checked (kinds, outcomes,
 * roles, times); an activity's author is left empty when not given. */
kz_status kz_import_json_lead(const char *line, size_t len, kz_lead *lead,
                              kz_activity_list *acts, kz_stakeholder_list *shs, kz_err *err);

#endif
