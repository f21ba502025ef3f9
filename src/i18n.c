/* i18n.c - binds kariz's message catalogue. */
#include "kariz/i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

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

/* The Language: field of the catalogue in use, or NULL. */
static const char *catalogue_lang(size_t *len)
{
    /* the catalogue's header (the translation of "") names its language
     * (a variable, so that xgettext does not take it for a message) */
    static const char header_id[] = "";
    const char *head = gettext(header_id);
    const char *p = head && *head ? strstr(head, "Language: ") : NULL;
    if (!p)
        return NULL;
    p += 10;
    *len = strcspn(p, "_.@\n ");
    return *len ? p : NULL;
}

const char *kz_i18n_lang(void)
{
    static char lang[16];
    size_t n;
    const char *p = catalogue_lang(&n);
    if (!p || n >= sizeof lang)
        return "en";
    memcpy(lang, p, n);
    lang[n] = '\0';
    return lang;
}

const char *kz_i18n_label(const char *label, const char *label_fa)
{
    size_t n;
    const char *p = label_fa && *label_fa ? catalogue_lang(&n) : NULL;
    return p && n == 2 && memcmp(p, "fa", 2) == 0 ? label_fa : label;
}
