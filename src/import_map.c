/* import_map.c - which lead field each column of another CRM's export (or
 * each key of an intake line) fills, and turning a row into a lead.
 *
 * Header cells are compared folded (kz_import_fold: lower case, spaces and
 * punctuation dropped), so "Company Name", "company_name" and "COMPANY-NAME"
 * are one name. When several columns claim one field, the strongest claim
 * wins (an explicit --map, then the field's own name, then its usual
 * aliases, then weaker ones such as "Lead Status" next to "Lifecycle
 * Stage"), ties going to the leftmost column; the others are kept as custom
 * fields.
 *
 * Memory: a kz_import_map owns its column array and header copies. */
#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/import.h"
#include "kariz/text.h"

#define RECORD_ID "record_id"
#define REJECT_COLUMN "kariz_reject_reason"

typedef struct alias {
    const char *key; /* folded */
    kz_map_kind kind;
    int field;       /* kz_field, or -1 for the source's record id */
    int prio;        /* lower wins */
} alias;

#define F(k, f, p) {k, KZ_MAP_FIELD, KZ_F_##f, p}
static const alias aliases[] = {
    /* name and its parts */
    F("fullname", NAME, 1), F("personname", NAME, 1), F("contactname", NAME, 1),
    F("primarycontact", NAME, 2), F("contactfullname", NAME, 2),
    {"personfirstname", KZ_MAP_FIRST_NAME, -1, 1}, {"personlastname", KZ_MAP_LAST_NAME, -1, 1},
    F("leadname", NAME, 2), F("contact", NAME, 2), F("person", NAME, 2),
    {"firstname", KZ_MAP_FIRST_NAME, -1, 1}, {"givenname", KZ_MAP_FIRST_NAME, -1, 1},
    {"lastname", KZ_MAP_LAST_NAME, -1, 1},   {"surname", KZ_MAP_LAST_NAME, -1, 1},
    {"familyname", KZ_MAP_LAST_NAME, -1, 1},
    /* contact details */
    F("emailaddress", EMAIL, 1), F("personemail", EMAIL, 1), F("primaryemail", EMAIL, 1),
    F("workemail", EMAIL, 2), F("email1", EMAIL, 2), F("mail", EMAIL, 2),
    F("emailfrom", EMAIL, 1), F("personemailwork", EMAIL, 2), F("contactemail", EMAIL, 1),
    F("personphonework", PHONE, 2), F("personphonemobile", PHONE, 2),
    F("phonenumber", PHONE, 1), F("personphone", PHONE, 1), F("telephone", PHONE, 1),
    F("workphone", PHONE, 2), F("mobile", PHONE, 2), F("mobilephone", PHONE, 2),
    F("mobilephonenumber", PHONE, 2), F("mobilenumber", PHONE, 2),
    /* the organisation */
    F("companyname", COMPANY, 1), F("organization", COMPANY, 1), F("organisation", COMPANY, 1),
    F("organizationname", COMPANY, 1), F("organisationname", COMPANY, 1),
    F("accountname", COMPANY, 1), F("account", COMPANY, 2), F("personorganization", COMPANY, 2),
    F("partnername", COMPANY, 1), F("associatedcompany", COMPANY, 2), F("companyaccount", COMPANY, 2),
    F("function", TITLE, 2), F("countryid", COUNTRY, 2), F("sourceid", SOURCE, 2),
    F("jobtitle", TITLE, 1), F("designation", TITLE, 1), F("jobposition", TITLE, 1),
    F("position", TITLE, 2), F("persontitle", TITLE, 2), F("role", TITLE, 3),
    F("organizationindustry", INDUSTRY, 2), F("sector", INDUSTRY, 2),
    F("numberofemployees", EMPLOYEES, 1), F("noofemployees", EMPLOYEES, 1),
    F("employeecount", EMPLOYEES, 1), F("companysize", EMPLOYEES, 2),
    F("organizationemployees", EMPLOYEES, 2), F("numemployees", EMPLOYEES, 1),
    F("annualrevenue", REVENUE, 1), F("companyrevenue", REVENUE, 2),
    F("countryregion", COUNTRY, 1), F("organizationcountry", COUNTRY, 2),
    F("personcountry", COUNTRY, 2), F("organizationcity", CITY, 2), F("town", CITY, 2),
    /* the deal */
    F("dealvalue", VALUE, 1), F("amount", VALUE, 1), F("expectedrevenue", VALUE, 2),
    F("dealamount", VALUE, 1), F("opportunityamount", VALUE, 1), F("dealsize", VALUE, 2),
    F("dealcurrency", CURRENCY, 1), F("currencycode", CURRENCY, 1),
    F("expectedclosedate", CLOSE_DATE, 1), F("dealexpectedclosedate", CLOSE_DATE, 1),
    F("expectedclosing", CLOSE_DATE, 1), F("closingdate", CLOSE_DATE, 1),
    F("dealclosedate", CLOSE_DATE, 2), F("dealprobability", PROBABILITY, 1),
    F("closedate", CLOSE_DATE, 1), F("datedeadline", CLOSE_DATE, 1), F("stageid", STAGE, 1),
    F("stagename", STAGE, 1), F("dealstatus", STATUS, 2), F("hsleadstatus", STATUS, 2),
    F("lossreason", LOST_REASON, 1), F("lostreasonid", LOST_REASON, 1),
    F("dealstage", STAGE, 1), F("pipelinestage", STAGE, 1), F("salesstage", STAGE, 1),
    F("lostreason", LOST_REASON, 1), F("deallostreason", LOST_REASON, 1),
    F("closedlostreason", LOST_REASON, 1),
    /* who owns it, where it came from, where it stands */
    F("contactowner", OWNER, 1), F("leadowner", OWNER, 1), F("salesperson", OWNER, 1),
    F("dealowner", OWNER, 1), F("ownername", OWNER, 2), F("assignedto", OWNER, 2),
    F("personowner", OWNER, 2), F("organizationowner", OWNER, 3),
    F("opportunityowner", OWNER, 1), F("hubspotownerid", OWNER, 2), F("userid", OWNER, 2),
    F("ownerid", OWNER, 2),
    F("originalsource", SOURCE, 1), F("leadsource", SOURCE, 1), F("personsource", SOURCE, 2),
    F("dealsource", SOURCE, 2), F("channel", SOURCE, 3), F("lifecyclestage", STATUS, 1),
    F("leadstatus", STATUS, 2), F("contactstatus", STATUS, 2),
    F("nextactivity", NEXT_STEP, 2), F("nextactivitydate", NEXT_DUE, 2),
    F("createdate", CREATED, 1), F("createddate", CREATED, 1), F("createdtime", CREATED, 1),
    F("createdon", CREATED, 1), F("dealcreated", CREATED, 2), F("personcreated", CREATED, 2),
    F("dateadded", CREATED, 2), F("personpersoncreated", CREATED, 2), F("dealdealcreated", CREATED, 2),
    /* the last call, e-mail, meeting or note logged in the other system */
    F("lastactivitydate", TOUCHED, 1), F("lastactivitytime", TOUCHED, 1),
    F("lastactivity", TOUCHED, 2), F("lastcontacted", TOUCHED, 2),
    F("hslastactivitydate", TOUCHED, 2), F("personlastactivitydate", TOUCHED, 2),
    F("deallastactivitydate", TOUCHED, 2),
    /* a deal's contact as HubSpot writes it: "Ava Smith (ava@acme.example)" */
    {"associatedcontact", KZ_MAP_CONTACT, -1, 1},
    /* Persian CRMs' labels (folded: spaces and the zero-width non-joiner go) */
    {"\xd9\x86\xd8\xa7\xd9\x85", KZ_MAP_FIRST_NAME, -1, 2}, /* نام */
    {"\xd9\x86\xd8\xa7\xd9\x85\xd8\xae\xd8\xa7\xd9\x86\xd9\x88\xd8\xa7\xd8\xaf\xda\xaf\xdb\x8c",
     KZ_MAP_LAST_NAME, -1, 1}, /* نام خانوادگی */
    F("\xd9\x86\xd8\xa7\xd9\x85\xd9\x88\xd9\x86\xd8\xa7\xd9\x85\xd8\xae\xd8\xa7\xd9\x86"
      "\xd9\x88\xd8\xa7\xd8\xaf\xda\xaf\xdb\x8c", NAME, 1), /* نام و نام خانوادگی */
    F("\xd8\xa7\xdb\x8c\xd9\x85\xdb\x8c\xd9\x84", EMAIL, 1), /* ایمیل */
    F("\xd9\xbe\xd8\xb3\xd8\xaa\xd8\xa7\xd9\x84\xda\xa9\xd8\xaa\xd8\xb1\xd9\x88\xd9\x86"
      "\xdb\x8c\xda\xa9", EMAIL, 1), /* پست الکترونیک */
    F("\xd8\xb4\xd8\xb1\xda\xa9\xd8\xaa", COMPANY, 1), /* شرکت */
    F("\xd9\x86\xd8\xa7\xd9\x85\xd8\xb4\xd8\xb1\xda\xa9\xd8\xaa", COMPANY, 1), /* نام شرکت */
    F("\xd8\xb3\xd8\xa7\xd8\xb2\xd9\x85\xd8\xa7\xd9\x86", COMPANY, 2), /* سازمان */
    F("\xd8\xaa\xd9\x84\xd9\x81\xd9\x86\xd9\x87\xd9\x85\xd8\xb1\xd8\xa7\xd9\x87", PHONE, 1), /* تلفن همراه */
    F("\xd9\x85\xd9\x88\xd8\xa8\xd8\xa7\xdb\x8c\xd9\x84", PHONE, 1), /* موبایل */
    F("\xd8\xaa\xd9\x84\xd9\x81\xd9\x86", PHONE, 2), /* تلفن */
    F("\xd8\xb3\xd9\x85\xd8\xaa", TITLE, 1), /* سمت */
    F("\xd9\x85\xd8\xa7\xd9\x84\xda\xa9", OWNER, 1), /* مالک */
    F("\xda\xa9\xd8\xa7\xd8\xb1\xd8\xb4\xd9\x86\xd8\xa7\xd8\xb3\xd9\x81\xd8\xb1\xd9\x88"
      "\xd8\xb4", OWNER, 1), /* کارشناس فروش */
    F("\xd9\x85\xd8\xb1\xd8\xad\xd9\x84\xd9\x87", STAGE, 1), /* مرحله */
    F("\xd9\x88\xd8\xb6\xd8\xb9\xdb\x8c\xd8\xaa", STATUS, 1), /* وضعیت */
    F("\xd9\x85\xd9\x86\xd8\xa8\xd8\xb9", SOURCE, 1), /* منبع */
    F("\xd9\x85\xd8\xa8\xd9\x84\xd8\xba", VALUE, 1), /* مبلغ */
    F("\xd8\xb4\xd9\x87\xd8\xb1", CITY, 1), /* شهر */
    F("\xd8\xb5\xd9\x86\xd8\xb9\xd8\xaa", INDUSTRY, 1), /* صنعت */
    F("\xd8\xaa\xd8\xa7\xd8\xb1\xdb\x8c\xd8\xae\xd8\xa7\xdb\x8c\xd8\xac\xd8\xa7\xd8\xaf",
      CREATED, 1), /* تاریخ ایجاد */
    F("\xd8\xa2\xd8\xae\xd8\xb1\xdb\x8c\xd9\x86\xd9\x81\xd8\xb9\xd8\xa7\xd9\x84\xdb\x8c"
      "\xd8\xaa", TOUCHED, 1), /* آخرین فعالیت */
    {"\xd8\xb4\xd9\x86\xd8\xa7\xd8\xb3\xd9\x87", KZ_MAP_CUSTOM, -1, 1}, /* شناسه */
    /* the source CRM's own record id, kept as custom field record_id */
    {"recordid", KZ_MAP_CUSTOM, -1, 1}, {"leadid", KZ_MAP_CUSTOM, -1, 1},
    {"contactid", KZ_MAP_CUSTOM, -1, 1}, {"dealid", KZ_MAP_CUSTOM, -1, 2},
    {"personid", KZ_MAP_CUSTOM, -1, 2}, {"id", KZ_MAP_CUSTOM, -1, 3},
    {"hsobjectid", KZ_MAP_CUSTOM, -1, 1}, {"opportunityid", KZ_MAP_CUSTOM, -1, 1},
};

