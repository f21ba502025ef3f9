/* import_words.c - what the words in another CRM's export mean here: the
 * stage and status words each CRM ships with (a built-in table the rules'
 * stage_map: extends and overrides), and the people named as owners and
 * authors (display names and e-mails matched to the team's accounts).
 *
 * Words are compared folded (kz_import_fold: case, spaces and punctuation
 * set aside, Arabic letter forms read as Persian ones), so "Closed Won",
 * "closedwon" and "CLOSED_WON" are one word.
 *
 * Memory: the table is static; a kz_owner_match owns its copy of the
 * account database, read once when it is made. */
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/i18n.h"
#include "kariz/import.h"
#include "kariz/text.h"

void kz_import_fold(const char *s, char *out, size_t outlen)
{
    char persian[512];
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o + 3 < sizeof persian) {
        if (p[0] == 0xD9 && (p[1] == 0x8A || p[1] == 0x89)) { /* ي ى -> ی */
            persian[o++] = (char)0xDB;
            persian[o++] = (char)0x8C;
            p += 2;
        } else if (p[0] == 0xD9 && p[1] == 0x83) { /* ك -> ک */
            persian[o++] = (char)0xDA;
            persian[o++] = (char)0xA9;
            p += 2;
        } else {
            persian[o++] = (char)*p++;
        }
    }
    persian[o] = '\0';
    kz_fold_key(persian, out, outlen);
}

/* stage: kariz's stock stage ("won" and "lost" stand for the rules' won and
 * lost stages, whatever their names); status: a stock lifecycle status. */
typedef struct stock_word {
    const char *word;
    const char *stage, *status, *lost_reason;
    const char *crm;
} stock_word;

