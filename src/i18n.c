/* i18n.c - binds kariz's message catalogue. */
#include "kariz/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KARIZ_LOCALEDIR
#define KARIZ_LOCALEDIR "/usr/share/locale"
#endif

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Where the catalogues are for this binary: $KARIZ_LOCALEDIR; else beside
 * it, a build tree's locale/ (build/kariz, build/locale) or an install
 * tree's ../share/locale (~/.local/bin/kariz, ~/.local/share/locale), so
 * a binary run where it was built, or installed under any prefix, finds
 * its own; else the directory it was configured for. */
static const char *locale_dir(char *buf, size_t size)
{
    const char *dir = getenv("KARIZ_LOCALEDIR");
    if (dir && *dir)
        return dir;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, size, "%s/locale/fa/LC_MESSAGES", exe);
            if (is_dir(buf)) {
                snprintf(buf, size, "%s/locale", exe);
                return buf;
            }
            snprintf(buf, size, "%s/../share/locale/fa/LC_MESSAGES/kariz.mo", exe);
            if (access(buf, R_OK) == 0) {
                snprintf(buf, size, "%s/../share/locale", exe);
                return buf;
            }
        }
    }
    return KARIZ_LOCALEDIR;
}

void kz_i18n_init(void)
{
    setlocale(LC_ALL, "");
    char buf[PATH_MAX + 64];
    bindtextdomain("kariz", locale_dir(buf, sizeof buf));
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