/* Columns of an activities or notes file (Pipedrive's "Activity - ...",
 * HubSpot's calls, tasks and notes, Salesforce's tasks, Persian labels). */
#define A(k, kind, p) {k, KZ_MAP_ACT_##kind, -1, p}
static const alias act_aliases[] = {
    A("activityduedate", AT, 1), A("activitydate", AT, 1), A("duedate", AT, 1),
    A("date", AT, 2), A("notedate", AT, 1), A("noteaddtime", AT, 1), A("addtime", AT, 2),
    A("createdate", AT, 3), A("createddate", AT, 3), A("activitymarkedasdonetime", AT, 2),
    A("timestamp", AT, 2), A("calldate", AT, 1), A("meetingstarttime", AT, 1),
    A("\xd8\xaa\xd8\xa7\xd8\xb1\xdb\x8c\xd8\xae", AT, 1), /* تاریخ */
    A("activityduetime", TIME, 1), A("duetime", TIME, 1), A("time", TIME, 2),
    A("activitytype", KIND, 1), A("type", KIND, 2), A("tasktype", KIND, 1),
    A("tasksubtype", KIND, 1), A("engagementtype", KIND, 1),
    A("\xd9\x86\xd9\x88\xd8\xb9", KIND, 1), /* نوع */
    A("activitysubject", SUBJECT, 1), A("subject", SUBJECT, 1), A("calltitle", SUBJECT, 1),
    A("tasktitle", SUBJECT, 1), A("meetingname", SUBJECT, 1), A("title", SUBJECT, 2),
    A("\xd9\x85\xd9\x88\xd8\xb6\xd9\x88\xd8\xb9", SUBJECT, 1), /* موضوع */
    A("activitynote", NOTE, 1), A("note", NOTE, 1), A("notes", NOTE, 1), A("callnotes", NOTE, 1),
    A("description", NOTE, 1), A("notebody", NOTE, 1), A("notecontent", NOTE, 1),
    A("body", NOTE, 2), A("content", NOTE, 2), A("comments", NOTE, 2), A("tasknotes", NOTE, 1),
    A("meetingdescription", NOTE, 1),
    A("\xdb\x8c\xd8\xa7\xd8\xaf\xd8\xaf\xd8\xa7\xd8\xb4\xd8\xaa", NOTE, 1), /* یادداشت */
    A("\xd8\xaa\xd9\x88\xd8\xb6\xdb\x8c\xd8\xad\xd8\xa7\xd8\xaa", NOTE, 1), /* توضیحات */
    A("calloutcome", OUTCOME, 1), A("outcome", OUTCOME, 1), A("calldisposition", OUTCOME, 1),
    A("callresult", OUTCOME, 1), A("meetingoutcome", OUTCOME, 1), A("result", OUTCOME, 2),
    A("\xd9\x86\xd8\xaa\xdb\x8c\xd8\xac\xd9\x87", OUTCOME, 1), /* نتیجه */
    A("activityassignedtouser", AUTHOR, 1), A("activityassignedto", AUTHOR, 1),
    A("assignedto", AUTHOR, 1), A("activityuser", AUTHOR, 1), A("noteuser", AUTHOR, 1),
    A("user", AUTHOR, 2), A("author", AUTHOR, 1), A("createdby", AUTHOR, 2),
    A("activityowner", AUTHOR, 1), A("owner", AUTHOR, 2), A("hubspotownerid", AUTHOR, 3),
    A("ownerid", AUTHOR, 3), A("activitycreatedby", AUTHOR, 2),
    A("\xda\xa9\xd8\xa7\xd8\xb1\xd8\xa8\xd8\xb1", AUTHOR, 1), /* کاربر */
    A("activitydone", DONE, 1), A("done", DONE, 1), A("status", DONE, 2), A("taskstatus", DONE, 1),
};
#undef A

