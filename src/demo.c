/* demo.c - a deterministic, realistic demo pipeline, built through the same
 * pipeline operations a salesperson uses. */
#include "kariz/demo.h"

#include <stdio.h>
#include <string.h>

#include "kariz/dates.h"

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t rnd(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 11);
}

static int between(rng *r, int lo, int hi) /* inclusive */
{
    return lo + (int)(rnd(r) % (uint32_t)(hi - lo + 1));
}

#define PICK(r, arr) (arr[rnd(r) % (sizeof(arr) / sizeof(arr[0]))])

static const char *const first[] = {"Ava", "Liam", "Noah", "Emma", "Mia", "Sara", "Omid",
                                    "Reza", "Lena", "Ivan", "Yuki", "Chen", "Amir", "Nika",
                                    "Paul", "Ines", "Kofi", "Maya", "Tom", "Zara"};
static const char *const last[] = {"Smith", "Garcia", "Kim", "Novak", "Rahimi", "Tanaka",
                                   "Okafor", "Muller", "Rossi", "Dubois", "Silva", "Khan",
                                   "Larsen", "Moradi", "Chen"};
/* Names in their own scripts: the board lays them out by display width. */
static const char *const native[] = {"علی محمدی", "نگار کریمی", "王芳", "佐藤 健", "مریم رضایی",
                                     "김민준"};
static const char *const companies[] = {"Acme", "Globex", "Initech", "Umbrella", "Hooli",
                                        "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne",
                                        "Soylent", "Aperture", "Wonka", "Oscorp", "Pied Piper"};
static const char *const suffixes[] = {"Inc", "GmbH", "Ltd", "LLC", "Co"};
static const char *const titles[] = {"CEO", "CTO", "VP of Sales", "Head of Operations",
                                     "Sales Manager", "Marketing Coordinator", "Procurement Lead",
                                     "Intern", "Founder", "Director of IT", "Office Manager",
                                     "Chief Financial Officer"};
static const char *const industries[] = {"Software", "Manufacturing", "Retail", "Healthcare",
                                         "Logistics", "Education", "Finance", "Media"};
static const char *const sources[] = {"Web form", "Ebook download", "Cold call", "Trade show",
                                      "Referral", "Paid ad click", "Pricing page", "Webinar"};
static const struct {
    const char *country, *city;
} places[] = {{"United States", "Austin"}, {"Germany", "Berlin"}, {"Iran", "Tabriz"},
              {"Japan", "Osaka"},          {"Nigeria", "Lagos"},  {"Canada", "Toronto"},
              {"India", "Pune"}};
static const int sizes[] = {3, 8, 25, 60, 150, 400, 1200, 5000};
static const char *const owners[] = {"alice", "bob", "carol"};
static const char *const notes[] = {
    "Asked about pricing for 50 seats",      "Downloaded the CRM buyer's guide",
    "Budget approved for Q3",                "Needs sign-off from the CFO",
    "Evaluating two competitors",            "Moving data by hand between tools today",
    "Wants a demo next week",                "Timeline: within 30 days",
    "Small team, happy with spreadsheets",   "Has two kids; loves sailing (ask about the regatta)",
};
static const char *const steps[] = {"Call back", "Send proposal", "Book a demo",
                                    "Follow up on pricing", "Intro to the CFO", "Send case study"};

typedef struct touch {
    const char *kind, *outcome;
} touch;
static const touch cold[] = {{"call", "no_answer"}, {"call", "voicemail"}, {"email", "sent"},
                             {"call", "no_answer"}, {"email", "opened"},   {"web", "visited"}};
static const touch warm[] = {{"call", "answered"}, {"email", "replied"},       {"web", "visited"},
                             {"call", "call_back"}, {"form", "requested_info"}, {"email", "sent"}};
static const touch hot[] = {{"meeting", "held"},     {"call", "answered"}, {"email", "replied"},
                            {"web", "asked_price"},  {"meeting", "held"},  {"call", "answered"}};

