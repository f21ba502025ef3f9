/* demo.c - a deterministic, realistic demo pipeline, built through the same
 * pipeline operations a salesperson uses. */
#include "kariz/demo.h"

#include <stdio.h>
#include <stdlib.h>
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

/* One language's demo data. Every table has the same length and order in
 * each language (the Persian one translates the English one entry by
 * entry), so both draw the same random numbers and build the same
 * pipeline: the same stages, values, touches and dates, in other words. */
#define N_FIRST 20
#define N_LAST 15
#define N_NATIVE 6
#define N_COMPANY 15
#define N_SUFFIX 5
#define N_TITLE 12
#define N_INDUSTRY 8
#define N_SOURCE 8
#define N_PLACE 7
#define N_NOTE 10
#define N_STEP 6

typedef struct demo_lang {
    const char *first[N_FIRST], *first_latin[N_FIRST]; /* latin: for e-mail addresses */
    const char *last[N_LAST], *last_latin[N_LAST];
    const char *native[N_NATIVE]; /* names in other scripts than the language's own */
    const char *companies[N_COMPANY], *domains[N_COMPANY];
    const char *suffixes[N_SUFFIX]; /* "" for none */
    const char *titles[N_TITLE];
    const char *industries[N_INDUSTRY];
    const char *sources[N_SOURCE];
    struct {
        const char *country, *city;
    } places[N_PLACE];
    const char *notes[N_NOTE];
    const char *steps[N_STEP];
    const char *override; /* why a deal entered a stage whose criteria it did not meet */
    const char *phone;    /* before the lead number's last four digits */
    const char *mail_tld; /* after the company's domain */
    const char *currency;
    int64_t scale;        /* amounts: the English demo's (dollars) times this */
} demo_lang;

/* Senior titles, by their place in the titles tables (as the rules read
 * them: chief, VP, head of, founder, director). */
static const bool senior_title[N_TITLE] = {true,  true, true,  true, false, false,
                                           false, false, true, true, false, true};

static const demo_lang lang_en = {
    .first = {"Ava", "Liam", "Noah", "Emma", "Mia", "Sara", "Omid", "Reza", "Lena", "Ivan",
              "Yuki", "Chen", "Amir", "Nika", "Paul", "Ines", "Kofi", "Maya", "Tom", "Zara"},
    .first_latin = {"Ava", "Liam", "Noah", "Emma", "Mia", "Sara", "Omid", "Reza", "Lena", "Ivan",
                    "Yuki", "Chen", "Amir", "Nika", "Paul", "Ines", "Kofi", "Maya", "Tom", "Zara"},
    .last = {"Smith", "Garcia", "Kim", "Novak", "Rahimi", "Tanaka", "Okafor", "Muller", "Rossi",
             "Dubois", "Silva", "Khan", "Larsen", "Moradi", "Chen"},
    .last_latin = {"Smith", "Garcia", "Kim", "Novak", "Rahimi", "Tanaka", "Okafor", "Muller",
                   "Rossi", "Dubois", "Silva", "Khan", "Larsen", "Moradi", "Chen"},
    /* names in their own scripts: the board lays them out by display width */
    .native = {"علی محمدی", "نگار کریمی", "王芳", "佐藤 健", "مریم رضایی", "김민준"},
    .companies = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne",
                  "Tyrell", "Cyberdyne", "Soylent", "Aperture", "Wonka", "Oscorp", "Pied Piper"},
    .domains = {"acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne",
                "tyrell", "cyberdyne", "soylent", "aperture", "wonka", "oscorp", "piedpiper"},
    .suffixes = {"Inc", "GmbH", "Ltd", "LLC", "Co"},
    .titles = {"CEO", "CTO", "VP of Sales", "Head of Operations", "Sales Manager",
               "Marketing Coordinator", "Procurement Lead", "Intern", "Founder", "Director of IT",
               "Office Manager", "Chief Financial Officer"},
    .industries = {"Software", "Manufacturing", "Retail", "Healthcare", "Logistics", "Education",
                   "Finance", "Media"},
    .sources = {"Web form", "Ebook download", "Cold call", "Trade show", "Referral",
                "Paid ad click", "Pricing page", "Webinar"},
    .places = {{"United States", "Austin"}, {"Germany", "Berlin"}, {"Iran", "Tabriz"},
               {"Japan", "Osaka"}, {"Nigeria", "Lagos"}, {"Canada", "Toronto"}, {"India", "Pune"}},
    .notes = {"Asked about pricing for 50 seats", "Downloaded the CRM buyer's guide",
              "Budget approved for Q3", "Needs sign-off from the CFO",
              "Evaluating two competitors", "Moving data by hand between tools today",
              "Wants a demo next week", "Timeline: within 30 days",
              "Small team, happy with spreadsheets",
              "Has two kids; loves sailing (ask about the regatta)"},
    .steps = {"Call back", "Send proposal", "Book a demo", "Follow up on pricing",
              "Intro to the CFO", "Send case study"},
    .override = "Agreed with the sales manager",
    .phone = "+1-555-",
    .mail_tld = "example",
    .currency = "USD",
    .scale = 1,
};

