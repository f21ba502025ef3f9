/* cli.h - the scriptable command line. Private to src/cli/ (and main.c). */
#ifndef KARIZ_CLI_H
#define KARIZ_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include <jansson.h>

#include "kariz/model.h"
#include "kariz/pipeline.h"
#include "kariz/rules.h"
#include "kariz/store.h"

int kz_cli_main(int argc, char **argv);

/* State of one kariz invocation. */
typedef struct kz_cli {
    const char *db_opt;    /* --db */
    const char *rules_opt; /* --rules */
    bool readonly;         /* --read-only, or a database the user cannot write */
    char readonly_why[1100]; /* why a database was opened read-only ("" for --read-only) */
    char db_path[4096];
    kz_store *store;       /* owned; NULL until opened */
    kz_rules *rules;       /* owned */
    char rules_why[4400];   /* why these rules are in force */
    char rules_path[4096]; /* "" for built-in or the rules kept in the database */
    bool rules_from_db;    /* the rules a server's database keeps (no file named) */
    bool rules_fallback;   /* the rules file failed; last good rules in force */
    char rules_warning[1200]; /* then: the file's error and the rules kept, for the board */
    char rules_notice[8800];  /* the file's rules replaced different ones the database had
                               * (in force for everyone who uses it): said once */
    char hooks_dir[4096];  /* "" when the database has no hooks directory */
    char scratch_dir[4096]; /* a dry run's empty database lives here ("" for none);
                            * removed with it when the command ends */
    kz_session sess;
    kz_err err;
} kz_cli;

/* Flags for kz_cli_open. */
#define KZ_OPEN_NOCREATE 1u /* the database must exist */
#define KZ_OPEN_READS 2u    /* the command only reads: a read-only database is fine; the
                             * database must exist (a reading command never creates one) */
#define KZ_OPEN_BOARD 4u    /* the board: says so when it falls back to read-only */
#define KZ_OPEN_INIT 8u     /* init and demo: may turn an empty file into a database, and says
                             * itself what it created */
#define KZ_OPEN_SCORES 16u  /* the command shows scores: bring those due up to date first */
#define KZ_OPEN_PREVIEW 32u /* a dry run: no database there yet is previewed as an empty one
                             * (a scratch database of its own, said so, removed at the end) */

/* Opens the database and the rules in force; prints the error and returns
 * non-zero (the exit status) on failure. */
int kz_cli_open(kz_cli *c, unsigned flags);
/* Prints "kariz: MESSAGE" for err and returns the exit status for it. */
int kz_cli_fail(const kz_err *err);
/* Prints a usage error for a command and returns 2. */
int kz_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* getopt_long over a command's argv (argv[0] is the command), with -h;
 * returns the option, -1 at the end, '?' after printing a usage error. */
struct option;
int kz_cli_next_opt(int argc, char **argv, const struct option *opts);

/* Parses a lead id argument ("12"); prints the error and returns false. */
bool kz_cli_id(const char *arg, int64_t *id);

/* Output formats. */
typedef enum kz_format { KZ_FMT_TABLE, KZ_FMT_CSV, KZ_FMT_JSON } kz_format;
bool kz_cli_format(const char *arg, kz_format *out, bool allow_csv);

/* Writers (stdout). The table output sanitises every value for the
 * terminal; csv and json keep the data exact (json replaces invalid UTF-8)
 * for files and pipes, and are sanitised like the table when out is a
 * terminal (kz_cli_write_data). */
typedef struct kz_lead_writer kz_lead_writer;
kz_lead_writer *kz_lead_writer_new(kz_format fmt, FILE *out, int64_t today_day);
void kz_lead_writer_add(kz_lead_writer *w, const kz_lead *lead);
/* With the rules, the table's STAGE shows a stage by its label when the
 * rules give one in the message language (label_fa: in Persian), else by
 * its id; CSV and JSON keep the id. */
