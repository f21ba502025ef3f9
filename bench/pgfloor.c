/* pgfloor - the least a program that reads from PostgreSQL spends before it
 * can show anything: a new process that loads libpq, connects, runs
 * SELECT 1 and exits. bench/pg prints it beside the board's first frame,
 * which pays all of it before its first statement.
 *
 * usage: pgfloor RUNS CONNINFO
 * Runs itself RUNS times as a new process (fork, exec, wait), timed from
 * the fork to the child's exit, and prints "floor_ms=MEDIAN". The child
 * (pgfloor --once CONNINFO) exits 1 when it cannot connect or query. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int once(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, "SELECT 1");
        ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
    }
    if (!ok)
        fprintf(stderr, "pgfloor: %s", PQerrorMessage(c));
    PQfinish(c);
    return ok ? 0 : 1;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--once") == 0)
        return once(argv[2]);
    int runs = argc == 3 ? atoi(argv[1]) : 0;
    if (runs < 1) {
        fprintf(stderr, "usage: pgfloor RUNS CONNINFO\n");
        return 2;
    }
    double *ms = calloc((size_t)runs, sizeof *ms);
    if (!ms)
        return 2;
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0) {
            execl("/proc/self/exe", argv[0], "--once", argv[2], (char *)NULL);
            _exit(127);
        }
        int st = 0;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return 1;
        ms[i] = now_ms() - t0;
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp);
    double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    printf("floor_ms=%.1f\n", median);
    free(ms);
    return 0;
}
