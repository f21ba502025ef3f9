/* dl.c - opening a shared library at its first use (see kariz/dl.h). */
#include "kariz/dl.h"

#include <dlfcn.h>
#include <stdio.h>

void *kz_dl_open(const char *soname, const char *dir, char *why, size_t n)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (h)
        return h;
    const char *e = dlerror();
    snprintf(why, n, "%s", e ? e : soname);
    if (!dir)
        return NULL;
    /* (a library outside the loader's own paths, where kariz found it) */
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, soname);
    return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}