void kz_lead_writer_rules(kz_lead_writer *w, const kz_rules *rules);
void kz_lead_writer_finish(kz_lead_writer *w); /* flushes and frees */

/* A lead as a JSON object text (all fields, custom fields under "custom").
 * Caller frees the returned string. */
char *kz_lead_json(const kz_lead *lead, bool pretty);
/* The lead plus its "activities" and "stakeholders" (`show --format json`,
 * indented; `export --format json|jsonl`, one line). Caller frees. */
char *kz_show_json(const kz_lead *lead, const kz_activity_list *acts,
                   const kz_stakeholder_list *shs, bool pretty);
/* A stakeholder as a JSON object ("id", "name", "role", "title", "email",
 * "phone", "note", "last_touch"); the caller owns the reference. */
json_t *kz_cli_stakeholder_json(const kz_stakeholder *s);
/* The event log as a JSON array. Caller frees. */
char *kz_events_json(const kz_event_list *ev);
/* Writes s as a JSON string literal (with quotes) to out. */
void kz_json_write_string(FILE *out, const char *s);
/* Width of standard output for tables: $COLUMNS, else the terminal's, else
 * 80; and whether it can show Unicode block characters (a UTF-8 locale). */
int kz_cli_output_width(void);
bool kz_cli_output_unicode(void);
/* Whether out is a terminal. */
bool kz_cli_tty(FILE *out);
/* Writes CSV or JSON text s[0..n): the exact bytes to a file or pipe; to a
 * terminal (tty) sanitised, so that no escape or control sequence in the
 * data reaches it (controls, bidi and invisible characters shown as
 * markers, CRLF shown as a line break). */
void kz_cli_write_data(FILE *out, bool tty, const char *s, size_t n);
/* Sanitises for a terminal and prints. */
void kz_cli_print_safe(FILE *out, const char *s);
/* s sanitised for a terminal (one line), for a translated format's %s:
 * kept in scratch (a kz_buf the caller owns and frees). */
const char *kz_cli_safe(kz_buf *scratch, const char *s);
/* The same (s may be NULL: nothing), then spaces up to cols display
 * columns; a longer value is printed whole. */
void kz_cli_print_safe_pad(FILE *out, const char *s, int cols);

/* target when it names a database file, else NULL (a server's database
 * has no directory for team rules or hooks beside it). */
const char *kz_cli_db_file(const char *target);

