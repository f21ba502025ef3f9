/* kariz/icu.h - ICU (the Persian calendar, bidi and shaping, collation),
 * loaded when first needed.
 *
 * kariz opens ICU's libraries with dlopen the first time something asks
 * for them (a Persian date, a right-to-left name on the board, the name
 * order of a database), not when the program starts: ICU and the C++
 * runtime it brings cost every start of kariz 3-4 ms of loading, and most
 * commands, and a board's first screen on PostgreSQL, need none of it.
 *
 *     const kz_icu_api *icu = kz_icu();
 *     if (icu)
 *         cal = icu->ucal_open(...);
 *
 * The members are named as ICU's headers name the functions (ICU renames
 * them with its version, ucal_open_72: the same macros apply here). */
#pragma once

#include <unicode/ubidi.h>
#include <unicode/ucal.h>
#include <unicode/ucol.h>
#include <unicode/ushape.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

#define KZ_ICU_FUNCS(X)                                                                  \
    X(ubidi_close)                                                                       \
    X(ubidi_openSized)                                                                   \
    X(ubidi_setPara)                                                                     \
    X(ubidi_writeReordered)                                                              \
    X(ucal_clear)                                                                        \
    X(ucal_get)                                                                          \
    X(ucal_getLimit)                                                                     \
    X(ucal_getMillis)                                                                    \
    X(ucal_open)                                                                         \
    X(ucal_set)                                                                          \
    X(ucal_setAttribute)                                                                 \
    X(ucal_setMillis)                                                                    \
    X(ucol_close)                                                                        \
    X(ucol_getLocaleByType)                                                              \
    X(ucol_getSortKey)                                                                   \
    X(ucol_getVersion)                                                                   \
    X(ucol_open)                                                                         \
    X(ucol_setStrength)                                                                  \
    X(ucol_strcollUTF8)                                                                  \
    X(u_shapeArabic)                                                                     \
    X(u_strFromUTF8)                                                                     \
    X(u_strFromUTF8WithSub)                                                              \
    X(u_versionToString)

typedef struct kz_icu_api {
#define KZ_ICU_MEMBER(f) __typeof__(f) *f;
    KZ_ICU_FUNCS(KZ_ICU_MEMBER)
#undef KZ_ICU_MEMBER
} kz_icu_api;

/* ICU's functions, loaded at the first call (safe from any thread); NULL
 * when ICU could not be loaded, which kz_icu_failure says why. */
const kz_icu_api *kz_icu(void);

/* Why ICU could not be loaded ("" when it was, or was not tried yet). */
const char *kz_icu_failure(void);