static const stock_word stock[] = {
    /* HubSpot: lifecycle stages (contacts), lead statuses, the default
     * sales pipeline's deal stages (label and internal value) */
    {"subscriber", "lead", "subscriber", NULL, "HubSpot"},
    {"lead", "lead", "lead", NULL, "HubSpot"},
    {"marketingqualifiedlead", "lead", "qualified", NULL, "HubSpot"},
    {"Marketing Qualified Lead", "lead", "qualified", NULL, "HubSpot"},
    {"salesqualifiedlead", "prospect", "qualified", NULL, "HubSpot"},
    {"Sales Qualified Lead", "prospect", "qualified", NULL, "HubSpot"},
    {"opportunity", "opportunity", "opportunity", NULL, "HubSpot"},
    {"customer", "won", "customer", NULL, "HubSpot"},
    {"evangelist", "won", "evangelist", NULL, "HubSpot"},
    {"NEW", NULL, "lead", NULL, "HubSpot"},
    {"OPEN", NULL, "lead", NULL, "HubSpot"},
    {"IN_PROGRESS", NULL, "qualified", NULL, "HubSpot"},
    {"OPEN_DEAL", "opportunity", "opportunity", NULL, "HubSpot"},
    {"UNQUALIFIED", NULL, "unqualified", NULL, "HubSpot"},
    {"ATTEMPTED_TO_CONTACT", NULL, "unresponsive", NULL, "HubSpot"},
    {"CONNECTED", NULL, "qualified", NULL, "HubSpot"},
    {"BAD_TIMING", NULL, "call_back_later", NULL, "HubSpot"},
    {"appointmentscheduled", "prospect", NULL, NULL, "HubSpot"},
    {"qualifiedtobuy", "prospect", "qualified", NULL, "HubSpot"},
    {"presentationscheduled", "opportunity", NULL, NULL, "HubSpot"},
    {"decisionmakerboughtin", "opportunity", NULL, NULL, "HubSpot"},
    {"contractsent", "opportunity", NULL, NULL, "HubSpot"},
    {"closedwon", "won", "customer", NULL, "HubSpot, Salesforce, Zoho"},
    {"closedlost", "lost", "lost_opportunity", "other", "HubSpot, Salesforce, Zoho"},
    /* Salesforce: lead statuses and opportunity stages */
    {"Open - Not Contacted", "lead", "lead", NULL, "Salesforce"},
    {"Working - Contacted", "lead", "qualified", NULL, "Salesforce"},
    {"Closed - Converted", "prospect", "qualified", NULL, "Salesforce"},
    {"Closed - Not Converted", "lost", "unqualified", "other", "Salesforce"},
    {"Prospecting", "prospect", NULL, NULL, "Salesforce"},
    {"Qualification", "prospect", "qualified", NULL, "Salesforce, Zoho"},
    {"Needs Analysis", "opportunity", NULL, NULL, "Salesforce, Zoho"},
    {"Value Proposition", "opportunity", NULL, NULL, "Salesforce, Zoho"},
    {"Id. Decision Makers", "opportunity", NULL, NULL, "Salesforce, Zoho"},
    {"Identify Decision Makers", "opportunity", NULL, NULL, "Zoho"},
    {"Perception Analysis", "opportunity", NULL, NULL, "Salesforce"},
    {"Proposal/Price Quote", "opportunity", NULL, NULL, "Salesforce, Zoho"},
    {"Negotiation/Review", "opportunity", NULL, NULL, "Salesforce, Zoho"},
    {"Negotiation", "opportunity", NULL, NULL, "Salesforce, Zoho"},
    /* Pipedrive: the default pipeline's stages and a deal's status */
    {"Lead In", "lead", NULL, NULL, "Pipedrive"},
    {"Contact Made", "prospect", NULL, NULL, "Pipedrive"},
    {"Qualified", "prospect", "qualified", NULL, "Pipedrive, Odoo"},
    {"Needs Defined", "opportunity", NULL, NULL, "Pipedrive"},
    {"Demo Scheduled", "opportunity", NULL, NULL, "Pipedrive"},
    {"Proposal Made", "opportunity", NULL, NULL, "Pipedrive"},
    {"Negotiations Started", "opportunity", NULL, NULL, "Pipedrive"},
    {"won", "won", "customer", NULL, "Pipedrive, Odoo"},
    {"lost", "lost", "lost_opportunity", "other", "Pipedrive"},
    /* Zoho: lead statuses, and the deal stage kept apart from Closed Lost */
    {"Not Contacted", "lead", "lead", NULL, "Zoho"},
    {"Attempted to Contact", "lead", "unresponsive", NULL, "Zoho"},
    {"Contact in Future", "lead", "call_back_later", NULL, "Zoho"},
    {"Contacted", "lead", "qualified", NULL, "Zoho"},
    {"Pre-Qualified", "prospect", "qualified", NULL, "Zoho"},
    {"Not Qualified", "lost", "unqualified", "other", "Zoho"},
    {"Junk Lead", "lost", "unqualified", "other", "Zoho"},
    {"Lost Lead", "lost", "lost_opportunity", "other", "Zoho"},
    {"Closed Lost to Competition", "lost", "lost_opportunity", "competitor", "Zoho"},
    /* Odoo: the CRM app's default stages */
    {"New", "lead", "lead", NULL, "Odoo"},
    {"Proposition", "opportunity", NULL, NULL, "Odoo"},
    /* Persian CRMs (the words the Iranian vendors use) */
    {"\xd8\xb3\xd8\xb1\xd9\x86\xd8\xae", "lead", "lead", NULL, "Persian"}, /* سرنخ */
    {"\xd8\xac\xd8\xaf\xdb\x8c\xd8\xaf", "lead", "lead", NULL, "Persian"}, /* جدید */
    {"\xd9\x85\xd8\xb4\xd8\xaa\xd8\xb1\xdb\x8c \xd8\xa8\xd8\xa7\xd9\x84\xd9\x82\xd9\x88\xd9\x87",
     "prospect", NULL, NULL, "Persian"}, /* مشتری بالقوه */
    {"\xd9\x88\xd8\xa7\xd8\xac\xd8\xaf \xd8\xb4\xd8\xb1\xd8\xa7\xdb\x8c\xd8\xb7", "prospect",
     "qualified", NULL, "Persian"}, /* واجد شرایط */
    {"\xd9\x81\xd8\xb1\xd8\xb5\xd8\xaa \xd9\x81\xd8\xb1\xd9\x88\xd8\xb4", "opportunity",
     "opportunity", NULL, "Persian"}, /* فرصت فروش */
    {"\xd9\x85\xd8\xb0\xd8\xa7\xda\xa9\xd8\xb1\xd9\x87", "opportunity", NULL, NULL,
     "Persian"}, /* مذاکره */
    {"\xd8\xa8\xd8\xb1\xd9\x86\xd8\xaf\xd9\x87", "won", "customer", NULL, "Persian"}, /* برنده */
    {"\xd9\x85\xd9\x88\xd9\x81\xd9\x82", "won", "customer", NULL, "Persian"}, /* موفق */
    {"\xd8\xae\xd8\xb1\xdb\x8c\xd8\xaf\xd8\xa7\xd8\xb1", "won", "customer", NULL,
     "Persian"}, /* خریدار */
    {"\xd8\xa8\xd8\xa7\xd8\xb2\xd9\x86\xd8\xaf\xd9\x87", "lost", "lost_opportunity", "other",
     "Persian"}, /* بازنده */
    {"\xd9\x86\xd8\xa7\xd9\x85\xd9\x88\xd9\x81\xd9\x82", "lost", "lost_opportunity", "other",
     "Persian"}, /* ناموفق */
    {"\xd9\x81\xd8\xb1\xd8\xb5\xd8\xaa \xd8\xa7\xd8\xb2 \xd8\xaf\xd8\xb3\xd8\xaa \xd8\xb1\xd9\x81"
     "\xd8\xaa\xd9\x87",
     "lost", "lost_opportunity", "other", "Persian"}, /* فرصت از دست رفته */
};

