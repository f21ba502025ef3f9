/* paths.h - who is acting and where the files are. */
#ifndef KARIZ_PATHS_H
#define KARIZ_PATHS_H

#include <stddef.h>

#include "kariz/status.h"

/* The Unix account running the program, from getpwuid(getuid()) (never
 * $USER). Falls back to "uid<N>" when the account has no passwd entry.
 * Returns a static string. */
const char *kz_current_user(void);

/* The database path: cli_path, else $KARIZ_DB, else
 * $XDG_DATA_HOME/kariz/kariz.db (~/.local/share when unset); creates the
 * default directory when used. */
kz_status kz_db_path(const char *cli_path, char *out, size_t outlen, kz_err *err);

/* The user's config directory: $XDG_CONFIG_HOME/kariz (~/.config/kariz). */
void kz_config_dir(char *out, size_t outlen);

#endif
