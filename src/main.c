/* main.c - the kariz program: hands the command line to the CLI. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return kz_cli_main(argc, argv);
}
