/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * commands.h - the stockade subcommands. Each returns the process's exit
 * status: 0 success, 1 failure, 2 bad usage or bad policy.
 */
#ifndef STK_COMMANDS_H
#define STK_COMMANDS_H

#define STK_EXIT_OK 0
#define STK_EXIT_FAIL 1
#define STK_EXIT_USAGE 2

int stk_cmd_run(int argc, char **argv);
int stk_cmd_check(int argc, char **argv);
int stk_cmd_log(int argc, char **argv);
int stk_cmd_status(int argc, char **argv);
int stk_cmd_unload(int argc, char **argv);
int stk_cmd_reload(int argc, char **argv);

#endif /* STK_COMMANDS_H */
