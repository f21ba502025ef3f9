/* i18n.h - messages in the user's language (GNU gettext).
 *
 * Every string a person reads goes through _() (or N_() where it sits in a
 * static table and is translated where it is shown, P_() for plurals).
 * What scripts read (JSON keys, CSV headers, exit codes, stage ids) is never
 * translated. The catalogue is the "kariz" text domain. */
#ifndef KARIZ_I18N_H
#define KARIZ_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(one, many, n) ngettext((one), (many), (n))

/* Sets the locale from the environment and binds the "kariz" text domain:
 * $KARIZ_LOCALEDIR when set (tests and an uninstalled build), else the
 * install tree's locale directory. Safe to call more than once. */
void kz_i18n_init(void);

/* The language messages are shown in: the Language of the catalogue
 * gettext uses now (as LANGUAGE, LC_ALL, LC_MESSAGES and LANG choose it),
 * such as "fa", or "en" when no catalogue is in use. */
const char *kz_i18n_lang(void);

/* label_fa when messages are in Persian and it is given, else label: for
 * the labels a rules file gives in two languages. */
const char *kz_i18n_label(const char *label, const char *label_fa);

#endif