/* Columns of an activities or notes file that say whose it is: the
 * person's own id in the source CRM (matched to the lead's record_id). */
static const char *const ref_ids[] = {"whoid", "personid", "contactid", "leadid", "parentid",
                                      "associatedcontactid", "associatedcontactids",
                                      "contactrecordid"};
#undef F

/* Read-only fields that an import keeps (history of the lead in the other
 * system); every other computed field is ignored. */
static bool ro_importable(int f)
{
    return f == KZ_F_CREATED || f == KZ_F_TOUCHED || f == KZ_F_STAGE_ENTERED;
}

/* Claim of one header on its own; prio 0 for a field's own name. */
static kz_map_col alias_lookup(const char *header, int *prio)
{
    kz_map_col c;
    memset(&c, 0, sizeof c);
    c.kind = KZ_MAP_CUSTOM;
    c.field = -1;
    *prio = 100;
    char key[128];
    kz_import_fold(header, key, sizeof key);
    if (strcmp(header, REJECT_COLUMN) == 0) {
        c.kind = KZ_MAP_IGNORE;
        c.why = _("reason of an earlier reject");
        *prio = 0;
        return c;
    }
    if (strncmp(header, "custom.", 7) == 0 && kz_custom_name_ok(header + 7)) {
        snprintf(c.custom, sizeof c.custom, "%s", header + 7); /* a kariz export */
        *prio = 0;
        return c;
    }
    for (int f = 0; f < KZ_F__COUNT; f++) {
        char fk[64];
        kz_fold_key(kz_field_get((kz_field)f)->name, fk, sizeof fk);
        if (strcmp(fk, key) != 0 || f == KZ_F_ID)
            continue;
        *prio = 0;
        if ((kz_field_get((kz_field)f)->flags & KZ_FF_RO) && !ro_importable(f)) {
            c.kind = KZ_MAP_IGNORE;
            c.why = _("computed by kariz");
            return c;
        }
        c.kind = KZ_MAP_FIELD;
        c.field = f;
        return c;
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(aliases[i].key, key) != 0)
            continue;
        c.kind = aliases[i].kind;
        c.field = aliases[i].field;
        if (c.kind == KZ_MAP_CUSTOM)
            snprintf(c.custom, sizeof c.custom, "%s", RECORD_ID);
        *prio = aliases[i].prio;
        return c;
    }
    return c;
}

kz_map_col kz_import_alias(const char *header)
{
    int prio;
    return alias_lookup(header, &prio);
}

void kz_import_custom_name(const char *header, size_t index, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    size_t o = 0;
    bool sep = false;
    size_t max = outlen - 1 < 64 ? outlen - 1 : 64;
    for (const unsigned char *p = (const unsigned char *)header; *p && o < max; p++) {
        /* camelCase word boundaries become "_": NumberOfEmployees -> number_of_employees */
        bool upper = *p >= 'A' && *p <= 'Z';
        if (isalnum(*p) && *p < 0x80) {
            if ((sep || (upper && p != (const unsigned char *)header && islower(p[-1]))) && o > 0 &&
                o + 1 < max)
                out[o++] = '_';
            sep = false;
            out[o++] = (char)tolower(*p);
        } else {
            sep = true;
        }
    }
    out[o] = '\0';
    if (o == 0 || !kz_custom_name_ok(out)) {
        /* empty, or a built-in field's name: make it distinct */
        if (o > 0 && o + 7 <= max) {
            memcpy(out + o, "_column", 8);
            if (kz_custom_name_ok(out))
                return;
        }
        snprintf(out, outlen, "column_%zu", index + 1);
    }
}

void kz_import_map_free(kz_import_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->header[i]);
    free(m->header);
    free(m->col);
    memset(m, 0, sizeof *m);
}

/* The target a column claims, as a comparable string ("f:3", "c:name", "first"). */
static void target_key(const kz_map_col *c, char *out, size_t n)
{
    switch (c->kind) {
    case KZ_MAP_FIELD: snprintf(out, n, "f:%d", c->field); break;
    case KZ_MAP_FIRST_NAME: snprintf(out, n, "first"); break;
    case KZ_MAP_LAST_NAME: snprintf(out, n, "last"); break;
    case KZ_MAP_CUSTOM: snprintf(out, n, "c:%s", c->custom); break;
    case KZ_MAP_IGNORE: out[0] = '\0'; break;
    default: snprintf(out, n, "k:%d", (int)c->kind); break;
    }
}

static bool custom_used(const kz_import_map *m, size_t upto, const char *name)
{
    for (size_t i = 0; i < upto; i++)
        if (m->col[i].kind == KZ_MAP_CUSTOM && strcmp(m->col[i].custom, name) == 0)
            return true;
    return false;
}

