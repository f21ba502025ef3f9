/* main.c - the kariz program: places the heap (kz_heap_setup), sets the
 * umask every file it creates needs, then hands the command line to the
 * CLI. */
#include "cli/cli.h"
#include "kariz/deploy.h"
#include "kariz/heap.h"

int main(int argc, char **argv)
{
    kz_heap_setup();
    kz_deploy_umask();
    return kz_cli_main(argc, argv);
}
