/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * run_opts.h - the options of "stockade run" (stockade(8)).
 */
#ifndef STK_RUN_OPTS_H
#define STK_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert_cmd.h"
#include "lsm_guard.h"
#include "stk_abi.h"

#define RINGBUF_DEFAULT (4u << 20)
#define MAX_POLICY_ARGS 64

/* What a sink writes: the native JSON of docs/audit.md, key=value, or OCSF. */
enum sink_format {
	FMT_JSON = 0,
	FMT_KV = 1,
	FMT_OCSF = 2,
};

struct run_opts {
	char *policies[MAX_POLICY_ARGS];
	size_t n_policies;
	const char *audit_log;
	bool syslog;
	size_t ringbuf_bytes;
	const char *pin_dir;
	const char *user;
	bool persist;
	struct stk_rate_config rate; /* interval_ns 0: no rate limit */
	const char *metrics_file;
	int syslog_facility;
	enum sink_format audit_format, syslog_format;
	struct stk_alert_cmd_opts alert_cmd; /* path NULL: no alert command */
	uint32_t alert_count, alert_seconds; /* --alert-threshold N/M; 0: none */
	unsigned int canary_interval; /* seconds between repeated canaries; 0: none */
	struct stk_guard_opts guard;
};

/* Prints the synopsis of "stockade run" to @f. */
void stk_run_usage(FILE *f);
/*
 * stk_run_parse_opts() - fills @o (zeroed by the caller) from the command
 * line, defaults first. --help prints the usage and exits.
 * Return: 0, or a negative errno for a bad or missing option.
 */
int stk_run_parse_opts(int argc, char **argv, struct run_opts *o);

#endif /* STK_RUN_OPTS_H */
