/* account.h - companies as accounts: the leads at one company, whoever owns
 * them, with the people around their deals.
 *
 * Leads belong to one account when their companies have the same key
 * (kz_company_key: "Acme Ltd." and "ACME, Inc" are both "acme"), when the
 * team said two keys are one company (kz_store_company_alias: "Acme
 * Group" is "acme"), or when their e-mail addresses share a company domain
 * (not a free mail provider's) with a lead of the account. */
#ifndef KARIZ_ACCOUNT_H
#define KARIZ_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/buf.h"
#include "kariz/model.h"
#include "kariz/rules.h"
#include "kariz/status.h"
#include "kariz/store.h"

/* A company name's key, appended to out: case-folded, punctuation dropped,
 * words joined by one space, legal forms at the end (ltd, inc, llc, gmbh,
 * plc, corp, co, sa, ag, bv, ..., and "&" before them) dropped, keeping at
 * least one word. Empty when nothing is left. */
void kz_company_key(const char *company, kz_buf *out);
/* The domain of an e-mail address in lower case, appended to out; false
 * (nothing appended) when there is none or it is a free mail provider's
 * (gmail.com, outlook.com, ...), which says nothing about the company. */
bool kz_email_company_domain(const char *email, kz_buf *out);

typedef struct kz_account {
    char *name;              /* owned: the company as most of its leads spell it */
    char *key;               /* owned: its key */
    kz_lead *leads;          /* owned, nleads; oldest first */
    size_t nleads;
    kz_stakeholder_list people; /* owned: everyone on its leads */
    size_t nopen;            /* open leads */
    int64_t open_value;      /* their value, minor units */
    int64_t weighted;        /* their weighted value (stage or own probability) */
    int64_t last_touch;      /* the latest touch on any of its leads (0: none) */
    char last_by[KZ_USER_MAX]; /* who made it ("" when unknown) */
} kz_account;

/* The account of a company name (or of the company of lead `id` when name
 * is a number). KZ_ENOTFOUND when no lead is at that company. */
kz_status kz_account_load(kz_store *st, const kz_rules *r, const char *name, kz_account *out,
                          kz_err *err);
void kz_account_free(kz_account *a);

/* Whether the company of `lead` (its company, or its e-mail's domain) is
 * already worked by someone other than `owner` (the lead's owner, or who
 * adds it): appends "Acme Ltd: 2 open leads owned by bob" (several owners:
 * "..., 1 by carol") to out and returns true. The lead itself (its id, when
 * set) and the leads of its own import run are not counted. */
bool kz_account_worked_by_others(kz_store *st, const kz_rules *r, const kz_lead *lead,
                                 const char *owner, kz_buf *out);

/* After an import: for each company among the leads import_id brought in
 * (each once), the kz_account_worked_by_others line for it, owner being
 * the lead's owner or else actor; leads of the same import are not counted.
 * Appends each line with a newline; returns how many. */
size_t kz_account_import_notices(kz_store *st, const kz_rules *r, int64_t import_id,
                                 const char *actor, kz_buf *out);

#endif
