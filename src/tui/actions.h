/* actions.h - every action the board can perform, in one table.
 *
 * The table drives key dispatch (keys.conf binds keys to these names), the
 * `?` help screen and docs/keys.md, so the three cannot drift apart.
 * This header has no dependencies so tests can include it too. */
#ifndef KARIZ_TUI_ACTIONS_H
#define KARIZ_TUI_ACTIONS_H

/* The group titles and the help texts are marked for translation and
 * translated where shown (help.c); N_ as in kariz/i18n.h, so that this
 * header needs nothing else. */
#ifndef N_
#define N_(s) (s)
#endif

/* Action groups, in the order help shows them. */
#define KZ_TUI_GROUPS(X)                                                                     \
    X(VIEW, N_("View"))                                                                          \
    X(MOVE, N_("Moving around"))                                                                 \
    X(DEAL, N_("Moving deals"))                                                                  \
    X(WORK, N_("Working a lead"))                                                                \
    X(FIND, N_("Filtering and sorting"))                                                         \
    X(REPORT, N_("Reports"))                                                                     \
    X(TRIAGE, N_("Triage"))                                                                      \
    X(DIALOG, N_("Prompts and dialogs"))

/* The views an action applies in (help lists a view's actions only). */
#define KZ_IN_BOARD 1u
#define KZ_IN_DETAIL 2u
#define KZ_IN_TRIAGE 4u
#define KZ_IN_REPORTS 8u
#define KZ_IN_HELP 16u
#define KZ_IN_DIALOG 32u /* prompts, choice boxes, the conflict and lock dialogs */

