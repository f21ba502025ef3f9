/* tui_int.h - the board's internals, shared by the files in src/tui/.
 *
 * Shape: a stack of views (board at the bottom, detail and help above it),
 * each a table of operations plus private state. The screen layer owns the
 * terminal, the layout (title, view area, status and hint lines), resizing
 * and the event loop; views draw only inside the area they are given and
 * answer actions with flags instead of drawing on their own. */
#ifndef KARIZ_TUI_INT_H
#define KARIZ_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/buf.h"
#include "kariz/pipeline.h"
#include "kariz/status.h"
#include "kariz/tui.h"
#include "tui/actions.h"

/* ---- actions ---- */

typedef struct kz_action_info {
    kz_action id;
    const char *name;
    kz_action_group group;
    unsigned views; /* KZ_IN_*: where it applies */
    const char *help;
} kz_action_info;

const kz_action_info *kz_action_get(kz_action a);
kz_action kz_action_lookup(const char *name); /* KZ_ACT_NONE when unknown */
const char *kz_action_group_title(kz_action_group g);

/* ---- keys and key maps ---- */

/* A key: a Unicode code point (control keys are < 32), or a curses function
 * key code with KZ_KEY_FUNC added. */
#define KZ_KEY_FUNC 0x1000000
typedef int kz_key;
/* Text pasted in one go (a terminal's bracketed paste): the text is in
 * kz_tui.paste, as the terminal sent it. Prompts take it as typed text,
 * cleaned (kz_text_paste); anywhere else it is refused, so that no byte of
 * a paste ever acts as a key. */
#define KZ_KEY_PASTE (KZ_KEY_FUNC - 1)
/* At most this much of one paste is kept (the rest is read and dropped). */
#define KZ_PASTE_KIB 64

/* Key maps a view can use; lookups fall back to "generic". */
#define KZ_TUI_KEYMAPS(X)                                                                    \
    X(GENERIC, "generic")                                                                    \
    X(BOARD, "board")                                                                        \
    X(DETAIL, "detail")                                                                      \
    X(HELP, "help")                                                                          \
    X(REPORTS, "reports")                                                                    \
    X(TRIAGE, "triage")                                                                      \
    X(DIALOG, "dialog")

typedef enum kz_keymap_id {
#define KZ_X_ENUM(e, n) KZ_KM_##e,
    KZ_TUI_KEYMAPS(KZ_X_ENUM)
#undef KZ_X_ENUM
        KZ_KM__COUNT
} kz_keymap_id;

typedef struct kz_binding {
    kz_key key;
    kz_action action;
} kz_binding;

typedef struct kz_keymaps {
    kz_binding *v[KZ_KM__COUNT]; /* owned arrays */
    size_t n[KZ_KM__COUNT], cap[KZ_KM__COUNT];
    bool mine; /* `set mine on`: the board starts narrowed to my leads */
} kz_keymaps;

/* ---- theme: named colour roles ---- */

