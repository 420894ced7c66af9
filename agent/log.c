// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log.c - the agent's diagnostics (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "log.h"

static int log_verbose;
static int log_syslog;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *line = NULL;
	size_t n;

	if (level == LIBBPF_DEBUG && !log_verbose)
		return 0;
	/* The verifier's log can be many kilobytes: it must not be cut. */
	if (vasprintf(&line, fmt, ap) < 0)
		return 0;
	n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	/* libbpf prefixes its own messages with "libbpf: ". */
	stk_log(level == LIBBPF_WARN ? LOG_WARNING : LOG_DEBUG, "libbpf", "%s",
		strncmp(line, "libbpf: ", 8) ? line : line + 8);
	free(line);
	return 0;
}

void stk_log_init(int verbose)
{
	log_verbose = verbose;
	libbpf_set_print(libbpf_print);
}

void stk_log_use_syslog(void)
{
	openlog("stockade", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = 1;
}

void stk_log(int prio, const char *feature, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int n;

	if (prio == LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(stderr, "stockade: %s: %s\n", feature, msg);
	if (log_syslog)
		syslog(LOG_DAEMON | prio, "%s: %s", feature, msg);
	free(msg);
}
