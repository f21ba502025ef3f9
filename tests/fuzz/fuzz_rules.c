/* fuzz_rules.c - feeds arbitrary bytes to the rules loader; rules that load
 * are then used once: a fixed lead is scored, explained and checked against
 * every stage's entry criteria, and the summary is written. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/model.h"
#include "kariz/rules.h"
#include "kariz/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kz_rules *r = NULL;
    kz_err err;
    if (kz_rules_load_buffer("fuzz.yaml", (const char *)data, size, &r, &err) != KZ_OK)
        return 0;
    kz_lead lead;
    kz_lead_init(&lead);
    kz_lead_set_num(&lead, KZ_F_ID, 7);
    kz_lead_set_text(&lead, KZ_F_TITLE, "VP of Operations aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
    kz_lead_set_text(&lead, KZ_F_INDUSTRY, "Software");
    kz_lead_set_text(&lead, KZ_F_STATUS, "qualified");
    kz_lead_set_text(&lead, KZ_F_SOURCE, "ebook \xff\xfe");
    kz_lead_set_num(&lead, KZ_F_EMPLOYEES, 250);
    kz_lead_set_num(&lead, KZ_F_VALUE, 1250000);
    kz_lead_set_date(&lead, KZ_F_CLOSE_DATE, 20790);
    kz_lead_set_num(&lead, KZ_F_CREATED, 1790000000);
    kz_lead_set_custom(&lead, "pain_point", "moves data by hand");
    kz_activity acts[3];
    memset(acts, 0, sizeof acts);
    strcpy(acts[0].kind, "call");
    strcpy(acts[0].channel, "phone");
    strcpy(acts[0].outcome, "no_answer");
    acts[0].at = 1796000000;
    strcpy(acts[1].kind, "web");
    strcpy(acts[1].channel, "web");
    strcpy(acts[1].outcome, "asked_price");
    acts[1].at = 1795000000;
    strcpy(acts[2].kind, "email");
    strcpy(acts[2].channel, "email");
    strcpy(acts[2].outcome, "replied");
    acts[2].at = 1700000000;
    kz_score *s = calloc(1, sizeof *s);
    if (s) {
        kz_score_lead(r, &lead, acts, 3, 1796100000, s);
        kz_score_apply(s, &lead);
        kz_buf b = KZ_BUF_INIT;
        kz_score_explain_json(r, &lead, s, &b);
        kz_rules_summary(r, &b);
        for (size_t i = 0; i < kz_rules_stage_count(r); i++) {
            kz_err why;
            kz_rules_check_entry_at(r, &kz_rules_stages(r)[i], &lead, s, 1796100000, &why);
        }
        kz_buf_free(&b);
        free(s);
    }
    kz_lead_free(&lead);
    kz_rules_free(r);
    return 0;
}