/*  X(ENUM, name, attributes used on monochrome terminals and with NO_COLOR) */
#define KZ_TUI_ROLES(X)                                                                      \
    X(DEFAULT, "default", 0)                                                                 \
    X(TITLE, "title", KZ_ATTR_REVERSE)                                                       \
    X(BANNER, "banner.readonly", KZ_ATTR_REVERSE | KZ_ATTR_BOLD)                             \
    X(STATUS, "status", 0)                                                                   \
    X(ERROR, "status.error", KZ_ATTR_BOLD)                                                   \
    X(HINT, "hint", KZ_ATTR_DIM)                                                             \
    X(HEADER, "column.header", KZ_ATTR_BOLD)                                                 \
    X(HEADER_FOCUS, "column.header.focus", KZ_ATTR_REVERSE | KZ_ATTR_BOLD)                   \
    X(TOTALS, "column.totals", 0)                                                            \
    X(CARD, "card", 0)                                                                       \
    X(CARD_NAME, "card.name", KZ_ATTR_BOLD)                                                  \
    X(CARD_SELECTED, "card.selected", KZ_ATTR_REVERSE)                                       \
    X(GRADE_HOT, "card.hot", KZ_ATTR_BOLD)                                                   \
    X(GRADE_WARM, "card.warm", 0)                                                            \
    X(GRADE_COLD, "card.cold", KZ_ATTR_DIM)                                                  \
    X(OVERDUE, "mark.overdue", KZ_ATTR_BOLD)                                                 \
    X(STALE, "mark.stale", KZ_ATTR_UNDERLINE)                                                \
    X(PRESENCE, "mark.presence", KZ_ATTR_BOLD)                                               \
    X(LABEL, "detail.label", KZ_ATTR_BOLD)                                                   \
    X(SECTION, "detail.section", KZ_ATTR_BOLD | KZ_ATTR_UNDERLINE)                           \
    X(CHECK_YES, "check.yes", KZ_ATTR_BOLD)                                                  \
    X(CHECK_NO, "check.no", 0)                                                               \
    X(HELP_KEY, "help.key", KZ_ATTR_BOLD)                                                    \
    X(PROMPT, "prompt", KZ_ATTR_BOLD)                                                        \
    X(MENU, "menu", 0)                                                                       \
    X(MENU_SELECTED, "menu.selected", KZ_ATTR_REVERSE)                                       \
    X(REPORT_TITLE, "report.title", KZ_ATTR_BOLD)                                            \
    X(REPORT_SECTION, "report.section", KZ_ATTR_BOLD | KZ_ATTR_UNDERLINE)                    \
    X(REPORT_HEADER, "report.header", KZ_ATTR_BOLD)                                          \
    X(REPORT_BAR, "report.bar", 0)                                                           \
    X(REPORT_NOTE, "report.note", KZ_ATTR_DIM)

#define KZ_ATTR_BOLD 1u
#define KZ_ATTR_DIM 2u
#define KZ_ATTR_UNDERLINE 4u
#define KZ_ATTR_REVERSE 8u
#define KZ_ATTR_BLINK 16u
#define KZ_ATTR_STANDOUT 32u

typedef enum kz_role {
#define KZ_X_ENUM(e, n, m) KZ_ROLE_##e,
    KZ_TUI_ROLES(KZ_X_ENUM)
#undef KZ_X_ENUM
        KZ_ROLE__COUNT
} kz_role;

#define KZ_COLOR_DEFAULT (-1)
typedef struct kz_style {
    int fg, bg;     /* curses colour numbers, KZ_COLOR_DEFAULT for the terminal's own */
    unsigned attrs; /* KZ_ATTR_* */
    bool set;       /* a `color` line configured it */
} kz_style;

typedef struct kz_theme {
    kz_style role[KZ_ROLE__COUNT];
} kz_theme;


/* ---- configuration (keys.conf syntax) ----
 *   bind KEYMAP KEY ACTION      e.g. bind board j cursor-down
 *   unbind KEYMAP KEY
 *   color ROLE FG BG [ATTR...]  e.g. color card.hot red default bold
 * Comments start with #; blank lines are ignored. Errors name file:line. */
kz_status kz_tui_config_parse(const char *name, const char *text, size_t len, kz_keymaps *km,
                              kz_theme *theme, kz_err *err);
kz_status kz_tui_config_file(const char *path, kz_keymaps *km, kz_theme *theme, kz_err *err);
void kz_keymaps_free(kz_keymaps *km);
/* A right-to-left board: the keys that point (`<` and `>`, while they
 * move a lead back and on) swap in every view (board, detail view,
 * triage), so `<` moves it to the next stage, whose column is on the left. */
