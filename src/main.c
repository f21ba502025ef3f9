/* main.c - the kariz program: sets the umask every file it creates needs,
 * then hands the command line to the CLI. */
#include "cli/cli.h"
#include "kariz/deploy.h"

int main(int argc, char **argv)
{
    kz_deploy_umask();
    return kz_cli_main(argc, argv);
}