/*  X(ENUM,          name,             group, views, help) */
#define KZ_TUI_ACTIONS(X)                                                                     \
    X(QUIT, "quit", VIEW, KZ_IN_BOARD | KZ_IN_TRIAGE, N_("leave the board (closes a detail or help view first)"))             \
    X(BACK, "back", VIEW, KZ_IN_DETAIL | KZ_IN_TRIAGE | KZ_IN_REPORTS | KZ_IN_HELP, N_("close the current view and return to the board"))                    \
    X(HELP, "help", VIEW, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE | KZ_IN_REPORTS, N_("show this list of keys"))                                           \
    X(REDRAW, "redraw", VIEW, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE | KZ_IN_REPORTS | KZ_IN_HELP, N_("repaint the screen and reload from the database"))              \
    X(OPEN, "open", VIEW, KZ_IN_BOARD | KZ_IN_TRIAGE, N_("open the selected lead's detail view"))                             \
    X(TOGGLE_CLOSED, "toggle-closed", VIEW, KZ_IN_BOARD, N_("collapse or expand the won and lost columns"))    \
    X(TOGGLE_BIDI, "toggle-bidi", VIEW, KZ_IN_BOARD, N_("switch who lays out right-to-left text, the terminal or kariz, and show a Persian sample")) \
    X(ACCOUNT, "account", VIEW, KZ_IN_BOARD | KZ_IN_DETAIL, N_("the lead's company as an account: all its leads, owners, values and people")) \
    X(CURSOR_UP, "cursor-up", MOVE, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE | KZ_IN_REPORTS | KZ_IN_HELP | KZ_IN_DIALOG, N_("previous card (scroll up in a detail view)"))             \
    X(CURSOR_DOWN, "cursor-down", MOVE, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE | KZ_IN_REPORTS | KZ_IN_HELP | KZ_IN_DIALOG, N_("next card (scroll down in a detail view)"))           \
    X(COLUMN_LEFT, "column-left", MOVE, KZ_IN_BOARD, N_("column to the left"))                                 \
    X(COLUMN_RIGHT, "column-right", MOVE, KZ_IN_BOARD, N_("column to the right"))                              \
    X(FIRST, "first", MOVE, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE | KZ_IN_REPORTS | KZ_IN_HELP | KZ_IN_DIALOG, N_("first card of the column (top of a view)"))                       \
    X(LAST, "last", MOVE, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE | KZ_IN_REPORTS | KZ_IN_HELP | KZ_IN_DIALOG, N_("last card of the column (end of a view)"))                          \
    X(PAGE_UP, "page-up", MOVE, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_REPORTS | KZ_IN_HELP, N_("one screen up"))                                              \
    X(PAGE_DOWN, "page-down", MOVE, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_REPORTS | KZ_IN_HELP, N_("one screen down"))                                        \
    X(MOVE_NEXT, "move-next", DEAL, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("move the lead to the next stage (asks to override "      \
                                    "entry criteria)"))                                        \
    X(MOVE_PREV, "move-prev", DEAL, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("move the lead back to the previous stage"))               \
    X(WON, "won", DEAL, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("mark the deal won"))                                                  \
    X(LOST, "lost", DEAL, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("mark the deal lost, picking a reason"))                             \
    X(UNDO, "undo", DEAL, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("undo the last change made on this board; again: the one before"))                    \
    X(ADD, "add", WORK, KZ_IN_BOARD, N_("add a lead (name, company, value) to the selected open stage"))       \
    X(EDIT, "edit", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("edit one field of the lead"))                                       \
    X(NOTE, "note", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("add a one-line note"))                                              \
    X(NOTE_EDITOR, "note-editor", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("write a long note in $VISUAL or $EDITOR"))            \
    X(LOG_CALL, "log-call", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("log a call, then press a key for its outcome"))            \
    X(LOG_EMAIL, "log-email", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("log an e-mail, then press a key for its outcome"))       \
    X(LOG_MEETING, "log-meeting", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("log a meeting, then press a key for its outcome"))   \
    X(FOLLOWUP, "next-step", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("set the next step and its due date (tomorrow, fri, +3d)")) \
    X(ASSIGN, "assign", WORK, KZ_IN_BOARD | KZ_IN_DETAIL | KZ_IN_TRIAGE, N_("assign the lead to an owner"))                                  \
    X(STAKEHOLDERS, "stakeholders", WORK, KZ_IN_DETAIL, N_("add, edit or remove the people around the deal (decision maker, champion...)")) \
    X(SEARCH, "search", FIND, KZ_IN_BOARD, N_("filter the board as you type (name, company, e-mail, notes)")) \
    X(FILTER_MINE, "filter-mine", FIND, KZ_IN_BOARD, N_("show only my leads and unassigned ones (toggle)"))   \
    X(FILTER_OWNER, "filter-owner", FIND, KZ_IN_BOARD, N_("show only one owner's leads"))                      \
    X(FILTER_GRADE, "filter-grade", FIND, KZ_IN_BOARD, N_("show only leads of one grade"))                     \
    X(FILTER_OVERDUE, "filter-overdue", FIND, KZ_IN_BOARD, N_("show only leads with an overdue next step "   \
                                              "(toggle)"))                                     \
    X(FILTER_STALE, "filter-stale", FIND, KZ_IN_BOARD, N_("show only stale leads: idle past their stage's "   \
                                          "limit (toggle)"))                                   \
    X(FILTER_CLEAR, "filter-clear", FIND, KZ_IN_BOARD, N_("drop every filter and the search"))                 \
    X(SORT, "sort", FIND, KZ_IN_BOARD, N_("sort the cards in each column by score, value, age, due date, name or number")) \
    X(REPORTS, "reports", REPORT, KZ_IN_BOARD, N_("open the report screen (funnel, forecast, velocity, "       \
                                  "losses, channels, scoring, stakeholders)"))                               \
    X(REPORT_FUNNEL, "report-funnel", REPORT, KZ_IN_REPORTS, N_("funnel: leads per stage, conversion between "   \
                                              "stages"))                                       \
    X(REPORT_FORECAST, "report-forecast", REPORT, KZ_IN_REPORTS, N_("forecast: open pipeline and weighted "      \
                                                  "value by close month and owner"))           \
    X(REPORT_VELOCITY, "report-velocity", REPORT, KZ_IN_REPORTS, N_("velocity: time spent in each stage, the "   \
                                                  "bottleneck"))                               \
    X(REPORT_LOSSES, "report-losses", REPORT, KZ_IN_REPORTS, N_("losses: lost deals by stage and reason, win "   \
                                              "rate by source"))                               \
    X(REPORT_CHANNELS, "report-channels", REPORT, KZ_IN_REPORTS, N_("channels: response rate per channel"))       \
    X(REPORT_SCORING, "report-scoring", REPORT, KZ_IN_REPORTS, N_("scoring: win rate of closed deals per grade")) \
    X(REPORT_STAKEHOLDERS, "report-stakeholders", REPORT, KZ_IN_REPORTS, N_("stakeholders: win rate and cycle of closed deals by champion and decision maker")) \
    X(REPORT_NEXT, "report-next", REPORT, KZ_IN_REPORTS, N_("the next report"))                                  \
    X(REPORT_PREV, "report-prev", REPORT, KZ_IN_REPORTS, N_("the previous report"))                              \
    X(REPORT_MINE, "report-mine", REPORT, KZ_IN_REPORTS, N_("count only the leads I own (toggle)"))              \
    X(REPORT_PERIOD, "report-period", REPORT, KZ_IN_REPORTS, N_("pick the period (last week, this month...) " \
                                              "or type one")) \
    X(TRIAGE, "triage", TRIAGE, KZ_IN_BOARD, N_("work the queue of leads that need a decision now"))           \
    X(SNOOZE, "snooze", TRIAGE, KZ_IN_TRIAGE, N_("triage: put the lead off to a date (quick picks or typed)"))  \
    X(CLAIM, "claim", TRIAGE, KZ_IN_TRIAGE, N_("triage: assign the lead to me"))                                \
    X(SET_STATUS, "set-status", TRIAGE, KZ_IN_TRIAGE, N_("triage: set the lead's lifecycle status"))            \
    X(SKIP, "skip", TRIAGE, KZ_IN_TRIAGE, N_("triage: no decision now; on to the next lead"))                 \
    X(ACCEPT, "accept", DIALOG, KZ_IN_DIALOG, N_("accept the line typed, or the highlighted choice"))         \
    X(CANCEL, "cancel", DIALOG, KZ_IN_DIALOG, N_("cancel the prompt or box; nothing changes"))               \
    X(DELETE_CHAR, "delete-char", DIALOG, KZ_IN_DIALOG, N_("delete the character before the cursor"))        \
    X(DELETE_WORD, "delete-word", DIALOG, KZ_IN_DIALOG, N_("delete the word before the cursor"))             \
    X(DELETE_LINE, "delete-line", DIALOG, KZ_IN_DIALOG, N_("delete the whole line"))                         \
    X(EDIT_VALUE, "edit-value", DIALOG, KZ_IN_DIALOG, N_("keep a pre-filled value to edit it (typing "       \
                                           "replaces it)"))                                    \
    X(YES, "yes", DIALOG, KZ_IN_DIALOG, N_("yes, in a yes/no box"))                                          \
    X(NO, "no", DIALOG, KZ_IN_DIALOG, N_("no, in a yes/no box"))                                             \
    X(RELOAD, "conflict-reload", DIALOG, KZ_IN_DIALOG, N_("conflict dialog: reload and drop your change"))  \
    X(REAPPLY, "conflict-reapply", DIALOG, KZ_IN_DIALOG, N_("conflict dialog: reload and apply your change " \
                                              "again"))                                        \
    X(RETRY, "retry", DIALOG, KZ_IN_DIALOG, N_("database locked: try the change again"))

typedef enum kz_action {
    KZ_ACT_NONE = 0,
#define KZ_X_ENUM(e, n, g, v, h) KZ_ACT_##e,
    KZ_TUI_ACTIONS(KZ_X_ENUM)
#undef KZ_X_ENUM
        KZ_ACT__COUNT
} kz_action;

typedef enum kz_action_group {
#define KZ_X_ENUM(e, t) KZ_GROUP_##e,
    KZ_TUI_GROUPS(KZ_X_ENUM)
#undef KZ_X_ENUM
        KZ_GROUP__COUNT
} kz_action_group;

#endif