/* The Persian demo: Iranian people, companies and cities, notes and next
 * steps as an Iranian sales team writes them, amounts in toman. */
static const demo_lang lang_fa = {
    .first = {"آوا", "لیلا", "نوید", "الهام", "مینا", "سارا", "امید", "رضا", "لاله", "ایمان",
              "یاسمن", "کامران", "امیر", "نیکا", "پرویز", "شیرین", "کیوان", "مریم", "طاها",
              "زهرا"},
    .first_latin = {"Ava", "Leila", "Navid", "Elham", "Mina", "Sara", "Omid", "Reza", "Laleh",
                    "Iman", "Yasaman", "Kamran", "Amir", "Nika", "Parviz", "Shirin", "Keyvan",
                    "Maryam", "Taha", "Zahra"},
    .last = {"محمدی", "حسینی", "کریمی", "رضایی", "رحیمی", "احمدی", "جعفری", "موسوی", "صادقی",
             "نوری", "کاظمی", "قاسمی", "یزدانی", "مرادی", "طاهری"},
    .last_latin = {"Mohammadi", "Hosseini", "Karimi", "Rezaei", "Rahimi", "Ahmadi", "Jafari",
                   "Mousavi", "Sadeghi", "Nouri", "Kazemi", "Ghasemi", "Yazdani", "Moradi",
                   "Taheri"},
    /* foreign contacts: Latin and other scripts on a right-to-left board */
    .native = {"Anna Müller", "John Smith", "佐藤 健", "Marco Rossi", "Olga Ivanova",
               "Kemal Yıldız"},
    .companies = {"صنایع غذایی آریا", "فولاد سپاهان", "پتروشیمی خلیج", "داروسازی البرز",
                  "نرم‌افزار نوین", "کاشی پارس", "حمل‌ونقل کاروان", "بیمه آسیا", "فرش کاشان",
                  "چاپ و نشر آفتاب", "الکترونیک پیشرو", "کشت و صنعت مهر", "ساختمانی آرمان",
                  "بازرگانی ستاره", "تجهیزات پزشکی سینا"},
    .domains = {"ariafood", "sepahansteel", "khalijpetro", "alborzpharma", "novinsoft",
                "parstile", "karvan", "asiains", "kashancarpet", "aftabpub", "pishro",
                "mehragro", "armanbuild", "setarehtrade", "sinamed"},
    .suffixes = {"", "(سهامی خاص)", "", "(سهامی عام)", "و شرکا"},
    .titles = {"مدیرعامل", "مدیر فنی", "معاون فروش", "مدیر عملیات", "کارشناس فروش",
               "هماهنگ‌کننده بازاریابی", "مسئول خرید", "کارآموز", "بنیان‌گذار",
               "مدیر فناوری اطلاعات", "مسئول دفتر", "مدیر مالی"},
    .industries = {"نرم‌افزار", "تولید", "خرده‌فروشی", "سلامت", "لجستیک", "آموزش", "مالی",
                   "رسانه"},
    .sources = {"فرم وب‌سایت", "دانلود کتاب الکترونیکی", "تماس سرد", "نمایشگاه", "معرفی",
                "کلیک تبلیغ", "صفحه قیمت", "وبینار"},
    .places = {{"ایران", "تهران"}, {"ایران", "اصفهان"}, {"ایران", "تبریز"}, {"ایران", "شیراز"},
               {"ایران", "مشهد"}, {"ایران", "کرج"}, {"امارات", "دبی"}},
    .notes = {"قیمت را برای ۵۰ کاربر پرسید", "راهنمای خرید CRM را دانلود کرد",
              "بودجه برای فصل سوم تأیید شد", "امضای مدیر مالی لازم است",
              "دو رقیب را بررسی می‌کند", "داده‌ها را فعلاً دستی بین ابزارها جابه‌جا می‌کنند",
              "هفته بعد دمو می‌خواهد", "زمان‌بندی: ظرف ۳۰ روز",
              "تیم کوچک، از اکسل راضی است",
              "دو فرزند دارد؛ عاشق کوهنوردی است (درباره دماوند بپرس)"},
    .steps = {"تماس مجدد", "ارسال پیش‌فاکتور", "هماهنگی جلسه دمو", "پیگیری قیمت",
              "معرفی به مدیر مالی", "ارسال نمونه موفق"},
    .override = "با تأیید مدیر فروش",
    .phone = "0912 555 ",
    .mail_tld = "example.ir",
    .currency = "IRT",
    .scale = 60000, /* about a dollar's worth, in toman */
};