/* Finds the column an override names: exact text first, then folded. */
static long find_column(const char *const *header, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(header[i], name) == 0)
            return (long)i;
    char a[256], b[256];
    kz_fold_key(name, a, sizeof a);
    for (size_t i = 0; i < n; i++) {
        kz_fold_key(header[i], b, sizeof b);
        if (strcmp(a, b) == 0)
            return (long)i;
    }
    return -1;
}

static kz_status parse_override(const char *spec, const char *const *header, size_t n,
                                long *col, kz_map_col *target, kz_err *err)
{
    const char *eq = strrchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        return kz_err_set(err, KZ_EUSAGE, _("--map \"%s\": expected COLUMN=field"), spec);
    char colname[1024];
    snprintf(colname, sizeof colname, "%.*s", (int)(eq - spec), spec);
    const char *field = eq + 1;
    *col = find_column(header, n, colname);
    if (*col < 0)
        return kz_err_set(err, KZ_EUSAGE, _("--map \"%s\": the file has no column \"%s\""), spec,
                          colname);
    memset(target, 0, sizeof *target);
    target->why = "--map";
    target->field = -1;
    if (strcmp(field, "-") == 0) {
        target->kind = KZ_MAP_IGNORE;
        return KZ_OK;
    }
    if (strcmp(field, "first_name") == 0) {
        target->kind = KZ_MAP_FIRST_NAME;
        return KZ_OK;
    }
    if (strcmp(field, "last_name") == 0) {
        target->kind = KZ_MAP_LAST_NAME;
        return KZ_OK;
    }
    int f = kz_field_lookup(field);
    if (f == KZ_F_ID || (f >= 0 && (kz_field_get((kz_field)f)->flags & KZ_FF_RO) &&
                         !ro_importable(f)))
        return kz_err_set(err, KZ_EUSAGE, _("--map \"%s\": field \"%s\" is computed by kariz"),
                          spec, field);
    if (f >= 0) {
        target->kind = KZ_MAP_FIELD;
        target->field = f;
        return KZ_OK;
    }
    if (!kz_custom_name_ok(field))
        return kz_err_set(err, KZ_EUSAGE,
                          _("--map \"%s\": \"%s\" is neither a field nor a valid custom field name "
                            "(lower-case letters, digits, _ . -; or - to ignore the column)"),
                          spec, field);
    target->kind = KZ_MAP_CUSTOM;
    snprintf(target->custom, sizeof target->custom, "%s", field);
    return KZ_OK;
}

static bool key_in(const char *key, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, v[i]) == 0)
            return true;
    return false;
}

#define KEY_IN(key, arr) key_in(key, arr, sizeof arr / sizeof arr[0])

/* A deal's own title, and a deal's own id, in a deals export. */
static const char *const deal_title_keys[] = {"dealname", "dealtitle", "opportunityname"};
static const char *const deal_id_keys[] = {"dealid", "recordid", "id", "opportunityid",
                                           "hsobjectid"};
/* Headers that only an activities or a notes file has. */
static const char *const activity_keys[] = {
    "activitysubject", "activitytype", "activityduedate", "activitynote", "calloutcome",
    "callnotes",       "calldisposition", "tasktype",     "tasksubtype", "whoid",
    "calltitle",       "tasktitle",    "engagementtype",  "activityassignedtouser"};
static const char *const note_keys[] = {"notebody", "notecontent", "noteaddtime"};
static const char *const deal_keys[] = {"dealname",  "dealtitle",        "opportunityname",
                                        "dealstage", "stagename",        "opportunityowner",
                                        "dealowner", "dealvalue",        "dealamount",
                                        "opportunityamount"};

const char *kz_file_kind_name(kz_file_kind k)
{
    switch (k) {
    case KZ_KIND_CONTACTS: return "contacts";
    case KZ_KIND_DEALS: return "deals";
    case KZ_KIND_ACTIVITIES: return "activities";
    case KZ_KIND_NOTES: return "notes";
    default: return "auto";
    }
}

bool kz_file_kind_parse(const char *name, kz_file_kind *out)
{
    for (int k = KZ_KIND_AUTO; k <= KZ_KIND_NOTES; k++)
        if (strcmp(name, kz_file_kind_name((kz_file_kind)k)) == 0) {
            *out = (kz_file_kind)k;
            return true;
        }
    if (strcmp(name, "leads") == 0) {
        *out = KZ_KIND_CONTACTS;
        return true;
    }
    return false;
}

kz_file_kind kz_import_detect_kind(const char *const *header, size_t n)
{
    bool deals = false, acts = false, notes = false, subject = false, when = false,
         body = false, parent = false;
    for (size_t i = 0; i < n; i++) {
        char key[128];
        kz_import_fold(header[i], key, sizeof key);
        notes |= KEY_IN(key, note_keys);
        acts |= KEY_IN(key, activity_keys);
        deals |= KEY_IN(key, deal_keys);
        subject |= strcmp(key, "subject") == 0;
        when |= strcmp(key, "activitydate") == 0 || strcmp(key, "duedate") == 0;
        body |= strcmp(key, "body") == 0;
        parent |= strcmp(key, "parentid") == 0;
    }
    if (notes || (body && parent))
        return KZ_KIND_NOTES;
    if (acts || (subject && when))
        return KZ_KIND_ACTIVITIES;
    return deals ? KZ_KIND_DEALS : KZ_KIND_CONTACTS;
}

bool kz_import_map_is_date(const kz_map_col *c)
{
    if (c->kind == KZ_MAP_ACT_AT)
        return true;
    if (c->kind != KZ_MAP_FIELD)
        return false;
    kz_ftype t = kz_field_get((kz_field)c->field)->type;
    return t == KZ_FT_DATE || t == KZ_FT_TIME;
}

/* The claim of a header in an activities or notes file: a part of the
 * activity, or a field that names the lead it belongs to. */
static kz_map_col activity_claim(const char *header, int *prio)
{
    char key[128];
    kz_import_fold(header, key, sizeof key);
    kz_map_col c;
    memset(&c, 0, sizeof c);
    c.field = -1;
    for (size_t i = 0; i < sizeof act_aliases / sizeof act_aliases[0]; i++)
        if (strcmp(act_aliases[i].key, key) == 0) {
            c.kind = act_aliases[i].kind;
            *prio = act_aliases[i].prio;
            return c;
        }
    if (KEY_IN(key, ref_ids)) { /* record_id: the person's id in the source CRM */
        c.kind = KZ_MAP_CUSTOM;
        snprintf(c.custom, sizeof c.custom, "%s", RECORD_ID);
        *prio = 1;
        return c;
    }
    c = alias_lookup(header, prio);
    if (c.kind == KZ_MAP_FIRST_NAME || c.kind == KZ_MAP_LAST_NAME || c.kind == KZ_MAP_CONTACT ||
        (c.kind == KZ_MAP_FIELD && (c.field == KZ_F_NAME || c.field == KZ_F_EMAIL ||
                                    c.field == KZ_F_COMPANY)))
        return c;
    memset(&c, 0, sizeof c);
    c.kind = KZ_MAP_IGNORE;
    c.field = -1;
    c.why = N_("not part of an activity or of whose it is");
    *prio = 100;
    return c;
}

