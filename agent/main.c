// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * main.c - stockade's command line: one binary, several subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "policy_load.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: stockade COMMAND [ARGS]\n"
		   "commands:\n"
		   "  run      enforce policies and write the audit log\n"
		   "  check    validate policies; --explain a decision\n"
		   "  log      review the audit log; --summary, --against a draft policy\n"
		   "  status   show what is enforced (exit 1 if nothing)\n"
		   "  unload   stop the agent and remove every program, link and map\n"
		   "  reload   switch the agent to its edited policy files atomically\n"
		   "  version  print the version\n"
		   "Run 'stockade COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	stk_log_init(0);
	stk_policy_heap_setup();
	if (!cmd) {
		usage(stderr);
		return STK_EXIT_USAGE;
	}
	if (!strcmp(cmd, "run"))
		return stk_cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return stk_cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "log"))
		return stk_cmd_log(argc - 1, argv + 1);
	if (!strcmp(cmd, "status"))
		return stk_cmd_status(argc - 1, argv + 1);
	if (!strcmp(cmd, "reload"))
		return stk_cmd_reload(argc - 1, argv + 1);
	if (!strcmp(cmd, "unload"))
		return stk_cmd_unload(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("stockade %s\n", STK_VERSION);
		return STK_EXIT_OK;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return STK_EXIT_OK;
	}
	fprintf(stderr, "stockade: unknown command '%s'\n", cmd);
	usage(stderr);
	return STK_EXIT_USAGE;
}
