/* demo.h - a realistic demo pipeline for trying kariz out. */
#ifndef KARIZ_DEMO_H
#define KARIZ_DEMO_H

#include <stdint.h>

#include "kariz/pipeline.h"
#include "kariz/status.h"

typedef enum { KZ_DEMO_EN, KZ_DEMO_FA } kz_demo_language;

/* Adds n deterministic, realistic leads through the pipeline operations:
 * people at companies of varied size and industry, touches with outcomes,
 * notes, stakeholders, next steps (some overdue), stale cards, won and lost
 * deals with reasons. Times are spread over the 120 days before now.
 * KZ_DEMO_FA: the same pipeline (stages, values, touches, dates) with
 * Persian names, companies, cities, notes and next steps, Iranian phone
 * numbers and amounts in toman (IRT). The scores are left as of now (the
 * ones decayed since a lead's last touch recomputed). */
kz_status kz_demo_fill(kz_session *s, int64_t n, kz_demo_language lang, kz_err *err);

#endif
