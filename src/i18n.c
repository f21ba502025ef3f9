/* i18n.c - binds kariz's message catalogue. */
#include "kariz/i18n.h"

#include <locale.h>
#include <stdlib.h>

#ifndef KARIZ_LOCALEDIR
#define KARIZ_LOCALEDIR "/usr/share/locale"
#endif

void kz_i18n_init(void)
{
    setlocale(LC_ALL, "");
    const char *dir = getenv("KARIZ_LOCALEDIR");
    bindtextdomain("kariz", dir && *dir ? dir : KARIZ_LOCALEDIR);
    bind_textdomain_codeset("kariz", "UTF-8");
    textdomain("kariz");
}