kz_status kz_import_map_build(const char *const *header, size_t n,
                              const char *const *overrides, size_t noverrides,
                              kz_import_map *out, kz_err *err)
{
    return kz_import_map_build_kind(header, n, overrides, noverrides, KZ_KIND_AUTO, out, err);
}

kz_status kz_import_map_build_kind(const char *const *header, size_t n,
                                   const char *const *overrides, size_t noverrides,
                                   kz_file_kind kind, kz_import_map *out, kz_err *err)
{
    memset(out, 0, sizeof *out);
    if (kind == KZ_KIND_AUTO)
        kind = kz_import_detect_kind(header, n);
    kz_map_col *claim = kz_xcalloc(n ? n : 1, sizeof *claim);
    int *prio = kz_xcalloc(n ? n : 1, sizeof *prio);
    bool kariz_export = find_column(header, n, "version") >= 0 &&
                        find_column(header, n, "import_id") >= 0;
    /* Odoo's technical field names: "name" is the lead's title there */
    bool odoo = find_column(header, n, "email_from") >= 0 ||
                find_column(header, n, "partner_name") >= 0 ||
                find_column(header, n, "stage_id") >= 0;
    bool acts = kind == KZ_KIND_ACTIVITIES || kind == KZ_KIND_NOTES;
    for (size_t i = 0; i < n; i++) {
        char key[128];
        kz_import_fold(header[i], key, sizeof key);
        claim[i] = acts ? activity_claim(header[i], &prio[i]) : alias_lookup(header[i], &prio[i]);
        if (kariz_export && strcmp(header[i], "id") == 0) {
            claim[i].kind = KZ_MAP_IGNORE;
            claim[i].why = _("kariz's lead number; new leads are numbered anew");
        }
        if (acts)
            continue;
        if (KEY_IN(key, deal_title_keys) || (odoo && strcmp(key, "name") == 0)) {
            memset(&claim[i], 0, sizeof claim[i]);
            claim[i].kind = KZ_MAP_CUSTOM;
            claim[i].field = -1;
            snprintf(claim[i].custom, sizeof claim[i].custom, "deal_name");
            prio[i] = 1;
        } else if (kind == KZ_KIND_DEALS && claim[i].kind == KZ_MAP_CUSTOM &&
                   strcmp(claim[i].custom, RECORD_ID) == 0 && KEY_IN(key, deal_id_keys)) {
            snprintf(claim[i].custom, sizeof claim[i].custom, "deal_id");
        }
    }
    for (size_t k = 0; k < noverrides; k++) {
        long col = -1;
        kz_map_col t;
        if (parse_override(overrides[k], header, n, &col, &t, err) != KZ_OK) {
            free(claim);
            free(prio);
            return KZ_EUSAGE;
        }
        claim[col] = t;
        prio[col] = -1;
    }
    /* a full name column makes first/last name columns plain custom fields */
    bool has_name = false;
    for (size_t i = 0; i < n; i++)
        has_name |= claim[i].kind == KZ_MAP_FIELD && claim[i].field == KZ_F_NAME;
    out->n = n;
    out->kind = kind;
    out->col = kz_xcalloc(n ? n : 1, sizeof *out->col);
    out->header = kz_xcalloc(n ? n : 1, sizeof *out->header);
    for (size_t i = 0; i < n; i++)
        out->header[i] = kz_xstrdup(header[i]);
    for (size_t i = 0; i < n; i++) {
        kz_map_col c = claim[i];
        bool lost = false;
        if (has_name && prio[i] >= 0 &&
            (c.kind == KZ_MAP_FIRST_NAME || c.kind == KZ_MAP_LAST_NAME))
            lost = true;
        char ki[80], kj[80];
        target_key(&c, ki, sizeof ki);
        for (size_t j = 0; j < n && !lost && ki[0]; j++) {
            if (j == i)
                continue;
            target_key(&claim[j], kj, sizeof kj);
            if (strcmp(ki, kj) == 0 && (prio[j] < prio[i] || (prio[j] == prio[i] && j < i)))
                lost = true;
        }
        if (c.kind == KZ_MAP_CUSTOM && !c.custom[0])
            lost = true; /* no claim at all */
        if (lost) {
            memset(&c, 0, sizeof c);
            c.kind = KZ_MAP_CUSTOM;
            c.field = -1;
            if (kz_custom_name_ok(header[i]))
                snprintf(c.custom, sizeof c.custom, "%s", header[i]);
            else
                kz_import_custom_name(header[i], i, c.custom, sizeof c.custom);
        }
        out->col[i] = c;
    }
    /* unique custom names: a later column gets _2, _3... */
    for (size_t i = 0; i < n; i++) {
        kz_map_col *c = &out->col[i];
        if (c->kind != KZ_MAP_CUSTOM || !custom_used(out, i, c->custom))
            continue;
        char name[80];
        size_t blen = strlen(c->custom) > 58 ? 58 : strlen(c->custom);
        for (unsigned k = 2;; k++) {
            snprintf(name, sizeof name, "%.*s_%u", (int)blen, c->custom, k % 100000u);
            if (!custom_used(out, n, name))
                break;
        }
        memcpy(c->custom, name, strlen(name) + 1 <= sizeof c->custom ? strlen(name) + 1 : 0);
    }
    free(claim);
    free(prio);
    return KZ_OK;
}

void kz_import_map_describe(const kz_import_map *m, kz_buf *out)
{
    for (size_t i = 0; i < m->n; i++) {
        kz_buf_puts(out, "  \"");
        kz_text_sanitize(out, m->header[i], strlen(m->header[i]),
                         KZ_TEXT_NEWLINE_SPACE);
        kz_buf_puts(out, "\" -> ");
        const kz_map_col *c = &m->col[i];
        switch (c->kind) {
        case KZ_MAP_IGNORE: kz_buf_puts(out, _("ignored")); break;
        case KZ_MAP_FIELD: kz_buf_puts(out, kz_field_get((kz_field)c->field)->name); break;
        case KZ_MAP_FIRST_NAME: kz_buf_puts(out, _("name (first part)")); break;
        case KZ_MAP_LAST_NAME: kz_buf_puts(out, _("name (last part)")); break;
        case KZ_MAP_CUSTOM: kz_buf_printf(out, _("custom field %s"), c->custom); break;
        case KZ_MAP_CONTACT: kz_buf_puts(out, _("name and email (a contact)")); break;
        case KZ_MAP_ACT_AT: kz_buf_puts(out, _("activity: when")); break;
        case KZ_MAP_ACT_TIME: kz_buf_puts(out, _("activity: time of day")); break;
        case KZ_MAP_ACT_KIND: kz_buf_puts(out, _("activity: kind")); break;
        case KZ_MAP_ACT_SUBJECT: kz_buf_puts(out, _("activity: subject")); break;
        case KZ_MAP_ACT_NOTE: kz_buf_puts(out, _("activity: note")); break;
        case KZ_MAP_ACT_OUTCOME: kz_buf_puts(out, _("activity: outcome")); break;
        case KZ_MAP_ACT_AUTHOR: kz_buf_puts(out, _("activity: author")); break;
        case KZ_MAP_ACT_DONE: kz_buf_puts(out, _("activity: done")); break;
        }
        if (kz_import_map_is_date(c) && c->dates != KZ_DATES_UNKNOWN)
            kz_buf_puts(out, c->dates == KZ_DATES_DMY ? _(" (dates day first)")
                                                      : _(" (dates month first)"));
        if (c->why)
            kz_buf_printf(out, " (%s)", c->why);
        kz_buf_putc(out, '\n');
    }
}