#define NSTOCK (sizeof stock / sizeof stock[0])

/* The table's words folded, once (a row's word is compared with each). */
static char stock_keys[NSTOCK][64];
static pthread_once_t stock_once = PTHREAD_ONCE_INIT;

static void fold_stock(void)
{
    for (size_t i = 0; i < NSTOCK; i++)
        kz_import_fold(stock[i].word, stock_keys[i], sizeof stock_keys[i]);
}

static const char *stock_stage(const kz_rules *r, const char *name)
{
    if (!name)
        return NULL;
    const kz_stage *st = strcmp(name, "won") == 0    ? kz_rules_won_stage(r)
                         : strcmp(name, "lost") == 0 ? kz_rules_lost_stage(r)
                                                     : kz_rules_stage(r, name);
    return st ? st->name : NULL;
}

static bool has_status(const kz_rules *r, const char *s)
{
    for (size_t i = 0; s && i < kz_rules_status_count(r); i++)
        if (strcmp(kz_rules_status(r, i), s) == 0)
            return true;
    return false;
}

static bool has_reason(const kz_rules *r, const char *s)
{
    for (size_t i = 0; s && i < kz_rules_lost_reason_count(r); i++)
        if (strcmp(kz_rules_lost_reason(r, i), s) == 0)
            return true;
    return false;
}

bool kz_import_word(const kz_rules *r, const char *word, kz_word_meaning *out)
{
    memset(out, 0, sizeof *out);
    if (kz_rules_stage_word(r, word, &out->stage, &out->status, &out->lost_reason)) {
        out->from = N_("the rules' stage_map");
        return true;
    }
    char key[256];
    kz_import_fold(word, key, sizeof key);
    if (!key[0])
        return false;
    pthread_once(&stock_once, fold_stock);
    for (size_t i = 0; i < NSTOCK; i++) {
        if (strcmp(key, stock_keys[i]) != 0)
            continue;
        /* a pipeline without the stock stage or status: that part is unknown */
        out->stage = stock_stage(r, stock[i].stage);
        out->status = has_status(r, stock[i].status) ? stock[i].status : NULL;
        out->lost_reason = has_reason(r, stock[i].lost_reason) ? stock[i].lost_reason : NULL;
        out->from = stock[i].crm;
        return out->stage || out->status;
    }
    return false;
}