void kz_keymap_mirror(kz_keymaps *km);
/* The action a key triggers in keymap id (falling back to generic). */
kz_action kz_keymap_lookup(const kz_keymaps *km, kz_keymap_id id, kz_key key);
/* The action a key has in keymap id itself (no generic fallback). */
kz_action kz_keymap_lookup_own(const kz_keymaps *km, kz_keymap_id id, kz_key key);
/* The first key bound to action a in keymap id itself (0: none). */
kz_key kz_keymap_first_key(const kz_keymaps *km, kz_keymap_id id, kz_action a);
/* Appends the names of the keys bound to action in keymap id (", "
 * separated, generic ones included); returns how many. */
int kz_keymap_keys_for(const kz_keymaps *km, kz_keymap_id id, kz_action a, kz_buf *out);
/* "j", "<Up>", "<C-l>", ... for a key. */
void kz_key_name(kz_key k, char *out, size_t outlen);
/* Parses a key name; false when unknown. */
bool kz_key_parse(const char *s, kz_key *out);
kz_keymap_id kz_keymap_by_name(const char *name, bool *ok);

/* ---- views ---- */

#define KZ_UI_REDRAW 1u  /* repaint */
#define KZ_UI_RELOAD 2u  /* reload every view's data, then repaint */
#define KZ_UI_QUIT 4u    /* leave the board */
#define KZ_UI_POP 8u     /* close the top view */
#define KZ_UI_UNBOUND 16u /* the view did not handle the action */

typedef struct kz_tui kz_tui;
typedef struct kz_view kz_view;

typedef struct kz_rect {
    int y, x, h, w;
} kz_rect;

typedef struct kz_hint {
    kz_action action;
    const char *label; /* short: "help", "next stage" */
} kz_hint;

typedef struct kz_view_ops {
    const char *title;
    /* A title naming what the view shows now (may be NULL: use title). */
    const char *(*title_text)(kz_view *v);
    kz_keymap_id keymap;
    /* Loads data (from the store) for the current size and filters. */
    void (*reload)(kz_view *v, kz_tui *t);
    /* Draws inside area; nothing outside it. */
    void (*draw)(kz_view *v, kz_tui *t, kz_rect area);
    /* Performs an action; returns KZ_UI_* flags. */
    unsigned (*action)(kz_view *v, kz_tui *t, kz_action a);
    /* The lead the view is showing or has selected: id and the version it
     * read; false when none. */
    bool (*current)(kz_view *v, int64_t *id, int64_t *version);
    /* That lead as the view last read it (NULL: none, or no copy kept):
     * what a change starts from while the database cannot be reached, so
     * that its prompt opens and the change waits for `r` (leadops.c). */
    const kz_lead *(*seen)(kz_view *v);
    /* The key hint line: actions worth a reminder, each shown with the
     * first key bound to it now (so rebinding keeps the line true);
     * terminated by an entry with action KZ_ACT_NONE. */
    const struct kz_hint *hints;
    void (*destroy)(kz_view *v);
    /* Laid out in cells (the board, a lead, triage): drawn mirrored under
     * direction rtl. Views of running text (help, reports) stay as they are. */
    bool mirrors;
} kz_view_ops;

struct kz_view {
    const kz_view_ops *ops;
    void *priv; /* owned by the view; freed by destroy */
};

/* The board's filters, shared with the title line. */
typedef struct kz_filter {
    char search[256];
    char owner[64];  /* "" none */
    bool mine;       /* me + unassigned */
    char grade[64];  /* "" any */
    bool overdue;
    bool stale;      /* idle past the stage's limit */
    int sort;        /* kz_sort */
} kz_filter;

/* One undoable change of a lead: the lead as read just before it and just
 * after it (after's version is the one the change produced). */
typedef struct kz_undo {
    int64_t id;
    char what[96];  /* "move", "edit of title"... for messages (translated) */

    kz_lead before; /* owned */
    kz_lead after;  /* owned */
} kz_undo;
#define KZ_UNDO_MAX 32 /* changes undo can walk back through */