static void set_contact(kz_lead *lead, const char *v);

/* Joins first and last name parts into the name field. */
static void set_name_parts(kz_lead *lead, const char *first, const char *last)
{
    if (kz_lead_has(lead, KZ_F_NAME) || (!first && !last))
        return;
    kz_buf b = KZ_BUF_INIT;
    if (first)
        kz_buf_puts(&b, first);
    if (first && last)
        kz_buf_putc(&b, ' ');
    if (last)
        kz_buf_puts(&b, last);
    kz_lead_set_text(lead, KZ_F_NAME, kz_buf_str(&b));
    kz_buf_free(&b);
}

kz_status kz_import_row_lead(const kz_import_map *m, const char *const *cells, size_t n,
                             kz_lead *lead, kz_err *err)
{
    kz_lead_reset(lead);
    for (size_t i = m->n; i < n; i++)
        if (cells[i][0])
            return kz_err_set(err, KZ_EINVAL, _("the row has %zu fields, the header only %zu"), n,
                              m->n);
    const char *first = NULL, *last = NULL;
    char date[48];
    kz_err derr;
    size_t upto = n < m->n ? n : m->n;
    for (size_t i = 0; i < upto; i++) {
        const char *v = cells[i];
        if (!v[0])
            continue;
        const kz_map_col *c = &m->col[i];
        bool date_failed = false;
        switch (c->kind) {
        case KZ_MAP_IGNORE: break;
        case KZ_MAP_FIRST_NAME: first = v; break;
        case KZ_MAP_LAST_NAME: last = v; break;
        case KZ_MAP_CUSTOM: kz_lead_set_custom(lead, c->custom, v); break;
        case KZ_MAP_CONTACT: set_contact(lead, v); break;
        case KZ_MAP_FIELD:
            if (c->field == KZ_F_OWNER) {
                /* a name or an e-mail: matched to an account by the import */
                kz_lead_set_text(lead, KZ_F_OWNER, v);
                break;
            }
            if (kz_import_map_is_date(c)) {
                /* a date field takes the day as written, without its time
                 * ("2024-07-31 00:00", "2024-07-31T00:00:00+02:00") */
                char day[48];
                snprintf(day, sizeof day, "%.*s", (int)strcspn(v, " T"), v);
                bool only_day = kz_field_get((kz_field)c->field)->type == KZ_FT_DATE;
                if (kz_import_date_read(only_day ? day : v, c->dates, date, sizeof date,
                                        &derr) == KZ_OK)
                    v = date;
                else
                    date_failed = true;
            }
            if (kz_lead_assign(lead, kz_field_get((kz_field)c->field)->name, v, true, err) !=
                KZ_OK) {
                /* a date the import could not read says why ("31/02/2024"
                 * is not a date that exists), not what a kariz time is */
                if (date_failed && err)
                    *err = derr;
                kz_err_prefix(err, _("column \"%.80s\""), m->header[i]);
                return KZ_EINVAL;
            }
            break;
        default: break; /* a part of an activity */
        }
    }
    set_name_parts(lead, first, last);
    return KZ_OK;
}

/* The person in "Ava Smith (ava@acme.example)", "ava@acme.example" or
 * "Ava Smith" (the first of a ;-separated list), as HubSpot writes a deal's
 * associated contact. */
static void set_contact(kz_lead *lead, const char *v)
{
    size_t len = strcspn(v, ";");
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), v);
    char *open = strrchr(buf, '('), *close = open ? strchr(open, ')') : NULL;
    char *email = NULL, *name = buf;
    if (open && close && memchr(open, '@', (size_t)(close - open))) {
        *close = '\0';
        email = open + 1;
        *open = '\0';
    } else if (strchr(buf, '@') && !strchr(buf, ' ')) {
        email = buf;
        name = NULL;
    }
    if (name) {
        size_t n = strlen(name);
        while (n && name[n - 1] == ' ')
            name[--n] = '\0';
        while (*name == ' ')
            name++;
        if (*name && !kz_lead_has(lead, KZ_F_NAME))
            kz_lead_set_text(lead, KZ_F_NAME, name);
    }
    if (email && *email && !kz_lead_has(lead, KZ_F_EMAIL))
        kz_lead_set_text(lead, KZ_F_EMAIL, email);
}

/* Appends s trimmed and lower-cased (ASCII, like the store's lower()). */
static void put_folded(kz_buf *out, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    for (size_t i = 0; i < n; i++)
        kz_buf_putc(out, (char)tolower((unsigned char)s[i]));
}

bool kz_import_dedupe_key(const kz_lead *lead, kz_buf *out)
{
    kz_buf_reset(out);
    const char *email = kz_lead_text(lead, KZ_F_EMAIL);
    if (email) {
        kz_buf_puts(out, "e:");
        put_folded(out, email);
        if (out->len > 2)
            return true;
        kz_buf_reset(out);
    }
    const char *name = kz_lead_text(lead, KZ_F_NAME);
    if (!name)
        return false;
    kz_buf_puts(out, "n:");
    put_folded(out, name);
    if (out->len == 2) {
        kz_buf_reset(out);
        return false;
    }
    kz_buf_putc(out, '\x1f');
    const char *company = kz_lead_text(lead, KZ_F_COMPANY);
    if (company)
        put_folded(out, company);
    return true;
}

/* ---- intake lines ---- */

/* Text of a JSON scalar (caller frees); NULL for null. */
static kz_status json_text(json_t *v, const char *key, char **out, kz_err *err)
{
    char num[64];
    *out = NULL;
    switch (json_typeof(v)) {
    case JSON_STRING: *out = kz_xstrndup(json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = kz_xstrdup(num);
        break;
    case JSON_REAL:
        snprintf(num, sizeof num, "%.15g", json_real_value(v));
        *out = kz_xstrdup(num);
        break;
    case JSON_TRUE: *out = kz_xstrdup("true"); break;
    case JSON_FALSE: *out = kz_xstrdup("false"); break;
    case JSON_NULL: break;
    default:
        return kz_err_set(err, KZ_EINVAL, _("key \"%.80s\": expected a string or a number"), key);
    }
    return KZ_OK;
}

/* One text member of an activity or stakeholder: *out owned, NULL when
 * absent or null. where names the element, e.g. activities[2]. */
static kz_status member_text(json_t *obj, const char *where, const char *name, char **out,
                             kz_err *err)
{
    char key[96];
    snprintf(key, sizeof key, "%s.%s", where, name);
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    return v ? json_text(v, key, out, err) : KZ_OK;
}

/* Checks that obj has only the members in names (NULL-terminated). */
static kz_status known_members(json_t *obj, const char *where, const char *const *names,
                               const char *expected, kz_err *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        bool ok = false;
        for (size_t i = 0; names[i] && !ok; i++)
            ok = strcmp(k, names[i]) == 0;
        if (!ok)
            return kz_err_set(err, KZ_EINVAL, _("key \"%s\".\"%.80s\": unknown (expected %s)"),
                              where, k, expected);
    }
    return KZ_OK;
}

