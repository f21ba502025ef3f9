/* demo.h - a realistic demo pipeline for trying kariz out. */
#ifndef KARIZ_DEMO_H
#define KARIZ_DEMO_H

#include <stdint.h>

#include "kariz/pipeline.h"
#include "kariz/status.h"

/* Adds n deterministic, realistic leads through the pipeline operations:
 * people at companies of varied size and industry, touches with outcomes,
 * notes, stakeholders, next steps (some overdue), stale cards, won and lost
 * deals with reasons. Times are spread over the 120 days before now. */
kz_status kz_demo_fill(kz_session *s, int64_t n, kz_err *err);

#endif