#define PICK_AT(r, n) (rnd(r) % (uint32_t)(n))

static const int sizes[] = {3, 8, 25, 60, 150, 400, 1200, 5000};
static const char *const owners[] = {"alice", "bob", "carol"};

typedef struct touch {
    const char *kind, *outcome;
} touch;
static const touch cold[] = {{"call", "no_answer"}, {"call", "voicemail"}, {"email", "sent"},
                             {"call", "no_answer"}, {"email", "opened"},   {"web", "visited"}};
static const touch warm[] = {{"call", "answered"}, {"email", "replied"},       {"web", "visited"},
                             {"call", "call_back"}, {"form", "requested_info"}, {"email", "sent"}};
static const touch hot[] = {{"meeting", "held"},     {"call", "answered"}, {"email", "replied"},
                            {"web", "asked_price"},  {"meeting", "held"},  {"call", "answered"}};

/* Moves a closed deal, created in the first stage at `created`, through
 * the open stages after it (a won deal through all of them, a lost one up
 * to last_open, the stage it was lost from), then closes it at `closed`:
 * its history is a real pipeline's, so the funnel counts it in each stage
 * it passed. The moves are spread evenly between the two times; it enters
 * each stage as a salesperson moves it, and a stage whose entry criteria
 * the deal did not meet was entered with an override and its reason, as
 * the team does. */
static kz_status close_deal(kz_session *s, const demo_lang *lg, int64_t id, const kz_stage *to,
                            const kz_stage *last_open, const char *lost_reason, int64_t created,
                            int64_t closed, kz_err *err)
{
    size_t nst = kz_rules_stage_count(s->rules);
    const kz_stage *stages = kz_rules_stages(s->rules);
    const kz_stage *first = kz_rules_first_stage(s->rules);
    const kz_stage **path = kz_xcalloc(nst ? nst : 1, sizeof *path); /* owned */
    size_t n = 0;
    bool past_first = false, done = to->kind == KZ_STAGE_LOST && (!last_open || last_open == first);
    for (size_t j = 0; j < nst && !done; j++) {
        if (stages[j].kind != KZ_STAGE_OPEN)
            continue;
        if (&stages[j] == first) {
            past_first = true;
            continue;
        }
        if (!past_first)
            continue;
        path[n++] = &stages[j];
        done = &stages[j] == last_open;
    }
    kz_status ks = KZ_OK;
    for (size_t j = 0; j < n && ks == KZ_OK; j++) {
        s->now = created + (closed - created) * (int64_t)(j + 1) / (int64_t)(n + 1);
        ks = kz_pipe_move(s, id, 0, path[j]->name, NULL, err);
        if (ks == KZ_EREFUSED)
            ks = kz_pipe_move(s, id, 0, path[j]->name, lg->override, err);
    }
    free(path);
    s->now = closed;
    if (ks == KZ_OK && to->kind == KZ_STAGE_WON) {
        ks = kz_pipe_won(s, id, 0, NULL, err);
        if (ks == KZ_EREFUSED)
            ks = kz_pipe_won(s, id, 0, lg->override, err);
    } else if (ks == KZ_OK) {
        ks = kz_pipe_lost(s, id, 0, lost_reason, err);
    }
    return ks;
}

