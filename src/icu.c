/* icu.c - ICU's functions, loaded with dlopen at their first use (see
 * kariz/icu.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "kariz/dl.h"
#include "kariz/i18n.h"
#include "kariz/icu.h"

/* libicui18n (collation, calendars) brings libicuuc (strings, bidi,
 * shaping) and libicudata with it: one handle finds them all. The soname
 * carries ICU's major version, the one kariz was built against. */
#define KZ_ICU_STR2(x) #x
#define KZ_ICU_STR(x) KZ_ICU_STR2(x)
#define KZ_ICU_LIB "libicui18n.so." KZ_ICU_STR(U_ICU_VERSION_MAJOR_NUM)

static kz_icu_api icu;
static const kz_icu_api *icu_loaded;
static char icu_failure[512];
static pthread_once_t icu_once = PTHREAD_ONCE_INIT;

#ifdef KARIZ_ICU_DIR
#define KZ_ICU_DIR KARIZ_ICU_DIR
#else
#define KZ_ICU_DIR NULL
#endif

static void icu_load(void)
{
    char why[400];
    void *h = kz_dl_open(KZ_ICU_LIB, KZ_ICU_DIR, why, sizeof why);
    if (!h) {
        snprintf(icu_failure, sizeof icu_failure,
                 _("the ICU library could not be loaded (%s): install it (Debian: apt-get "
                   "install libicu%d)"),
                 why, U_ICU_VERSION_MAJOR_NUM);
        return;
    }
    /* (each name as ICU's headers spell it: ucal_open is ucal_open_72) */
#define KZ_ICU_LOAD(f)                                                                   \
    if (!(icu.f = (__typeof__(f) *)dlsym(h, KZ_ICU_STR(f)))) {                            \
        snprintf(icu_failure, sizeof icu_failure, _("%s lacks %s, which kariz needs"),   \
                 KZ_ICU_LIB, KZ_ICU_STR(f));                                               \
        return;                                                                          \
    }
    KZ_ICU_FUNCS(KZ_ICU_LOAD)
#undef KZ_ICU_LOAD
    icu_loaded = &icu;
}

const kz_icu_api *kz_icu(void)
{
    pthread_once(&icu_once, icu_load);
    return icu_loaded;
}

const char *kz_icu_failure(void)
{
    return icu_failure;
}