/* Copies a short text member into a fixed buffer, refusing longer text. */
static kz_status short_text(const char *where, const char *name, const char *t, char *out,
                            size_t outlen, kz_err *err)
{
    if (strlen(t) >= outlen)
        return kz_err_set(err, KZ_EINVAL, _("%s.%s: longer than %zu bytes"), where, name,
                          outlen - 1);
    snprintf(out, outlen, "%s", t);
    return KZ_OK;
}

/* "activities": [{"at", "kind", "channel", "outcome", "author", "note"}...],
 * as kariz export writes them. An author left out is filled in by the
 * caller (the person importing). */
static kz_status json_activities(json_t *arr, kz_activity_list *acts, kz_err *err)
{
    static const char *const names[] = {"id",     "lead_id", "at",   "kind", "channel",
                                        "outcome", "author", "note", "stakeholder_id", NULL};
    if (!json_is_array(arr))
        return kz_err_set(err, KZ_EINVAL, _("key \"activities\": expected an array of objects"));
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        char where[48];
        snprintf(where, sizeof where, "activities[%zu]", i);
        if (!json_is_object(o))
            return kz_err_set(err, KZ_EINVAL,
                              _("%s: expected an object {\"at\": ..., \"kind\": ...}"), where);
        kz_status ks = known_members(o, where, names,
                                     "at, kind, channel, outcome, author, note", err);
        if (ks != KZ_OK)
            return ks;
        kz_activity *a = kz_activity_list_push(acts);
        json_t *sid = json_object_get(o, "stakeholder_id"); /* the exporting database's */
        a->stakeholder_id = json_is_integer(sid) ? (int64_t)json_integer_value(sid) : 0;
        char *at = NULL, *kind = NULL, *channel = NULL, *outcome = NULL, *author = NULL;
        if ((ks = member_text(o, where, "at", &at, err)) == KZ_OK &&
            (ks = member_text(o, where, "kind", &kind, err)) == KZ_OK &&
            (ks = member_text(o, where, "channel", &channel, err)) == KZ_OK &&
            (ks = member_text(o, where, "outcome", &outcome, err)) == KZ_OK &&
            (ks = member_text(o, where, "author", &author, err)) == KZ_OK)
            ks = member_text(o, where, "note", &a->note, err);
        if (ks == KZ_OK && (!at || kz_time_parse(at, &a->at) != KZ_OK || a->at <= 0))
            ks = kz_err_set(err, KZ_EINVAL,
                            _("%s.at: expected a time such as 2026-11-20T09:30:00Z, got \"%.40s\""),
                            where, at ? at : "");
        if (ks == KZ_OK && (!kind || !kz_activity_kind_channel(kind)))
            ks = kz_err_set(err, KZ_EINVAL, _("%s.kind: \"%.40s\" is not one of: %s"), where,
                            kind ? kind : "", kz_activity_kinds_list());
        if (ks == KZ_OK)
            ks = short_text(where, "kind", kind, a->kind, sizeof a->kind, err);
        if (ks == KZ_OK)
            ks = short_text(where, "channel",
                            channel && *channel ? channel : kz_activity_kind_channel(kind),
                            a->channel, sizeof a->channel, err);
        if (ks == KZ_OK && outcome && *outcome && !kz_activity_outcome_ok(outcome))
            ks = kz_err_set(err, KZ_EINVAL, _("%s.outcome: \"%.40s\" is not one of: %s"), where,
                            outcome, kz_activity_outcomes_list());
        if (ks == KZ_OK)
            ks = short_text(where, "outcome", outcome && *outcome ? outcome : "none", a->outcome,
                            sizeof a->outcome, err);
        if (ks == KZ_OK && author)
            ks = short_text(where, "author", author, a->author, sizeof a->author, err);
        free(at);
        free(kind);
        free(channel);
        free(outcome);
        free(author);
        if (ks != KZ_OK)
            return ks;
    }
    return KZ_OK;
}

/* "stakeholders": [{"name", "role", "email", "phone", "note"}...]. */
static kz_status json_stakeholders(json_t *arr, kz_stakeholder_list *shs, kz_err *err)
{
    static const char *const names[] = {"id",    "lead_id", "name", "role",       "title",
                                        "email", "phone",   "note", "last_touch", NULL};
    if (!json_is_array(arr))
        return kz_err_set(err, KZ_EINVAL, _("key \"stakeholders\": expected an array of objects"));
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        char where[48];
        snprintf(where, sizeof where, "stakeholders[%zu]", i);
        if (!json_is_object(o))
            return kz_err_set(err, KZ_EINVAL, _("%s: expected an object {\"name\": ..., \"role\": ...}"),
                              where);
        kz_status ks = known_members(o, where, names, "name, role, title, email, phone, note", err);
        if (ks != KZ_OK)
            return ks;
        if (shs->n == shs->cap) {
            shs->cap = shs->cap ? shs->cap * 2 : 4;
            shs->v = kz_xrealloc(shs->v, shs->cap * sizeof *shs->v);
        }
        kz_stakeholder *sh = &shs->v[shs->n++];
        memset(sh, 0, sizeof *sh);
        /* the exporting database's id: what its activities' stakeholder_id name */
        json_t *sid = json_object_get(o, "id");
        sh->id = json_is_integer(sid) ? (int64_t)json_integer_value(sid) : 0;
        if ((ks = member_text(o, where, "name", &sh->name, err)) == KZ_OK &&
            (ks = member_text(o, where, "role", &sh->role, err)) == KZ_OK &&
            (ks = member_text(o, where, "email", &sh->email, err)) == KZ_OK &&
            (ks = member_text(o, where, "phone", &sh->phone, err)) == KZ_OK &&
            (ks = member_text(o, where, "title", &sh->title, err)) == KZ_OK)
            ks = member_text(o, where, "note", &sh->note, err);
        if (ks == KZ_OK && (!sh->name || !*sh->name))
            ks = kz_err_set(err, KZ_EINVAL, _("%s.name: a stakeholder needs a name"), where);
        if (ks == KZ_OK && sh->role && !kz_stakeholder_role_ok(sh->role))
            ks = kz_err_set(err, KZ_EINVAL,
                            _("%s.role: \"%.40s\" is not a role id; expected a-z, 0-9 and _, "
                              "as in the rules' stakeholder_roles"),
                            where, sh->role);
        if (ks != KZ_OK)
            return ks;
    }
    return KZ_OK;
}