static kz_status one_lead(kz_session *s, rng *r, int64_t i, int64_t base, kz_err *err)
{
    kz_lead l;
    kz_lead_init(&l);
    char buf[256];
    bool nat = rnd(r) % 12 == 0;
    const char *fn = PICK(r, first), *ln = PICK(r, last);
    if (nat)
        snprintf(buf, sizeof buf, "%s", PICK(r, native));
    else
        snprintf(buf, sizeof buf, "%s %s", fn, ln);
    kz_lead_set_text(&l, KZ_F_NAME, buf);
    const char *co = PICK(r, companies);
    char company[64];
    snprintf(company, sizeof company, "%s %s", co, PICK(r, suffixes));
    kz_lead_set_text(&l, KZ_F_COMPANY, company);
    char dom[32];
    size_t k = 0;
    for (const char *p = co; *p && k + 1 < sizeof dom; p++)
        if (*p != ' ')
            dom[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    dom[k] = '\0';
    if (nat)
        snprintf(buf, sizeof buf, "contact%lld@%s.example", (long long)i, dom);
    else
        snprintf(buf, sizeof buf, "%c%c.%s%lld@%s.example", fn[0] | 32, fn[1], ln, (long long)i,
                 dom);
    for (char *p = buf; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p += 32;
    kz_lead_set_text(&l, KZ_F_EMAIL, buf);
    kz_lead_set_text(&l, KZ_F_TITLE, PICK(r, titles));
    kz_lead_set_text(&l, KZ_F_INDUSTRY, PICK(r, industries));
    int emp = PICK(r, sizes);
    kz_lead_set_num(&l, KZ_F_EMPLOYEES, emp);
    kz_lead_set_num(&l, KZ_F_REVENUE, (int64_t)emp * between(r, 40, 400) * 1000 * 100);
    int pl = between(r, 0, (int)(sizeof places / sizeof places[0]) - 1);
    kz_lead_set_text(&l, KZ_F_COUNTRY, places[pl].country);
    kz_lead_set_text(&l, KZ_F_CITY, places[pl].city);
    snprintf(buf, sizeof buf, "+1-555-%04d", (int)(i % 10000));
    kz_lead_set_text(&l, KZ_F_PHONE, buf);
    kz_lead_set_text(&l, KZ_F_SOURCE, PICK(r, sources));
    kz_lead_set_text(&l, KZ_F_CURRENCY, "USD");
    int64_t value = (int64_t)(emp < 25 ? between(r, 2, 12) : emp < 400 ? between(r, 10, 60)
                                                                      : between(r, 40, 150)) *
                    1000 * 100;
    if (rnd(r) % 10)
        kz_lead_set_num(&l, KZ_F_VALUE, value);

    /* funnel: lead 35%, prospect 25%, opportunity 20%, won 10%, lost 10% */
    size_t nst = kz_rules_stage_count(s->rules);
    const kz_stage *stages = kz_rules_stages(s->rules);
    int roll = between(r, 0, 99);
    const kz_stage *stage = kz_rules_first_stage(s->rules);
    const kz_stage *won = kz_rules_won_stage(s->rules), *lost = kz_rules_lost_stage(s->rules);
    int open_pos = roll < 35 ? 0 : roll < 60 ? 1 : 2;
    int seen = 0;
    for (size_t j = 0; j < nst; j++)
        if (stages[j].kind == KZ_STAGE_OPEN && seen++ == open_pos)
            stage = &stages[j];
    /* closed deals (one in five) are won more often the better the fit: a
     * larger organisation, a senior title (as a real pipeline, so the
     * scoring report has something to show) */
    const char *title = kz_lead_text(&l, KZ_F_TITLE);
    bool senior = strstr(title, "Chief") || strstr(title, "VP") || strstr(title, "Director") ||
                  strstr(title, "Head") || strstr(title, "Founder") || strcmp(title, "CEO") == 0 ||
                  strcmp(title, "CTO") == 0;
    int fit = (emp >= 100 ? 2 : emp >= 20 ? 1 : 0) + (senior ? 1 : 0);
    bool closed = roll >= 80, winner = closed && (int)(rnd(r) % 10) < 2 + 2 * fit;
    if (closed && winner && won)
        stage = won;
    if (closed && !winner && lost && kz_rules_lost_reason_count(s->rules)) {
        stage = lost;
        kz_lead_set_text(&l, KZ_F_LOST_FROM, stages[between(r, 0, 2) % (int)nst].name);
        kz_lead_set_text(&l, KZ_F_LOST_REASON,
                         kz_rules_lost_reason(s->rules, rnd(r) % kz_rules_lost_reason_count(s->rules)));
    }
    kz_lead_set_text(&l, KZ_F_STAGE, stage->name);
    int r_owner = between(r, 0, 9);
    if (r_owner < 3)
        kz_lead_set_text(&l, KZ_F_OWNER, s->actor);
    else if (r_owner < 9)
        kz_lead_set_text(&l, KZ_F_OWNER, PICK(r, owners));
    int64_t created = base - (int64_t)between(r, 1, 120) * 86400 - between(r, 0, 86399);
    int64_t entered = created + (int64_t)between(r, 0, (int)((base - created) / 86400)) * 86400;
    if (entered > base)
        entered = base;
    kz_lead_set_num(&l, KZ_F_STAGE_ENTERED, entered);
    kz_lead_set_num(&l, KZ_F_TOUCHED, entered);
    if (stage->kind == KZ_STAGE_OPEN && stage != kz_rules_first_stage(s->rules))
        kz_lead_set_date(&l, KZ_F_CLOSE_DATE, kz_today(base) + between(r, 10, 90));

    s->now = created;
    kz_status ks = kz_pipe_add(s, &l, err);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_lead_free(&l);
    if (ks != KZ_OK)
        return ks;

    /* won deals were engaged, lost ones mostly went quiet */
    const touch *set = stage->kind == KZ_STAGE_WON                         ? hot
                       : stage->kind == KZ_STAGE_LOST                      ? (rnd(r) % 3 ? cold : warm)
                       : open_pos == 2                                     ? hot
                       : open_pos == 1                                     ? warm
                                                                           : cold;
    int ntouch = between(r, 0, 5);
    for (int t = 0; t < ntouch && ks == KZ_OK; t++) {
        s->now = entered - (int64_t)between(r, 0, 20) * 86400 + between(r, 0, 86399);
        if (s->now < created)
            s->now = created + 60;
        const touch *tc = &set[rnd(r) % 6];
        ks = kz_pipe_log(s, id, tc->kind, tc->outcome, NULL, NULL, err);
    }
    if (ks == KZ_OK && rnd(r) % 3 == 0) {
        s->now = entered + 3600;
        ks = kz_pipe_note(s, id, PICK(r, notes), err);
    }
    if (ks == KZ_OK && stage->kind == KZ_STAGE_OPEN && rnd(r) % 10 < 6) {
        s->now = base - 86400;
        ks = kz_pipe_followup(s, id, 0, kz_today(base) + between(r, -5, 14), PICK(r, steps), err);
    }
    /* the people around the deal, as a real pipeline has them: most
     * opportunities know their decision maker, won deals more often had a
     * champion and reached the decision maker than lost ones (so the
     * stakeholder report has something to show); each is added before the
     * deal closed */
    int want_dm, want_champ, want_reach, want_blocker;
    if (stage->kind == KZ_STAGE_WON)
        want_dm = 90, want_champ = 70, want_reach = 65, want_blocker = 0;
    else if (stage->kind == KZ_STAGE_LOST)
        want_dm = 50, want_champ = 25, want_reach = 20, want_blocker = 15;
    else if (open_pos == 2)
        want_dm = 100, want_champ = 60, want_reach = 50, want_blocker = 10;
    else if (open_pos == 1)
        want_dm = 40, want_champ = 30, want_reach = 20, want_blocker = 5;
    else
        want_dm = want_champ = want_reach = want_blocker = 0;
    static const char *const boss_titles[] = {"CFO", "COO", "VP Operations", "Managing Director",
                                              "Head of Procurement"};
    static const char *const champ_titles[] = {"Operations Manager", "IT Lead", "Team Lead",
                                               "Project Manager", "Sales Operations Analyst"};
    static const char *const blocker_titles[] = {"IT Security Officer", "Procurement Officer"};
    int64_t people_at = created + (entered > created ? (entered - created) / 3 : 0) + 3600;
    struct {
        int chance;
        const char *role;
        const char *const *titles;
        size_t ntitles;
    } people[] = {{want_dm, "decision_maker", boss_titles, 5},
                  {want_champ, "champion", champ_titles, 5},
                  {want_blocker, "blocker", blocker_titles, 2}};
    int64_t dm_id = 0;
    for (size_t p = 0; ks == KZ_OK && p < sizeof people / sizeof people[0]; p++) {
        if (between(r, 0, 99) >= people[p].chance)
            continue;
        char mail[96];
        const char *given = PICK(r, first), *family = PICK(r, last);
        char name[96];
        snprintf(name, sizeof name, "%s %s", given, family);
        snprintf(mail, sizeof mail, "%c.%s%lld@%s.example", given[0] | 32, family,
                 (long long)id, dom);
        for (char *q = mail; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q += 32;
        kz_stakeholder sh = {0};
        sh.lead_id = id;
        sh.name = name;
        sh.role = (char *)people[p].role;
        sh.title = (char *)people[p].titles[rnd(r) % people[p].ntitles];
        sh.email = mail;
        s->now = people_at + (int64_t)p * 600;
        ks = kz_pipe_add_stakeholder(s, &sh, err);
        if (p == 0)
            dm_id = sh.id;
    }
    if (ks == KZ_OK && dm_id && between(r, 0, 99) < want_reach) {
        s->now = people_at + 86400 < entered ? people_at + 86400 : people_at + 1800;
        ks = kz_pipe_log_with(s, id, dm_id, "meeting", "held", NULL, NULL, err);
    }
    return ks;
}

kz_status kz_demo_fill(kz_session *s, int64_t n, kz_err *err)
{
    int64_t saved = s->now;
    int64_t base = kz_session_now(s);
    rng r = {0x9e3779b97f4a7c15ull};
    kz_status ks = KZ_OK;
    for (int64_t i = 0; i < n && ks == KZ_OK; i++)
        ks = one_lead(s, &r, i, base, err);
    s->now = saved;
    return ks;
}
