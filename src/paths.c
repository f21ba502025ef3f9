/* paths.c - the acting user and the locations of kariz's files. */
#include "kariz/i18n.h"
#include "kariz/paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *kz_current_user(void)
{
    static char name[64];
    if (name[0])
        return name;
    uid_t uid = getuid();
    struct passwd *pw = getpwuid(uid);
    if (pw && pw->pw_name && *pw->pw_name && strlen(pw->pw_name) < 33)
        snprintf(name, sizeof name, "%s", pw->pw_name);
    else
        snprintf(name, sizeof name, "uid%u", (unsigned)uid);
    return name;
}

static const char *home_dir(void)
{
    const char *h = getenv("HOME");
    if (h && *h)
        return h;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : "/";
}

/* Creates a directory and its parents (mode 0700 for new ones). */
static kz_status kz_mkdir_p(const char *path, kz_err *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return kz_err_set(err, KZ_EINVAL, _("path too long: %s"), path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return kz_err_set(err, KZ_EIO, _("cannot create directory %s: %s"), buf,
                                  strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    return KZ_OK;
}

kz_status kz_db_path(const char *cli_path, char *out, size_t outlen, kz_err *err)
{
    const char *p = cli_path;
    if (!p || !*p)
        p = getenv("KARIZ_DB");
    if (p && *p) {
        if (snprintf(out, outlen, "%s", p) >= (int)outlen)
            return kz_err_set(err, KZ_EINVAL, _("database path too long"));
        return KZ_OK;
    }
    char dir[4096];
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/')
        snprintf(dir, sizeof dir, "%s/kariz", xdg);
    else
        snprintf(dir, sizeof dir, "%s/.local/share/kariz", home_dir());
    kz_status st = kz_mkdir_p(dir, err);
    if (st != KZ_OK)
        return st;
    if (snprintf(out, outlen, "%s/kariz.db", dir) >= (int)outlen)
        return kz_err_set(err, KZ_EINVAL, _("database path too long"));
    return KZ_OK;
}

void kz_config_dir(char *out, size_t outlen)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg == '/')
        snprintf(out, outlen, "%s/kariz", xdg);
    else
        snprintf(out, outlen, "%s/.config/kariz", home_dir());
}
