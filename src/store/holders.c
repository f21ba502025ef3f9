/* holders.c - who holds a lock on the database: read from /proc/locks, so a
 * "database is locked" can name the program and the person behind it. */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kariz/i18n.h"
#include "store/internal.h"
#include "store/sqlite.h"

static void describe_pid(long pid, kz_buf *out)
{
    char path[64], comm[64] = "?";
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    const char *user = NULL;
    struct stat sb;
    snprintf(path, sizeof path, "/proc/%ld", pid);
    if (stat(path, &sb) == 0) {
        struct passwd *pw = getpwuid(sb.st_uid);
        user = pw ? pw->pw_name : NULL;
    }
    /* comm is another program's name: keep it printable */
    for (char *p = comm; *p; p++)
        if (!isprint((unsigned char)*p))
            *p = '?';
    kz_buf_printf(out, _("%s%s (pid %ld%s%s)"), out->len ? ", " : "", comm, pid,
                  user ? _(", user ") : "", user ? user : "");
}

void kz_lock_holders(const char *db_path, kz_buf *out)
{
    struct stat files[3];
    bool have[3] = {false, false, false};
    char side[4200];
    have[0] = stat(db_path, &files[0]) == 0;
    snprintf(side, sizeof side, "%s-wal", db_path);
    have[1] = stat(side, &files[1]) == 0;
    snprintf(side, sizeof side, "%s-shm", db_path);
    have[2] = stat(side, &files[2]) == 0;
    FILE *f = fopen("/proc/locks", "r");
    if (!f)
        return;
    long seen[16];
    int nseen = 0;
    char line[256];
    long self = (long)getpid();
    while (fgets(line, sizeof line, f)) {
        long pid;
        unsigned maj, min;
        unsigned long ino;
        char *p = strstr(line, "ADVISORY");
        if (!p)
            p = strstr(line, "MANDATORY");
        if (!p || sscanf(p, "%*s %*s %ld %x:%x:%lu", &pid, &maj, &min, &ino) != 4)
            continue;
        if (pid == self || pid <= 0)
            continue;
        bool ours = false;
        for (int i = 0; i < 3; i++)
            if (have[i] && files[i].st_ino == ino && major(files[i].st_dev) == maj &&
                minor(files[i].st_dev) == min)
                ours = true;
        bool dup = false;
        for (int i = 0; i < nseen; i++)
            dup |= seen[i] == pid;
        if (!ours || dup || nseen == 16)
            continue;
        seen[nseen++] = pid;
        describe_pid(pid, out);
    }
    fclose(f);
}
