/* labels.h - what people read instead of kariz's internal names: field
 * names, lost reasons, statuses, activity kinds and outcomes, event kinds
 * and stage names become words ("no budget", "call, no answer", "moved",
 * "Prospect"), for the board, the detail view, triage and the CLI's text
 * output. Machine forms (JSON, CSV, `kariz set` arguments) keep the names.
 * Pure: no I/O. The text written is data: callers sanitise it for the
 * terminal as any other. */
#ifndef KARIZ_LABELS_H
#define KARIZ_LABELS_H

#include "kariz/buf.h"
#include "kariz/model.h"
#include "kariz/rules.h"

/* A key as words: "no_budget" -> "no budget", "next_due" -> "next due".
 * Appends to out. */
void kz_label_key(const char *key, kz_buf *out);

/* A qualification criterion as a word of the user's language: pain ->
 * "pain", or "درد" in Persian. Static. */
const char *kz_label_criterion(kz_criterion c);

/* A field's value as people read it: a stage (stage, lost_from) by its
 * label from the rules, a stakeholder's role ("role") by its rules label, a lost reason or status as words, an amount in
 * full with the rules' currency; anything else as stored. value NULL or
 * empty: "(none)". Appends to out. */
void kz_label_value(const kz_rules *r, const char *field, const char *value, kz_buf *out);

/* An activity: "call, no answer", "meeting, held", "note". Appends. */
void kz_label_activity(const char *kind, const char *outcome, kz_buf *out);

/* An event kind as a verb or noun: create -> "created", field ->
 * "changed", stage -> "moved", owner -> "assigned", ...; unknown kinds as
 * words. Static. */
const char *kz_label_event_kind(const char *kind);

/* What an event changed, without who and when: "value: 12,500 -> 45,000",
 * "Lead -> Lost", "lost reason: (none) -> no budget", "created: Ava Smith
 * (Lead)", "added Mia Khan (champion)", "Mia Khan: role: influencer ->
 * champion". Appends to out. */
void kz_label_event(const kz_rules *r, const kz_event *e, kz_buf *out);

/* Whether what a person typed names the internal name id: the id itself,
 * or the words kariz shows for it: its key in words in the message
 * language (kz_label_key: "no answer", "بدون پاسخ") or label (a stage's or
 * a lost reason's label; may be NULL). Compared case-insensitively, with
 * spaces for underscores, surrounding spaces ignored. */
bool kz_label_matches(const char *typed, const char *id, const char *label);

/* The one shared reading of a typed id, by kz_label_matches: the stage's
 * name, the rules' lost reason or status, the activity kind or outcome
 * that typed names; NULL when none does. An exact id wins over a label. */
const char *kz_label_find_stage(const kz_rules *r, const char *typed);
const char *kz_label_find_lost_reason(const kz_rules *r, const char *typed);
const char *kz_label_find_status(const kz_rules *r, const char *typed);
const char *kz_label_find_kind(const char *typed);
const char *kz_label_find_outcome(const char *typed);

#endif
