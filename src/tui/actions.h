/* actions.h - every action the board can perform, in one table.
 *
 * The table drives key dispatch (keys.conf binds keys to these names), the
 * `?` help screen and docs/keys.md, so the three cannot drift apart.
 * This header has no dependencies so tests can include it too. */
#ifndef KARIZ_TUI_ACTIONS_H
#define KARIZ_TUI_ACTIONS_H

/* Action groups, in the order help shows them. */
#define KZ_TUI_GROUPS(X)                                                                     \
    X(VIEW, "View")                                                                          \
    X(MOVE, "Moving around")                                                                 \
    X(DEAL, "Moving deals")                                                                  \
    X(WORK, "Working a lead")                                                                \
    X(FIND, "Filtering and sorting")                                                         \
    X(REPORT, "Reports")                                                                     \
    X(TRIAGE, "Triage")

/*  X(ENUM,          name,             group, help) */
#define KZ_TUI_ACTIONS(X)                                                                     \
    X(QUIT, "quit", VIEW, "leave the board (closes a detail or help view first)")             \
    X(BACK, "back", VIEW, "close the current view and return to the board")                    \
    X(HELP, "help", VIEW, "show this list of keys")                                           \
    X(REDRAW, "redraw", VIEW, "repaint the screen and reload from the database")              \
    X(OPEN, "open", VIEW, "open the selected lead's detail view")                             \
    X(TOGGLE_CLOSED, "toggle-closed", VIEW, "collapse or expand the won and lost columns")    \
    X(CURSOR_UP, "cursor-up", MOVE, "previous card (scroll up in a detail view)")             \
    X(CURSOR_DOWN, "cursor-down", MOVE, "next card (scroll down in a detail view)")           \
    X(COLUMN_LEFT, "column-left", MOVE, "column to the left")                                 \
    X(COLUMN_RIGHT, "column-right", MOVE, "column to the right")                              \
    X(FIRST, "first", MOVE, "first card of the column (top of a view)")                       \
    X(LAST, "last", MOVE, "last card of the column (end of a view)")                          \
    X(PAGE_UP, "page-up", MOVE, "one screen up")                                              \
    X(PAGE_DOWN, "page-down", MOVE, "one screen down")                                        \
    X(MOVE_NEXT, "move-next", DEAL, "move the lead to the next stage (asks to override "      \
                                    "entry criteria)")                                        \
    X(MOVE_PREV, "move-prev", DEAL, "move the lead back to the previous stage")               \
    X(WON, "won", DEAL, "mark the deal won")                                                  \
    X(LOST, "lost", DEAL, "mark the deal lost, picking a reason")                             \
    X(UNDO, "undo", DEAL, "undo the last change made on this board; again: the one before")                    \
    X(ADD, "add", WORK, "add a lead (name, company, value) to the selected open stage")       \
    X(EDIT, "edit", WORK, "edit one field of the lead")                                       \
    X(NOTE, "note", WORK, "add a one-line note")                                              \
    X(NOTE_EDITOR, "note-editor", WORK, "write a long note in $VISUAL or $EDITOR")            \
    X(LOG_CALL, "log-call", WORK, "log a call, then press a key for its outcome")            \
    X(LOG_EMAIL, "log-email", WORK, "log an e-mail, then press a key for its outcome")       \
    X(LOG_MEETING, "log-meeting", WORK, "log a meeting, then press a key for its outcome")   \
    X(FOLLOWUP, "next-step", WORK, "set the next step and its due date (tomorrow, fri, +3d)") \
    X(ASSIGN, "assign", WORK, "assign the lead to an owner")                                  \
    X(SEARCH, "search", FIND, "filter the board as you type (name, company, e-mail, notes)") \
    X(FILTER_MINE, "filter-mine", FIND, "show only my leads and unassigned ones (toggle)")   \
    X(FILTER_OWNER, "filter-owner", FIND, "show only one owner's leads")                      \
    X(FILTER_GRADE, "filter-grade", FIND, "show only leads of one grade")                     \
    X(FILTER_OVERDUE, "filter-overdue", FIND, "show only leads with an overdue next step "   \
                                              "(toggle)")                                     \
    X(FILTER_STALE, "filter-stale", FIND, "show only stale leads: idle past their stage's "   \
                                          "limit (toggle)")                                   \
    X(FILTER_CLEAR, "filter-clear", FIND, "drop every filter and the search")                 \
    X(SORT, "sort", FIND, "sort the cards in each column by score, value, age or due date") \
    X(REPORTS, "reports", REPORT, "open the report screen (funnel, forecast, velocity, "       \
                                  "losses, channels, scoring)")                               \
    X(REPORT_FUNNEL, "report-funnel", REPORT, "funnel: leads per stage, conversion between "   \
                                              "stages")                                       \
    X(REPORT_FORECAST, "report-forecast", REPORT, "forecast: open pipeline and weighted "      \
                                                  "value by close month and owner")           \
    X(REPORT_VELOCITY, "report-velocity", REPORT, "velocity: time spent in each stage, the "   \
                                                  "bottleneck")                               \
    X(REPORT_LOSSES, "report-losses", REPORT, "losses: lost deals by stage and reason, win "   \
                                              "rate by source")                               \
    X(REPORT_CHANNELS, "report-channels", REPORT, "channels: response rate per channel")       \
    X(REPORT_SCORING, "report-scoring", REPORT, "scoring: win rate of closed deals per grade") \
    X(REPORT_NEXT, "report-next", REPORT, "the next report")                                  \
    X(REPORT_PREV, "report-prev", REPORT, "the previous report")                              \
    X(REPORT_MINE, "report-mine", REPORT, "count only the leads I own (toggle)")              \
    X(REPORT_PERIOD, "report-period", REPORT, "pick the period (last week, this month...) " \
                                              "or type one") \
    X(TRIAGE, "triage", TRIAGE, "work the queue of leads that need a decision now")           \
    X(SNOOZE, "snooze", TRIAGE, "triage: put the lead off to a date (quick picks or typed)")  \
    X(CLAIM, "claim", TRIAGE, "triage: assign the lead to me")                                \
    X(SET_STATUS, "set-status", TRIAGE, "triage: set the lead's lifecycle status")            \
    X(SKIP, "skip", TRIAGE, "triage: no decision now; on to the next lead")

typedef enum kz_action {
    KZ_ACT_NONE = 0,
#define KZ_X_ENUM(e, n, g, h) KZ_ACT_##e,
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
