/* tui.h - the full-screen board. src/tui/ is the only code that calls curses. */
#ifndef KARIZ_TUI_H
#define KARIZ_TUI_H

#include "kariz/pipeline.h"
#include "kariz/status.h"

typedef struct kz_tui_opts {
    const char *keys_file; /* user's key/colour config; NULL: $XDG_CONFIG_HOME/kariz/keys.conf if present */
    bool mine;             /* start narrowed to the user's own (and unassigned) leads */
    bool readonly;         /* database opened read-only: show a banner, refuse edits */
    const char *readonly_why; /* why, when the user could not write it (NULL: --read-only) */
    bool triage;           /* open the triage queue on top of the board (`kariz triage`) */
    bool triage_all;       /* the queue covers every owner's leads, not only the user's */
    const char *rules_warning; /* the rules file did not load: why, and which rules are in
                                * force (shown on the status line when the board opens) */
    const char *rules_notice; /* the rules file in force replaced the database's different
                               * rules, for everyone (said when the board opens) */
} kz_tui_opts;

/* KZ_OK when standard input and output are both a terminal; otherwise a
 * KZ_EUSAGE error saying so and naming the commands to use instead (for
 * the board, or for triage when opts->triage). */
kz_status kz_tui_need_terminal(const kz_tui_opts *opts, kz_err *err);

/* Runs the board until the user quits (refused without a terminal, as
 * kz_tui_need_terminal). It also stops when its terminal goes away (hung
 * up or closed), with or without a SIGHUP. The session is borrowed. Restores the
 * terminal on every exit path (including fatal signals). Returns KZ_OK or
 * the error that stopped the board (already restored terminal). */
kz_status kz_tui_run(kz_session *s, const kz_tui_opts *opts, kz_err *err);

#endif
