// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_opts.c - the options of "stockade run" (see run_opts.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert_threshold.h"
#include "audit.h"
#include "canary.h"
#include "commands.h"
#include "log.h"
#include "pin.h"
#include "privdrop.h"
#include "rate_opts.h"
#include "run_opts.h"
#include "syslog_map.h"

/* systemd 255 and later exec services through this helper. */
#define SYSTEMD_EXECUTOR "/usr/lib/systemd/systemd-executor"

void stk_run_usage(FILE *f)
{
	fprintf(f,
		"usage: stockade run --policy FILE|DIR [--policy ...] [--audit-log FILE|none]\n"
		"                    [--syslog|--no-syslog] [--ringbuf-size BYTES] [--pin-dir DIR]\n"
		"                    [--user USER] [--persist] [--rate-limit N[/s|/m]]\n"
		"                    [--rate-burst B] [--metrics-file PATH] [--syslog-facility NAME]\n"
		"                    [--alert-command PATH] [--alert-rate N] [--alert-threshold N/M]\n"
		"                    [--audit-format json|ocsf] [--syslog-format json|kv|ocsf]\n"
		"                    [--canary-interval SECONDS] [--protect [--launcher-pid PID]\n"
		"                    [--launcher-via PATH]] [-v]\n");
}

/* A sink format's name; key=value only where @kv_ok (syslog). */
static int parse_format(const char *name, const char *opt, bool kv_ok, enum sink_format *ret)
{
	if (!strcmp(name, "json")) {
		*ret = FMT_JSON;
		return 0;
	}
	if (!strcmp(name, "ocsf")) {
		*ret = FMT_OCSF;
		return 0;
	}
	if (kv_ok && !strcmp(name, "kv")) {
		*ret = FMT_KV;
		return 0;
	}
	stk_err("run", "unknown %s '%s' (%s)", opt, name,
		kv_ok ? "json, kv or ocsf" : "json or ocsf");
	return -EINVAL;
}

int stk_run_parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "audit-log", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, 's' },
		{ "no-syslog", no_argument, NULL, 'S' },
		{ "ringbuf-size", required_argument, NULL, 'r' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "persist", no_argument, NULL, 'K' },
		{ "rate-limit", required_argument, NULL, 'R' },
		{ "rate-burst", required_argument, NULL, 'B' },
		{ "metrics-file", required_argument, NULL, 'M' },
		{ "syslog-facility", required_argument, NULL, 'F' },
		{ "alert-command", required_argument, NULL, 'A' },
		{ "alert-rate", required_argument, NULL, 'a' },
		{ "alert-threshold", required_argument, NULL, 'T' },
		{ "audit-format", required_argument, NULL, 'O' },
		{ "syslog-format", required_argument, NULL, 'Y' },
		{ "canary-interval", required_argument, NULL, 'C' },
		{ "protect", no_argument, NULL, 'G' },
		{ "launcher-pid", required_argument, NULL, 'L' },
		{ "launcher-via", required_argument, NULL, 'X' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char *end;
	int opt, err;
	bool burst_set = false;
	uint64_t interval;

	o->audit_log = STK_AUDIT_LOG_DEFAULT;
	o->syslog = true;
	o->ringbuf_bytes = RINGBUF_DEFAULT;
	o->pin_dir = STK_PIN_DIR_DEFAULT;
	o->user = STK_USER_DEFAULT;
	o->syslog_facility = STK_SYSLOG_FACILITY_DEFAULT;
	o->alert_cmd.per_min = 10;
	o->alert_cmd.max_running = 4;
	o->alert_cmd.timeout_s = 30;
	o->canary_interval = STK_CANARY_INTERVAL_DEFAULT;
	o->guard.launcher_pid = 1;
	o->guard.via_exe = access(SYSTEMD_EXECUTOR, X_OK) == 0 ? SYSTEMD_EXECUTOR : NULL;
	while ((opt = getopt_long(argc, argv, "p:l:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (o->n_policies == MAX_POLICY_ARGS)
				return -E2BIG;
			o->policies[o->n_policies++] = optarg;
			break;
		case 'l':
			o->audit_log = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case 's':
			o->syslog = true;
			break;
		case 'S':
			o->syslog = false;
			break;
		case 'r':
			o->ringbuf_bytes = strtoul(optarg, &end, 0);
			/* The kernel wants a power of two of at least a page. */
			if (*end || o->ringbuf_bytes < 4096 ||
			    (o->ringbuf_bytes & (o->ringbuf_bytes - 1)))
				return -EINVAL;
			break;
		case 'P':
			o->pin_dir = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'K':
			o->persist = true;
			break;
		case 'R':
			err = stk_parse_rate(optarg, &interval);
			if (err)
				return err;
			o->rate.interval_ns = interval;
			if (!burst_set)
				o->rate.burst = stk_rate_default_burst(o->rate.interval_ns);
			break;
		case 'B':
			o->rate.burst = strtoull(optarg, &end, 10);
			if (*end || !*optarg || o->rate.burst > 1000000)
				return -EINVAL;
			burst_set = true;
			break;
		case 'M':
			o->metrics_file = optarg;
			break;
		case 'F':
			o->syslog_facility = stk_syslog_facility(optarg);
			if (o->syslog_facility < 0) {
				stk_err("run", "unknown syslog facility '%s' (authpriv, auth, daemon, "
					"user, local0 .. local7, ...)", optarg);
				return -EINVAL;
			}
			break;
		case 'A':
			o->alert_cmd.path = optarg;
			break;
		case 'O':
			if (parse_format(optarg, "--audit-format", false, &o->audit_format))
				return -EINVAL;
			break;
		case 'Y':
			if (parse_format(optarg, "--syslog-format", true, &o->syslog_format))
				return -EINVAL;
			break;
		case 'a':
			o->alert_cmd.per_min = strtoul(optarg, &end, 10);
			if (*end || !o->alert_cmd.per_min || o->alert_cmd.per_min > 100000) {
				stk_err("run", "--alert-rate wants alert commands per minute, 1 .. 100000");
				return -EINVAL;
			}
			break;
		case 'T':
			if (stk_alert_threshold_parse(optarg, &o->alert_count, &o->alert_seconds)) {
				stk_err("run", "--alert-threshold wants N/M: N denials (1 .. 1000000) "
					"in M seconds (1 .. 1000000), got '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'C':
			errno = 0;
			o->canary_interval = strtoul(optarg, &end, 10);
			if (*end || !*optarg || errno || o->canary_interval > 86400)
				return -EINVAL;
			break;
		case 'G':
			o->guard.protect = true;
			break;
		case 'L':
			o->guard.launcher_pid = (pid_t)strtol(optarg, &end, 10);
			if (*end || o->guard.launcher_pid < 1)
				return -EINVAL;
			break;
		case 'X':
			o->guard.via_exe = optarg;
			break;
		case 'v':
			stk_log_init(1);
			break;
		case 'h':
			stk_run_usage(stdout);
			exit(STK_EXIT_OK);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || !o->n_policies)
		return -EINVAL;
	return 0;
}
