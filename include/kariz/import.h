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
    KZ_MAP_CUSTOM      /* a custom field */
} kz_map_kind;

typedef struct kz_map_col {
    kz_map_kind kind;
    int field;         /* KZ_MAP_FIELD: the kz_field */
    char custom[65];   /* KZ_MAP_CUSTOM: the custom field name */
    const char *why;   /* static note for the mapping report ("--map", "computed by kariz"...) */
} kz_map_col;

typedef struct kz_import_map {
    size_t n;
    kz_map_col *col;   /* owned, n entries */
    char **header;     /* owned copies of the header cells */
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

/* The key duplicates are found by: "e:" + the e-mail trimmed and lower-cased,
 * else "n:" + name "\x1f" company (trimmed, lower-cased); false when the lead
 * has neither an e-mail nor a name. */
bool kz_import_dedupe_key(const kz_lead *lead, kz_buf *out);

/* ---- running an import ---- */

typedef enum kz_dup_mode { KZ_DUP_SKIP, KZ_DUP_UPDATE, KZ_DUP_NEW } kz_dup_mode;

typedef struct kz_import_counts {
    int64_t rows, created, updated, skipped, rejected;
} kz_import_counts;

typedef struct kz_import_opts {
    const char *path;              /* CSV file, or "-" for standard input */
    const char *const *maps;       /* --map COLUMN=field */
    size_t nmaps;
    kz_dup_mode dup;
    const char *rejects_path;      /* NULL: no rejects file */
    bool dry_run;
    const char *stage;             /* for rows without a stage; NULL: the first stage */
    const char *owner;             /* for rows without an owner; NULL: unassigned */
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
