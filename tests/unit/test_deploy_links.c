/* test_deploy_links.c - the network file system refusal follows symbolic
 * links: a local link to a database on NFS (or to its directory) is refused
 * too. The file system type is injected per directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kariz/deploy.h"

static char base[64];

/* Directories under "<base>/nfs" are on NFS, everything else on ext4. */
static long fake_fs_type(const char *dir)
{
    char nfs[128];
    snprintf(nfs, sizeof nfs, "%s/nfs", base);
    return strncmp(dir, nfs, strlen(nfs)) == 0 ? 0x6969 : 0xEF53;
}

static void path(char *out, size_t n, const char *rel)
{
    snprintf(out, n, "%s/%s", base, rel);
}

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "/tmp/kz-links-XXXXXX");
    assert_non_null(mkdtemp(base));
    char p[160], q[160];
    path(p, sizeof p, "local");
    assert_int_equal(mkdir(p, 0755), 0);
    path(p, sizeof p, "nfs");
    assert_int_equal(mkdir(p, 0755), 0);
    path(p, sizeof p, "nfs/team.db");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("SQLite format 3", f);
    fclose(f);
    path(p, sizeof p, "local/own.db");
    f = fopen(p, "w");
    assert_non_null(f);
    fputs("SQLite format 3", f);
    fclose(f);
    path(p, sizeof p, "nfs/team.db");
    path(q, sizeof q, "local/link.db");
    assert_int_equal(symlink(p, q), 0);
    path(p, sizeof p, "nfs");
    path(q, sizeof q, "local/shared");
    assert_int_equal(symlink(p, q), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", base);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static kz_status check(const char *rel, kz_err *err)
{
    char p[160];
    path(p, sizeof p, rel);
    kz_buf w = KZ_BUF_INIT;
    kz_status ks = kz_deploy_check_with(p, fake_fs_type, &w, err);
    kz_buf_free(&w);
    return ks;
}

static void test_link_to_a_database_on_nfs_refused(void **state)
{
    (void)state;
    kz_err err;
    assert_int_equal(check("local/link.db", &err), KZ_EREFUSED);
    assert_non_null(strstr(err.msg, "is on a network file system (NFS)"));
    char real[160];
    path(real, sizeof real, "nfs/team.db");
    assert_non_null(strstr(err.msg, real)); /* names the file the link points to */
}

static void test_link_to_a_directory_on_nfs_refused(void **state)
{
    (void)state;
    kz_err err;
    assert_int_equal(check("local/shared/team.db", &err), KZ_EREFUSED);
    assert_non_null(strstr(err.msg, "network file system (NFS)"));
}

static void test_local_file_accepted(void **state)
{
    (void)state;
    kz_err err;
    assert_int_not_equal(check("local/own.db", &err), KZ_EREFUSED);
    assert_int_equal(check("nfs/team.db", &err), KZ_EREFUSED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_to_a_database_on_nfs_refused),
        cmocka_unit_test(test_link_to_a_directory_on_nfs_refused),
        cmocka_unit_test(test_local_file_accepted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
