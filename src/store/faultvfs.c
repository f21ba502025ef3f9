/* faultvfs.c - a thin wrapper over SQLite's default file layer for the
 * fault tests, enabled only by environment variables:
 *   $KARIZ_FAULT_WRITES=N   writes fail after N succeeded, to prove that a
 *                           full disk or an I/O error loses nothing;
 *                           $KARIZ_FAULT_KIND picks "full" (default) or "io";
 *   $KARIZ_CRASH_AFTER_WRITES=N  the process kills itself (SIGKILL) at its
 *                           N-th write, anywhere in a transaction or a
 *                           commit: a crash at a chosen moment. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include <sqlite3.h>

#include "store/sqlite.h"

typedef struct fault_file {
    sqlite3_file base;
    sqlite3_file *real; /* follows this struct in the same allocation */
} fault_file;

static sqlite3_vfs fault_vfs;
static sqlite3_vfs *real_vfs;
static long budget = -1; /* writes left; -1: unlimited */
static long crash_at = -1; /* the write that kills the process; -1: never */
static int fail_code = SQLITE_FULL;

#define REAL(f) (((fault_file *)(f))->real)

static int spend(void)
{
    if (crash_at >= 0 && crash_at-- == 0)
        raise(SIGKILL);
    if (budget < 0)
        return SQLITE_OK;
    if (budget == 0)
        return fail_code;
    budget--;
    return SQLITE_OK;
}

static int f_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    int rc = spend();
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    int rc = spend();
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int f_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int f_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int f_check(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int f_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int f_dev(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int f_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void f_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int f_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_methods = {
    3,        f_close,  f_read,    f_write,        f_truncate, f_sync,     f_size,
    f_lock,   f_unlock, f_check,   f_control,      f_sector,   f_dev,      f_shm_map,
    f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    fault_file *ff = (fault_file *)f;
    ff->real = (sqlite3_file *)(ff + 1);
    memset(ff->real, 0, (size_t)real_vfs->szOsFile);
    int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
    ff->base.pMethods = ff->real->pMethods ? &fault_methods : NULL;
    return rc;
}
static int v_delete(sqlite3_vfs *v, const char *n, int sync)
{
    (void)v;
    return real_vfs->xDelete(real_vfs, n, sync);
}
static int v_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
    (void)v;
    return real_vfs->xAccess(real_vfs, n, flags, out);
}
static int v_full(sqlite3_vfs *v, const char *n, int len, char *out)
{
    (void)v;
    return real_vfs->xFullPathname(real_vfs, n, len, out);
}
static void *v_dlopen(sqlite3_vfs *v, const char *n)
{
    (void)v;
    return real_vfs->xDlOpen(real_vfs, n);
}
static void v_dlerror(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    real_vfs->xDlError(real_vfs, n, out);
}
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *s))(void)
{
    (void)v;
    return real_vfs->xDlSym(real_vfs, h, s);
}
static void v_dlclose(sqlite3_vfs *v, void *h)
{
    (void)v;
    real_vfs->xDlClose(real_vfs, h);
}
static int v_random(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xRandomness(real_vfs, n, out);
}
static int v_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return real_vfs->xSleep(real_vfs, us);
}
static int v_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return real_vfs->xCurrentTime(real_vfs, out);
}
static int v_lasterr(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0;
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

const char *kz_fault_vfs(void)
{
    static int done;
    const char *env = getenv("KARIZ_FAULT_WRITES");
    const char *crash = getenv("KARIZ_CRASH_AFTER_WRITES");
    if ((!env || !*env) && (!crash || !*crash))
        return NULL;
    if (!done) {
        done = 1;
        real_vfs = sqlite3_vfs_find(NULL);
        if (!real_vfs)
            return NULL;
        budget = env && *env ? atol(env) : -1;
        crash_at = crash && *crash ? atol(crash) : -1;
        const char *kind = getenv("KARIZ_FAULT_KIND");
        fail_code = kind && strcmp(kind, "io") == 0 ? SQLITE_IOERR_WRITE : SQLITE_FULL;
        fault_vfs.iVersion = 2;
        fault_vfs.szOsFile = (int)sizeof(fault_file) + real_vfs->szOsFile;
        fault_vfs.mxPathname = real_vfs->mxPathname;
        fault_vfs.zName = "kariz-fault";
        fault_vfs.xOpen = v_open;
        fault_vfs.xDelete = v_delete;
        fault_vfs.xAccess = v_access;
        fault_vfs.xFullPathname = v_full;
        fault_vfs.xDlOpen = v_dlopen;
        fault_vfs.xDlError = v_dlerror;
        fault_vfs.xDlSym = v_dlsym;
        fault_vfs.xDlClose = v_dlclose;
        fault_vfs.xRandomness = v_random;
        fault_vfs.xSleep = v_sleep;
        fault_vfs.xCurrentTime = v_time;
        fault_vfs.xGetLastError = v_lasterr;
        fault_vfs.xCurrentTimeInt64 = v_time64;
        if (sqlite3_vfs_register(&fault_vfs, 0) != SQLITE_OK)
            return NULL;
    }
    return "kariz-fault";
}
