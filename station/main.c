/* qcstation: the station program.  All the work is in station/cli; this
 * file owns the one mutable global the style allows, the stop flag set by
 * SIGINT/SIGTERM. */
#include <signal.h>
#include <string.h>

#include "st/cli.h"
#include "st/store.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* No SA_RESTART: a blocked read() returns EINTR and the loop stops. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	st_store_process_init();
	return st_cli_main(argc, argv, &stop_flag);
}