/* Command entry points: argv[0] is the command name. */
#define KZ_CLI_COMMANDS(X)                                                                       \
    X(init, "", N_("create the database (and apply the rules' stages)"))                             \
    X(demo, "[--leads N] [--lang fa|en] [--no-board]", N_("fill the database with a realistic demo pipeline, then open the board")) \
    X(add, "NAME [--company C] [--email E] [--title T] [--value N] [--stage S] [--owner U] [--set FIELD=VALUE]... [--force]", N_("add a lead; prints its id")) \
    X(list, "[--stage S] [--owner U | --mine] [--search TEXT] [--grade G] [--overdue] [--sort KEY] [--limit N] [--format table|csv|json]", N_("list leads")) \
    X(show, "ID [--format table|json]", N_("show one lead: its fields, custom fields, stakeholders and activities")) \
    X(set, "ID FIELD=VALUE... [--force]", N_("change fields (a new name makes a custom field)"))              \
    X(move, "ID STAGE [--force --reason TEXT]", N_("move a lead to a stage (entry criteria apply)")) \
    X(won, "ID [--force --reason TEXT]", N_("mark a deal won"))                                     \
    X(lost, "ID --reason REASON", N_("mark a deal lost, with one of the rules' lost reasons"))      \
    X(note, "ID TEXT...|-", N_("add a note (- reads it from standard input)"))               \
    X(log, "ID KIND OUTCOME [--channel C] [--note TEXT] [--with WHO]", N_("log a touch: call, email, meeting...")) \
    X(followup, "ID WHEN [--step TEXT] [--force]", N_("set the next step's due date (today, fri, +3d, 2026-12-01...)")) \
    X(assign, "ID USER|- [--force]", N_("give a lead to an owner (- unassigns)"))                              \
    X(agenda, "[--days N] [--owner U]", N_("what is due, overdue and stale for you: a morning list")) \
    X(triage, "[--all]", N_("work the queue of leads that need a decision now"))                    \
    X(history, "ID [--format table|json]", N_("the lead's event log"))                               \
    X(blame, "ID FIELD", N_("who last set a field, and when"))                                      \
    X(score, "ID [--explain] [--format table|json] | --all", N_("rescore leads and explain a score")) \
    X(import, "FILE.csv...|- [--map COLUMN=field]... [--on-duplicate skip|update|new] [--rejects FILE] [--dry-run] [--stage S] [--owner U] [--kind contacts|deals|activities|notes] [--date-format dmy|mdy]", N_("import leads, deals, activities and notes from CSV files (another CRM's export)")) \
    X(intake, "[--on-duplicate skip|update|new]", N_("create or update leads from JSON lines on standard input")) \
    X(export, "[--format csv|json|jsonl] [--stage S] [--owner U] [--search TEXT]", N_("write leads with every field, custom fields included")) \
    X(rules, "path | check [FILE] | diff FILE | backtest FILE", N_("which rules are in force; check, compare and backtest rules files")) \
    X(copy, "FROM TO", N_("copy a whole pipeline into a new database: SQLite file or PostgreSQL (postgresql://...)")) \
    X(team, "init DIR --group GROUP | check [DIR]", N_("set up a team's shared directory on a server, or check one")) \
    X(stakeholder, "add ID NAME --role ROLE [--title T] [--email E] [--phone P] [--note N] | set SID FIELD=VALUE... | rm SID | list ID [--format table|csv|json]", N_("the people around a deal: decision maker, champion...")) \
    X(account, "NAME|ID [--format table|json] | alias SPELLING COMPANY | unalias SPELLING", N_("a company's leads, owners, values and people")) \
    X(report, "funnel|forecast|velocity|losses|channels|scoring|stakeholders [--period P | --from DATE --to DATE] [--owner U] [--format table|csv|json]", N_("pipeline reports for managers"))

#define KZ_X_DECL(name, usage, summary) int kz_cmd_##name(kz_cli *c, int argc, char **argv);
KZ_CLI_COMMANDS(KZ_X_DECL)
#undef KZ_X_DECL

/* After a listing or report narrowed to owner's leads (NULL or "": no
 * owner, nothing said): when owner is no known user (kz_user_check),
 * "kariz CMD: no lead is owned by OWNER: ..." on standard error, most
 * often a misspelt owner. The exit status stays the command's. */
void kz_cli_owner_hint(kz_cli *c, const char *cmd, const char *owner);

/* A stakeholder of lead by id, whole name (in any case, kz_text_fold) or
 * role; failing those, by the beginning of its name or of one of the
 * name's words ("dana" or "bo" for Dana Boss) when that names one only:
 * 0 with *sid set, else the exit status (the error printed, naming the
 * stakeholders arg could mean when it is more than one). */
int kz_cli_stakeholder_arg(kz_cli *c, int64_t lead, const char *arg, int64_t *sid);

/* `kariz complete`: words for the shell completion (not in the table). */
int kz_cmd_complete(kz_cli *c, int argc, char **argv);
/* The i-th command of the table, NULL past the last; whether cmd is one. */
const char *kz_cli_command(size_t i);
bool kz_cli_command_known(const char *cmd);

/* The usage line of a command ("kariz move ID STAGE ..."). */
const char *kz_cli_usage_of(const char *cmd);
/* Prints "usage: ..." plus the command's option help; returns 0. */
int kz_cli_help(const char *cmd, const char *options_help);

#endif