/* ---- people ---- */

typedef struct account {
    char *login;
    char folded_login[96];
    char folded_name[160]; /* GECOS full name (up to the first comma) */
} account;

struct kz_owner_match {
    const kz_rules *rules;
    account *v;
    size_t n;
    bool listed; /* v: the database's users, not the local accounts */
};

/* One account: its login, and its full name from the account database
 * (pw: NULL when no local account has that name). */
static void account_add(kz_owner_match *m, size_t *cap, const char *login, const struct passwd *pw)
{
    if (m->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        m->v = kz_xrealloc(m->v, *cap * sizeof *m->v);
    }
    account *a = &m->v[m->n++];
    a->login = kz_xstrdup(login);
    kz_fold_key(login, a->folded_login, sizeof a->folded_login);
    char full[160];
    const char *g = pw && pw->pw_gecos ? pw->pw_gecos : "";
    size_t len = strcspn(g, ",");
    snprintf(full, sizeof full, "%.*s", (int)(len < sizeof full ? len : sizeof full - 1), g);
    kz_fold_key(full, a->folded_name, sizeof a->folded_name);
}

const char kz_owner_kept_why[] = N_("no user here has that name");

kz_owner_match *kz_owner_match_new(const kz_rules *rules, char *const *users, size_t nusers,
                                   bool listed)
{
    kz_owner_match *m = kz_xcalloc(1, sizeof *m);
    m->rules = rules;
    m->listed = listed;
    size_t cap = 0;
    if (listed) {
        /* the database's users (PostgreSQL's roles): a local account of
         * the same name lends its full name */
        for (size_t i = 0; i < nusers; i++)
            account_add(m, &cap, users[i], getpwnam(users[i]));
        return m;
    }
    setpwent();
    struct passwd *pw;
    while ((pw = getpwent()) != NULL)
        account_add(m, &cap, pw->pw_name, pw);
    endpwent();
    return m;
}

void kz_owner_match_free(kz_owner_match *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].login);
    free(m->v);
    free(m);
}

/* A Unix account name as kariz stores owners: lower-case letters, digits,
 * _ - and ., at most 32 bytes. */
static bool account_shaped(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= KZ_USER_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.'))
            return false;
    }
    return true;
}

const char *kz_owner_match_find(kz_owner_match *m, const char *value, const char **why)
{
    const char *acc = kz_rules_owner_alias(m->rules, value);
    if (acc) {
        *why = N_("the rules' owners map");
        return acc;
    }
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].login, value) == 0) {
            *why = N_("account name");
            return m->v[i].login;
        }
    char key[256];
    kz_import_fold(value, key, sizeof key);
    if (key[0]) {
        const account *hit = NULL;
        int hits = 0;
        for (size_t i = 0; i < m->n; i++)
            if (strcmp(m->v[i].folded_name, key) == 0 ||
                strcmp(m->v[i].folded_login, key) == 0) {
                if (!hit || strcmp(hit->login, m->v[i].login) != 0)
                    hits++;
                hit = &m->v[i];
            }
        if (hits == 1) {
            *why = strcmp(hit->folded_login, key) == 0 ? N_("account name") : N_("full name");
            return hit->login;
        }
    }
    /* an account name from a file written for kariz: kept as it is (the
     * summary lists it: kz_owner_kept_why) */
    if (account_shaped(value)) {
        *why = kz_owner_kept_why;
        return value;
    }
    *why = NULL;
    return NULL;
}

/* ---- activities ---- */

typedef struct word_to {
    const char *word;
    const char *to;
} word_to;

