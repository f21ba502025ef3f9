/* kariz/dl.h - opening a shared library when it is first needed (libpq,
 * ICU), never linking it: a command that needs none of it does not pay
 * for loading it and the libraries it brings. */
#pragma once

#include <stddef.h>

/* Opens the library soname (RTLD_NOW | RTLD_LOCAL) where the loader finds
 * it, else in dir, the directory kariz was built against (NULL: none);
 * NULL when neither opens, with why (n bytes) the loader's reason for
 * soname. */
void *kz_dl_open(const char *soname, const char *dir, char *why, size_t n);
