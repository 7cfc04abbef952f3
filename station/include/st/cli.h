/* station: the command-line interface (git-style subcommands). */
#ifndef QC_STATION_CLI_H
#define QC_STATION_CLI_H

#include <signal.h>

/* Run qcstation with argv; returns the exit status.  *stop becomes non-zero
 * when the process is asked to stop (SIGINT/SIGTERM). */
int st_cli_main(int argc, char **argv, const volatile sig_atomic_t *stop);

#endif
