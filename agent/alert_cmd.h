/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * alert_cmd.h - the alert command (--alert-command PATH).
 *
 * The reader runs under a seccomp allow-list that a command would inherit
 * across execve, so commands are started by a launcher process forked from
 * the reader after its privileges are dropped and before seccomp: the same
 * unprivileged user, no capabilities, no_new_privs. The reader hands each
 * alert's JSON to the launcher over a non-blocking SOCK_SEQPACKET socket
 * (one message per event, never half of one); a full socket drops the alert
 * rather than block event processing. The launcher rate-limits, runs the
 * command with the JSON line on stdin, reaps it and kills it after a
 * timeout. It ends when the reader's end of the socket closes.
 */
#ifndef STK_ALERT_CMD_H
#define STK_ALERT_CMD_H

#include <stddef.h>

struct stk_alert_cmd_opts {
	const char *path;      /* absolute path of the command */
	unsigned int per_min;  /* commands started per minute at most (burst as many) */
	unsigned int max_running;
	unsigned int timeout_s; /* a command still running then is killed */
};

/* Checks @path before anything is attached: absolute, a regular executable file. */
int stk_alert_cmd_check(const char *path);
/*
 * stk_alert_cmd_start() - forks the launcher (detached: the reader never
 * waits for it) and returns the reader's end of the socket in @ret_fd.
 */
int stk_alert_cmd_start(const struct stk_alert_cmd_opts *o, int *ret_fd);
/* Sends one alert; -EAGAIN when the launcher is behind (the alert is dropped). */
int stk_alert_cmd_send(int fd, const char *json, size_t len);

#endif /* STK_ALERT_CMD_H */