#define KZ_TUI_MAX_VIEWS 8

/* A range of event ids (lo, hi] written by one of this board's own saves. */
typedef struct kz_own_range {
    int64_t lo, hi;
} kz_own_range;
#define KZ_TUI_OWN_RANGES 32

/* Someone else's board with a lead open (lead_id 0: only the board). */
typedef struct kz_presence_mark {
    int64_t lead_id;
    char actor[KZ_USER_MAX];
} kz_presence_mark;

struct kz_tui {
    kz_session *s;          /* borrowed */
    const kz_tui_opts *opts; /* borrowed */
    kz_keymaps km;
    kz_theme theme;
    bool color;            /* colours in use (not NO_COLOR, terminal has them) */
    int rows, cols;
    kz_buf status;         /* owned */
    bool status_error;
    unsigned long said;    /* how many times the status line was set */
    kz_view *stack[KZ_TUI_MAX_VIEWS]; /* owned */
    int depth;
    kz_filter filter;
    kz_undo *undo;         /* owned: the board's undo stack (KZ_UNDO_MAX), nundo used */
    size_t nundo;
    int64_t select_id;     /* a lead the next reload selects (a new one), 0: none */
    int64_t told_id;       /* the lead whose new place the status line already tells */
    int64_t data_version;
    int today;
    bool too_small;
    bool rtl;              /* direction rtl: views drawn right to left */
    /* Drawn after the views on every repaint while a prompt is open. */
    void (*overlay)(kz_tui *t, void *ud);
    void *overlay_ud;
    /* Other people on the same database (tui.c). */
    int64_t seen_event;       /* the newest event already looked at for notices */
    /* the lead whose colleagues' changes up to this event the conflict
     * dialog has shown: not told again on the status line (0: none) */
    int64_t shown_lead, shown_event;
    unsigned long notice_said; /* `said` when the status line last told others' changes */
    size_t notice_changes;    /* how many changes that notice stands for */
    kz_own_range own[KZ_TUI_OWN_RANGES]; /* events this board wrote (not announced) */
    size_t nown, own_next;
    kz_presence_mark *present; /* owned: others' open leads, from the last refresh */
    size_t npresent;
    long long present_ms;     /* monotonic ms of that refresh (at most one a second) */
    bool present_due;         /* a refresh was put off to the next tick */
    int64_t presence_lead;    /* the lead announced (0: the board) */
    long long presence_beat;  /* monotonic second of the last announcement; 0: none */
    long long refreshed_ms;   /* monotonic ms of the last reload for others' changes */
    long long ticked_ms;      /* monotonic ms of the last tick's presence and rescoring */
    bool unreachable;         /* the database's server did not answer (KZ_EGONE) */
    const char *retry_what;   /* a change waiting for the retry key ("note"), or NULL */
    char retry_key[32];       /* that key's name */
    kz_buf retry_said;        /* owned: what the status line said of it */
    kz_buf paste;             /* owned: the last paste's text (KZ_KEY_PASTE) */
    bool paste_cut;           /* it was longer than kariz keeps (KZ_PASTE_MAX) */
};

/* The rectangle views draw in (between the title and the status line). */
kz_rect kz_tui_area(const kz_tui *t);

#define KZ_TUI_MIN_COLS 60
#define KZ_TUI_MIN_ROWS 15

/* Views. */
kz_view *kz_board_view_new(kz_tui *t);
kz_view *kz_detail_view_new(kz_tui *t, int64_t id);
/* The account of lead id's company (detail.c): its leads with stages,
 * owners and values, its people, open and weighted value, last touch. */
kz_view *kz_account_view_new(kz_tui *t, int64_t id);
kz_view *kz_help_view_new(kz_tui *t);
kz_view *kz_reports_view_new(kz_tui *t);
/* Asks for the outcome of a call, e-mail or meeting with the lead named
 * who (action a: log-call, log-email or log-meeting) in a choice box: sets
 * the activity kind, its outcome and the outcome's label; -1 when
 * cancelled (leadops.c). */