static const word_to kinds[] = {
    {"call", "call"}, {"calls", "call"}, {"phone", "call"}, {"phonecall", "call"},
    {"logacall", "call"}, {"outboundcall", "call"}, {"inboundcall", "call"},
    {"email", "email"}, {"emails", "email"}, {"mail", "email"}, {"emailsent", "email"},
    {"incomingemail", "email"}, {"forwardedemail", "email"},
    {"meeting", "meeting"}, {"meetings", "meeting"}, {"demo", "meeting"}, {"lunch", "meeting"},
    {"event", "meeting"}, {"visit", "meeting"},
    {"sms", "sms"}, {"text", "sms"}, {"textmessage", "sms"}, {"whatsapp", "chat"},
    {"chat", "chat"}, {"linkedinmessage", "chat"}, {"note", "note"}, {"notes", "note"},
    {"webform", "form"}, {"formsubmission", "form"}, {"pageview", "web"},
    {"\xd8\xaa\xd9\x85\xd8\xa7\xd8\xb3", "call"},                         /* تماس */
    {"\xd8\xaa\xd9\x85\xd8\xa7\xd8\xb3\xd8\xaa\xd9\x84\xd9\x81\xd9\x86\xdb\x8c", "call"}, /* تماس تلفنی */
    {"\xd8\xac\xd9\x84\xd8\xb3\xd9\x87", "meeting"},                      /* جلسه */
    {"\xd8\xa7\xdb\x8c\xd9\x85\xdb\x8c\xd9\x84", "email"},                /* ایمیل */
    {"\xd9\xbe\xdb\x8c\xd8\xa7\xd9\x85\xda\xa9", "sms"},                  /* پیامک */
    {"\xdb\x8c\xd8\xa7\xd8\xaf\xd8\xaf\xd8\xa7\xd8\xb4\xd8\xaa", "note"}, /* یادداشت */
};

static const word_to outcomes[] = {
    {"connected", "answered"}, {"answered", "answered"}, {"reached", "answered"},
    {"noanswer", "no_answer"}, {"busy", "no_answer"}, {"notreached", "no_answer"},
    {"leftvoicemail", "voicemail"}, {"voicemail", "voicemail"}, {"leftlivemessage", "voicemail"},
    {"leftmessage", "voicemail"}, {"callbacklater", "call_back"}, {"callback", "call_back"},
    {"notinterested", "not_interested"}, {"sent", "sent"}, {"replied", "replied"},
    {"opened", "opened"}, {"clicked", "clicked"}, {"bounced", "bounced"},
    {"held", "held"}, {"completed", "held"}, {"noshow", "no_show"}, {"canceled", "no_show"},
    {"cancelled", "no_show"}, {"interested", "requested_info"},
    {"\xd9\xbe\xd8\xa7\xd8\xb3\xd8\xae\xd8\xaf\xd8\xa7\xd8\xaf", "answered"}, /* پاسخ داد */
    {"\xd9\xbe\xd8\xa7\xd8\xb3\xd8\xae\xd9\x86\xd8\xaf\xd8\xa7\xd8\xaf", "no_answer"}, /* پاسخ نداد */
};

static const char *const not_done[] = {"0",          "no",         "false",    "todo",
                                       "notstarted", "open",       "inprogress", "deferred",
                                       "waitingonsomeoneelse", "scheduled", "planned",
                                       "\xd8\xa7\xd9\x86\xd8\xac\xd8\xa7\xd9\x85\xd9\x86"
                                       "\xd8\xb4\xd8\xaf\xd9\x87"}; /* انجام نشده */

static const char *word_lookup(const word_to *v, size_t n, const char *word)
{
    char key[128];
    kz_import_fold(word, key, sizeof key);
    for (size_t i = 0; key[0] && i < n; i++)
        if (strcmp(v[i].word, key) == 0)
            return v[i].to;
    return NULL;
}

const char *kz_import_activity_kind(const char *word)
{
    return word_lookup(kinds, sizeof kinds / sizeof kinds[0], word);
}

const char *kz_import_activity_outcome(const char *word)
{
    return word_lookup(outcomes, sizeof outcomes / sizeof outcomes[0], word);
}

bool kz_import_activity_done(const char *word)
{
    char key[128];
    kz_import_fold(word, key, sizeof key);
    for (size_t i = 0; i < sizeof not_done / sizeof not_done[0]; i++)
        if (strcmp(not_done[i], key) == 0)
            return false;
    return true;
}