kz_status kz_import_json_lead(const char *line, size_t len, kz_lead *lead,
                              kz_activity_list *acts, kz_stakeholder_list *shs, kz_err *err)
{
    kz_lead_reset(lead);
    if (acts)
        kz_activity_list_clear(acts);
    if (shs) {
        kz_stakeholder_list_free(shs);
        memset(shs, 0, sizeof *shs);
    }
    json_error_t jerr;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o)
        return kz_err_set(err, KZ_EINVAL, _("not valid JSON (column %d: %s)"), jerr.column,
                          jerr.text);
    kz_status ks = KZ_OK;
    if (!json_is_object(o)) {
        json_decref(o);
        return kz_err_set(err, KZ_EINVAL, _("expected a JSON object {\"name\": ...}"));
    }
    bool kariz_export = json_object_get(o, "version") && json_object_get(o, "import_id");
    char *first = NULL, *last = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (strcmp(key, "custom") == 0 && json_is_object(v)) {
            const char *ck;
            json_t *cv;
            json_object_foreach(v, ck, cv) {
                char *t = NULL;
                if (!kz_custom_name_ok(ck)) {
                    ks = kz_err_set(err, KZ_EINVAL,
                                    _("key \"custom\".\"%.80s\": not a valid custom field name"),
                                    ck);
                    goto out;
                }
                if ((ks = json_text(cv, ck, &t, err)) != KZ_OK)
                    goto out;
                if (t)
                    kz_lead_set_custom(lead, ck, t);
                free(t);
            }
            continue;
        }
        if (acts && strcmp(key, "activities") == 0 && !json_is_string(v)) {
            if ((ks = json_activities(v, acts, err)) != KZ_OK)
                goto out;
            continue;
        }
        if (shs && strcmp(key, "stakeholders") == 0 && !json_is_string(v)) {
            if ((ks = json_stakeholders(v, shs, err)) != KZ_OK)
                goto out;
            continue;
        }
        char *t = NULL;
        if ((ks = json_text(v, key, &t, err)) != KZ_OK)
            goto out;
        if (!t || !*t) {
            free(t);
            continue;
        }
        kz_map_col c = kz_import_alias(key);
        if (kariz_export && strcmp(key, "id") == 0)
            c.kind = KZ_MAP_IGNORE;
        switch (c.kind) {
        case KZ_MAP_IGNORE: break;
        case KZ_MAP_FIRST_NAME: free(first); first = t; t = NULL; break;
        case KZ_MAP_LAST_NAME: free(last); last = t; t = NULL; break;
        case KZ_MAP_CONTACT: set_contact(lead, t); break;
        case KZ_MAP_FIELD:
            if (c.field == KZ_F_OWNER) {
                kz_lead_set_text(lead, KZ_F_OWNER, t); /* matched to an account by the import */
                break;
            }
            if (kz_lead_assign(lead, kz_field_get((kz_field)c.field)->name, t, true, err) !=
                KZ_OK) {
                kz_err_prefix(err, _("key \"%.80s\""), key);
                free(t);
                ks = KZ_EINVAL;
                goto out;
            }
            break;
        case KZ_MAP_CUSTOM:
            if (!c.custom[0]) {
                if (kz_custom_name_ok(key))
                    snprintf(c.custom, sizeof c.custom, "%s", key);
                else
                    kz_import_custom_name(key, 0, c.custom, sizeof c.custom);
            }
            kz_lead_set_custom(lead, c.custom, t);
            break;
        default: break;
        }
        free(t);
    }
    set_name_parts(lead, first, last);
out:
    free(first);
    free(last);
    json_decref(o);
    return ks;
}

/* ---- activities and notes files ---- */

kz_status kz_import_row_activity(const kz_import_map *m, const char *const *cells, size_t n,
                                 kz_activity *a, kz_buf *note, const char **author, bool *done,
                                 kz_err *err)
{
    memset(a, 0, sizeof *a);
    kz_buf_reset(note);
    *author = NULL;
    *done = true;
    const char *at = NULL, *tod = NULL, *kind = NULL, *subject = NULL, *body = NULL,
               *outcome = NULL;
    long at_col = -1;
    bool call_columns = false;
    size_t upto = n < m->n ? n : m->n;
    for (size_t i = 0; i < upto; i++) {
        const char *v = cells[i];
        char key[64];
        kz_fold_key(m->header[i], key, sizeof key);
        call_columns |= strncmp(key, "call", 4) == 0;
        if (!v[0])
            continue;
        switch (m->col[i].kind) {
        case KZ_MAP_ACT_AT: if (!at) { at = v; at_col = (long)i; } break;
        case KZ_MAP_ACT_TIME: tod = v; break;
        case KZ_MAP_ACT_KIND: kind = v; break;
        case KZ_MAP_ACT_SUBJECT: subject = v; break;
        case KZ_MAP_ACT_NOTE: body = v; break;
        case KZ_MAP_ACT_OUTCOME: outcome = v; break;
        case KZ_MAP_ACT_AUTHOR: *author = v; break;
        case KZ_MAP_ACT_DONE: *done = kz_import_activity_done(v); break;
        default: break;
        }
    }
    if (!at)
        return kz_err_set(err, KZ_EINVAL, _("no date: an activity needs the day it happened"));
    char text[64], both[96];
    kz_status ks = kz_import_date_read(at, m->col[at_col].dates, text, sizeof text, err);
    if (ks == KZ_OK && tod && strlen(text) == 10) {
        snprintf(both, sizeof both, "%s %.20s", text, tod);
        ks = kz_import_date_read(both, KZ_DATES_UNKNOWN, text, sizeof text, err);
    }
    if (ks == KZ_OK && kz_time_parse(text, &a->at) != KZ_OK)
        ks = kz_err_set(err, KZ_EINVAL, _("\"%.60s\" is not a time"), at);
    if (ks != KZ_OK) {
        kz_err_prefix(err, _("column \"%.80s\""), m->header[at_col]);
        return KZ_EINVAL;
    }
    const char *k = m->kind == KZ_KIND_NOTES ? "note"
                    : kind                   ? kz_import_activity_kind(kind)
                    : call_columns           ? "call"
                                             : "note";
    if (!k) {
        k = "note";
        kz_buf_printf(note, "[%s] ", kind); /* a type kariz has no kind for */
    }
    snprintf(a->kind, sizeof a->kind, "%s", k);
    snprintf(a->channel, sizeof a->channel, "%s", kz_activity_kind_channel(k));
    const char *oc = outcome ? kz_import_activity_outcome(outcome) : NULL;
    if (oc && kz_activity_outcome_fits(k, oc))
        snprintf(a->outcome, sizeof a->outcome, "%s", oc);
    else
        snprintf(a->outcome, sizeof a->outcome, "none");
    if (subject)
        kz_buf_puts(note, subject);
    if (subject && body)
        kz_buf_puts(note, ": ");
    if (body)
        kz_buf_puts(note, body);
    if (outcome && strcmp(a->outcome, "none") == 0)
        kz_buf_printf(note, "%s(%s)", note->len ? " " : "", outcome);
    return KZ_OK;
}