int kz_pick_outcome(kz_tui *t, kz_action a, const char *who, const char **kind,
                    const char **outcome, const char **label);
/* An activity kind the outcome box sets ("call", "email", "meeting") in
 * the user's language, for messages; any other kind as it is. */
const char *kz_activity_word(const char *kind);
/* The triage queue, one lead at a time (triage.c). */
kz_view *kz_triage_view_new(kz_tui *t);
void kz_tui_push(kz_tui *t, kz_view *v);

/* Turns the terminal's bracketed paste on or off (off while another
 * program, an editor, has the terminal). */
void kz_tui_paste_mode(bool on);

/* Whether the database answers. When its server cannot be reached (a
 * PostgreSQL server stopped or restarting, the network down) the views
 * keep what they read last, the status line says so once, and the tick
 * connects again by itself, then says so and reloads. */
bool kz_tui_reachable(kz_tui *t);

/* Status line. */
void kz_tui_message(kz_tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kz_tui_error(kz_tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Says that action a is refused on a read-only database, and why the
 * database is read-only when kariz was told (a role without the grants, a
 * file the user may not write). */
void kz_tui_refuse_readonly(kz_tui *t, kz_action a);

/* Drawing (screen.c): every string from data passes through text.h here. */
unsigned kz_role_attr(const kz_tui *t, kz_role r);
/* Draws s fitted into w columns at y,x (cut with an ellipsis, padded with
 * spaces when pad); returns the columns used. */
int kz_draw_text(kz_tui *t, int y, int x, int w, const char *s, kz_role role, bool pad);
int kz_draw_text_attr(int y, int x, int w, const char *s, unsigned attr, bool pad);
void kz_fill(int y, int x, int w, unsigned attr);
/* Draws s wrapped at spaces into w columns from y,x, at most height rows
 * (help.c); returns the rows it takes. */
size_t kz_tui_wrap_draw(kz_tui *t, const char *s, int y, int x, int w, int height,
                        kz_role role);
/* While a view draws right to left (direction rtl), where a cell of w
 * columns at x really starts (the view's span mirrored); x otherwise. The
 * drawing functions above do this themselves; curses calls in a view use it. */
int kz_mirror_x(int x, int w);
/* The sample toggle-bidi shows: "sales pipeline" in Persian, کاریز فروش. */
#define KZ_TUI_BIDI_SAMPLE "\xda\xa9\xd8\xa7\xd8\xb1\xdb\x8c\xd8\xb2 \xd9\x81\xd8\xb1\xd9\x88\xd8\xb4"

/* Re-reads everything and repaints (used by prompts while they wait). */
void kz_tui_repaint(kz_tui *t);
/* Reads one key, handling resize and the fatal-signal flag; returns false
 * when the board must stop (signal), or, for a prompt or dialog (poll_data
 * false), on Ctrl-C, which cancels it and leaves the board running. */
bool kz_tui_read_key(kz_tui *t, kz_key *key, bool poll_data);

/* True once a signal (SIGINT, SIGTERM, SIGHUP) asked the board to stop:
 * whatever is being edited is abandoned, nothing more is saved. */
bool kz_tui_stopping(void);

/* True when more keys are already waiting (typeahead); consumes none. */
bool kz_tui_input_pending(void);

/* Prompts (prompt.c). Each returns false when cancelled with Esc.
 * kz_prompt_line: edits a line in the status area; out receives it
 * (owned by the caller). on_change (may be NULL) is called after each
 * edit with the current text (filter as you type); while more keys are
 * already waiting it is held back until they are read, so fast typing on a
 * large database does not queue one reload per key. */
typedef void (*kz_prompt_change_fn)(kz_tui *t, const char *text, void *ud);
bool kz_prompt_line(kz_tui *t, const char *label, const char *initial, kz_buf *out,
                    kz_prompt_change_fn on_change, void *ud);
/* Asks for a line until check takes it: KZ_OK accepts it; KZ_EINVAL (err
 * saying what was wrong) asks again with what was typed ready to mend (not
 * selected: typing adds to it) and "...; mend it, or Esc to cancel" on the
 * status line; any other status gives up (check has said why). True when
 * accepted; false when given up or cancelled, and on a cancel after a
 * refusal the status line says `unchanged` (NULL: leaves it). */
typedef kz_status (*kz_prompt_check_fn)(kz_tui *t, kz_buf *line, void *ud, kz_err *err);
bool kz_prompt_until(kz_tui *t, const char *label, const char *initial, kz_buf *out,
                     kz_prompt_check_fn check, void *ud, const char *unchanged);

typedef struct kz_menu_item {
    kz_key key;        /* the key that picks it at once; 0 = none */
    const char *label; /* borrowed; passes through text.h */
} kz_menu_item;
/* A box of choices: up/down + Enter, or an item's key. Returns the index or
 * -1 when cancelled. */
int kz_prompt_menu(kz_tui *t, const char *title, const kz_menu_item *items, size_t n);

/* True when owner (from an assign prompt) is a known user (kz_user_known)
 * or the person confirms it in a yes/no box; false when they decline. */
bool kz_prompt_owner_ok(kz_tui *t, const char *owner);
/* A due day before today is almost always a typo: true when it is today or
 * later, or when the user says to set it anyway. */
bool kz_prompt_past_ok(kz_tui *t, int day);

/* The people around a deal (leadops.c): a menu to add a stakeholder (name,
 * role, title) or to change or remove one of the lead's, saved through the
 * pipeline with the lead version the view read. Returns KZ_UI_* flags. */
unsigned kz_stakeholder_edit(kz_tui *t, int64_t id, int64_t version);

/* Lead operations (leadops.c): run one pipeline call on the lead the top
 * view has selected, handle refusals (override prompt), conflicts (the
 * conflict dialog), read-only sessions, and set the status line, which
 * names the lead acted on. Return KZ_UI_* flags. */
unsigned kz_leadop(kz_tui *t, kz_action a, int64_t id, int64_t version, const char *stage_hint);

/* The one implementation of saving a change, shared by the board, the
 * detail view and triage: a change is described before it runs, so that
 * when someone else changed the same field first (KZ_ECONFLICT) the
 * conflict dialog shows what changed (field, their value, yours, who) and
 * offers to drop the change or re-apply it, and when another program holds
 * the write lock (KZ_EBUSY) the user may retry. */
typedef enum kz_change_kind {
    KZ_CH_SET, KZ_CH_FOLLOWUP, KZ_CH_ASSIGN, KZ_CH_MOVE, KZ_CH_WON, KZ_CH_LOST, KZ_CH_LOG,
    KZ_CH_ADD, KZ_CH_RESTORE
} kz_change_kind;

typedef struct kz_change {
    kz_change_kind kind;
    int64_t id, version;     /* the lead and the version the user read */
    const char *what;        /* "edit", "move"... for messages */
    const char *field;       /* the field it sets, for the conflict dialog */
    const char *mine;        /* the value it sets, shown as "yours" */
    const char *assign;      /* SET: "field=value" */
    int day;                 /* FOLLOWUP */
    const char *step;        /* FOLLOWUP (may be NULL) */
    const char *owner;       /* ASSIGN (NULL: unassigned) */
    const char *stage;       /* MOVE */
    const char *reason;      /* MOVE, WON: override reason (may be NULL); LOST: reason */
    const char *log_kind, *outcome, *note; /* LOG */
    int64_t with;            /* LOG: the stakeholder it was with (0: nobody) */
    kz_lead *lead;           /* ADD */
    kz_undo *undo;           /* RESTORE */
    kz_lead *before;         /* (may be NULL) set to the lead as it was just before
                                the save landed: what undo puts back */
    bool pass_refusal;       /* return KZ_EREFUSED to the caller (override prompt) */
    bool pass_invalid;       /* return a malformed value (KZ_EINVAL) to the caller, to
                                mend it: p->err says what was wrong */
    bool reapplied;          /* saved over someone else's change, on request */
    kz_err err;              /* the last failure */
} kz_change;
/* Runs c until it is saved or the user gives up; true when saved. On
 * failure the status line says why (except a refusal passed back). All
 * strings in c are borrowed. */
bool kz_change_save(kz_tui *t, kz_change *c);
/* " (re-applied over the other change)" after a re-applied save, else "". */
const char *kz_change_reapplied(const kz_change *c);
/* Moves lead id (read at version) to `stage`, or won when `won`; when the
 * stage's entry criteria refuse, asks for an override reason and retries.
 * True when saved; *cancelled when the user declined the override;
 * *again when re-applied over someone else's change; before as in kz_change. */
bool kz_lead_move(kz_tui *t, int64_t id, int64_t version, const char *stage, bool won,
                  kz_lead *before, bool *cancelled, bool *again);
/* Asks why a deal is lost (the rules' reasons) in a choice box titled
 * title; the reason, or NULL when cancelled or the rules define none (the
 * status line says which). */
const char *kz_pick_lost_reason(kz_tui *t, const char *title);
/* The lead's name for the status line, sanitised ("lead N" without one). */
void kz_lead_label(const kz_lead *l, kz_buf *out);
/* Appends a logged touch as the detail view and triage list it: "call,
 * answered with Dana Boss by ana" (who it was with, and who logged it,
 * when known). */
void kz_touch_label(const kz_activity *a, kz_buf *out);

/* Undo. kz_undo_capture records a change just saved on lead id (before:
 * the lead as read before it) into u; false when the lead cannot be read.
 * kz_undo_apply puts back what the change set, through kz_change_save (a
 * colleague's change to the same fields since is a conflict shown in the
 * dialog, never overwritten silently); true when done, false with
 * *dropped set when the user dropped it in that dialog. The board keeps a
 * stack of them (kz_undo_push, kz_undo_pop; kz_undo_stack_free at exit). */
bool kz_undo_capture(kz_tui *t, kz_undo *u, int64_t id, const kz_lead *before,
                     const char *what);
bool kz_undo_apply(kz_tui *t, kz_undo *u, bool *dropped);
void kz_undo_free(kz_undo *u);
void kz_undo_stack_free(kz_tui *t);
/* Whether an action changes data (refused in a read-only session). */
bool kz_action_edits(kz_action a);

/* Own changes: call kz_tui_own_begin just before a pipeline call and
 * kz_tui_own_end right after it, so the events it wrote are not announced
 * to this board as somebody else's. */
int64_t kz_tui_own_begin(kz_tui *t);
void kz_tui_own_end(kz_tui *t, int64_t mark);
/* The other people who have lead_id open, as of the last refresh: fills
 * names (borrowed from t, valid until the next refresh), returns how many
 * (at most cap, deduplicated). */
size_t kz_tui_present(const kz_tui *t, int64_t lead_id, const char **names, size_t cap);

/* The currency a lead's amounts are shown in: its own (the currency field)
 * when set, else the rules' (l NULL: the rules'). Borrowed. */
const char *kz_tui_currency(const kz_tui *t, const kz_lead *l);
/* One rule's part of a lead's score as people read it, appended to out:
 * its points and label, how often it counted, and the value that matched,
 * an amount through the money formatter; numbers in the digits in force.
 * For the detail view and triage. */
void kz_tui_score_hit(const kz_tui *t, const kz_lead *l, const kz_score_hit *h, kz_buf *out);

#endif