static kz_status one_lead(kz_session *s, const demo_lang *lg, rng *r, int64_t i, int64_t base,
                          kz_err *err)
{
    kz_lead l;
    kz_lead_init(&l);
    char buf[256], who[128];
    bool nat = rnd(r) % 12 == 0;
    uint32_t fi = PICK_AT(r, N_FIRST), li = PICK_AT(r, N_LAST);
    if (nat)
        snprintf(buf, sizeof buf, "%s", lg->native[PICK_AT(r, N_NATIVE)]);
    else
        snprintf(buf, sizeof buf, "%s %s", lg->first[fi], lg->last[li]);
    kz_lead_set_text(&l, KZ_F_NAME, buf);
    uint32_t ci = PICK_AT(r, N_COMPANY);
    const char *suffix = lg->suffixes[PICK_AT(r, N_SUFFIX)];
    char company[128];
    snprintf(company, sizeof company, "%s%s%s", lg->companies[ci], *suffix ? " " : "", suffix);
    kz_lead_set_text(&l, KZ_F_COMPANY, company);
    const char *fn = lg->first_latin[fi];
    if (nat)
        snprintf(who, sizeof who, "contact%lld", (long long)i);
    else
        snprintf(who, sizeof who, "%c%c.%s%lld", fn[0] | 32, fn[1], lg->last_latin[li],
                 (long long)i);
    snprintf(buf, sizeof buf, "%s@%s.%s", who, lg->domains[ci], lg->mail_tld);
    for (char *p = buf; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p += 32;
    kz_lead_set_text(&l, KZ_F_EMAIL, buf);
    uint32_t ti = PICK_AT(r, N_TITLE);
    kz_lead_set_text(&l, KZ_F_TITLE, lg->titles[ti]);
    kz_lead_set_text(&l, KZ_F_INDUSTRY, lg->industries[PICK_AT(r, N_INDUSTRY)]);
    int emp = PICK(r, sizes);
    kz_lead_set_num(&l, KZ_F_EMPLOYEES, emp);
    kz_lead_set_num(&l, KZ_F_REVENUE, (int64_t)emp * between(r, 40, 400) * 1000 * 100 * lg->scale);
    int pl = between(r, 0, N_PLACE - 1);
    kz_lead_set_text(&l, KZ_F_COUNTRY, lg->places[pl].country);
    kz_lead_set_text(&l, KZ_F_CITY, lg->places[pl].city);
    snprintf(buf, sizeof buf, "%s%04d", lg->phone, (int)(i % 10000));
    kz_lead_set_text(&l, KZ_F_PHONE, buf);
    kz_lead_set_text(&l, KZ_F_SOURCE, lg->sources[PICK_AT(r, N_SOURCE)]);
    kz_lead_set_text(&l, KZ_F_CURRENCY, lg->currency);
    int64_t value = (int64_t)(emp < 25 ? between(r, 2, 12) : emp < 400 ? between(r, 10, 60)
                                                                      : between(r, 40, 150)) *
                    1000 * 100 * lg->scale;
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
    bool senior = senior_title[ti];
    int fit = (emp >= 100 ? 2 : emp >= 20 ? 1 : 0) + (senior ? 1 : 0);
    bool closed = roll >= 80, winner = closed && (int)(rnd(r) % 10) < 2 + 2 * fit;
    /* a closed deal is created in the first stage and moved on through the
     * open stages it passed (up to the one it was lost from), then closed */
    const kz_stage *last_open = NULL;
    const char *lost_reason = NULL;
    if (closed && winner && won)
        stage = won;
    if (closed && !winner && lost && kz_rules_lost_reason_count(s->rules)) {
        stage = lost;
        last_open = &stages[between(r, 0, 2) % (int)nst];
        lost_reason = kz_rules_lost_reason(s->rules,
                                           rnd(r) % kz_rules_lost_reason_count(s->rules));
    }
    bool closing = stage->kind != KZ_STAGE_OPEN;
    kz_lead_set_text(&l, KZ_F_STAGE, closing ? kz_rules_first_stage(s->rules)->name : stage->name);
    int r_owner = between(r, 0, 9);
    if (r_owner < 3)
        kz_lead_set_text(&l, KZ_F_OWNER, s->actor);
    else if (r_owner < 9)
        kz_lead_set_text(&l, KZ_F_OWNER, PICK(r, owners));
    int64_t created = base - (int64_t)between(r, 1, 120) * 86400 - between(r, 0, 86399);
    int64_t entered = created + (int64_t)between(r, 0, (int)((base - created) / 86400)) * 86400;
    if (entered > base)
        entered = base;
    kz_lead_set_num(&l, KZ_F_STAGE_ENTERED, closing ? created : entered);
    kz_lead_set_num(&l, KZ_F_TOUCHED, closing ? created : entered);
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
    int64_t last = entered; /* the latest thing done to the lead: a closed deal closes after it */
    if (ks == KZ_OK && rnd(r) % 3 == 0) {
        s->now = last = entered + 3600;
        ks = kz_pipe_note(s, id, lg->notes[PICK_AT(r, N_NOTE)], err);
    }
    if (ks == KZ_OK && stage->kind == KZ_STAGE_OPEN && rnd(r) % 10 < 6) {
        s->now = base - 86400;
        ks = kz_pipe_followup(s, id, 0, kz_today(base) + between(r, -5, 14),
                               lg->steps[PICK_AT(r, N_STEP)], err);
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
    static const char *const boss_titles_fa[] = {"مدیر مالی", "مدیر عملیات", "معاون عملیات",
                                                 "مدیرعامل", "مدیر تدارکات"};
    static const char *const champ_titles_fa[] = {"مدیر بهره‌برداری", "سرپرست فناوری اطلاعات",
                                                  "سرپرست تیم", "مدیر پروژه",
                                                  "کارشناس عملیات فروش"};
    static const char *const blocker_titles_fa[] = {"مسئول امنیت فناوری اطلاعات",
                                                    "کارشناس تدارکات"};
    bool fa = lg == &lang_fa;
    int64_t people_at = created + (entered > created ? (entered - created) / 3 : 0) + 3600;
    struct {
        int chance;
        const char *role;
        const char *const *titles;
        size_t ntitles;
    } people[] = {{want_dm, "decision_maker", fa ? boss_titles_fa : boss_titles, 5},
                  {want_champ, "champion", fa ? champ_titles_fa : champ_titles, 5},
                  {want_blocker, "blocker", fa ? blocker_titles_fa : blocker_titles, 2}};
    int64_t dm_id = 0;
    for (size_t p = 0; ks == KZ_OK && p < sizeof people / sizeof people[0]; p++) {
        if (between(r, 0, 99) >= people[p].chance)
            continue;
        char mail[96];
        uint32_t gi = PICK_AT(r, N_FIRST), li2 = PICK_AT(r, N_LAST);
        char name[160];
        snprintf(name, sizeof name, "%s %s", lg->first[gi], lg->last[li2]);
        snprintf(mail, sizeof mail, "%c.%s%lld@%s.%s", lg->first_latin[gi][0] | 32,
                 lg->last_latin[li2], (long long)id, lg->domains[ci], lg->mail_tld);
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
        if (s->now > last)
            last = s->now;
        ks = kz_pipe_add_stakeholder(s, &sh, err);
        if (p == 0)
            dm_id = sh.id;
    }
    if (ks == KZ_OK && dm_id && between(r, 0, 99) < want_reach) {
        s->now = people_at + 86400 < entered ? people_at + 86400 : people_at + 1800;
        if (s->now > last)
            last = s->now;
        ks = kz_pipe_log_with(s, id, dm_id, "meeting", "held", NULL, NULL, err);
    }
    if (ks == KZ_OK && closing)
        ks = close_deal(s, lg, id, stage, last_open, lost_reason, created,
                        last > entered ? last + 3600 : entered, err);
    return ks;
}

kz_status kz_demo_fill(kz_session *s, int64_t n, kz_demo_language lang, kz_err *err)
{
    const demo_lang *lg = lang == KZ_DEMO_FA ? &lang_fa : &lang_en;
    int64_t saved = s->now;
    int64_t base = kz_session_now(s);
    rng r = {0x9e3779b97f4a7c15ull};
    kz_status ks = KZ_OK;
    for (int64_t i = 0; i < n && ks == KZ_OK; i++)
        ks = one_lead(s, lg, &r, i, base, err);
    s->now = saved;
    /* each lead was scored as of its last touch, back in the demo's past:
     * the scores are brought up to now before anything shows them, so the
     * board's first screen is already in its settled order (and its
     * cursor on the card drawn first) */
    if (ks == KZ_OK)
        ks = kz_pipe_rescore_due(s, NULL, err);
    return ks;
}
