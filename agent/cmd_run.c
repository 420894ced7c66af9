// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_run.c - "stockade run": enforce policies and write the audit log.
 *
 * Order matters: everything that can fail on bad input (policy, audit log,
 * kernel support) is checked before anything is attached, so a failed
 * start changes nothing. Once attached, the agent only reads events.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "audit.h"
#include "cgroup_path.h"
#include "commands.h"
#include "event_format.h"
#include "kernel_check.h"
#include "log.h"
#include "enforcer.h"
#include "notify.h"
#include "policy_load.h"
#include "resolve.h"

#define RINGBUF_DEFAULT (4u << 20)
#define MAX_POLICY_ARGS 64

struct run_opts {
	char *policies[MAX_POLICY_ARGS];
	size_t n_policies;
	const char *audit_log;
	bool syslog;
	size_t ringbuf_bytes;
};

struct run_state {
	struct stk_policy_set *set;
	struct stk_audit *audit;
	struct stk_cgroup_names *cgroups;
	struct stk_format_ctx fmt;
	uint64_t seq;
	uint64_t bad_records;
	char host[256];
	char line[2 * STK_PATH_MAX + 4096];
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stockade run --policy FILE|DIR [--policy ...] [--audit-log FILE|none]\n"
		"                    [--syslog|--no-syslog] [--ringbuf-size BYTES] [-v]\n");
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "audit-log", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, 's' },
		{ "no-syslog", no_argument, NULL, 'S' },
		{ "ringbuf-size", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char *end;
	int opt;

	o->audit_log = STK_AUDIT_LOG_DEFAULT;
	o->syslog = true;
	o->ringbuf_bytes = RINGBUF_DEFAULT;
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
		case 'v':
			stk_log_init(1);
			break;
		case 'h':
			usage(stdout);
			exit(STK_EXIT_OK);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || !o->n_policies)
		return -EINVAL;
	return 0;
}

static int64_t boot_to_real_ns(void)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (real.tv_sec - boot.tv_sec) * 1000000000LL + (real.tv_nsec - boot.tv_nsec);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static const char *cgroup_name(uint64_t id, void *arg)
{
	struct run_state *st = arg;

	return st->cgroups ? stk_cgroup_names_get(st->cgroups, id) : NULL;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct run_state *st = ctx;
	const struct stk_event_hdr *h = data;
	struct json_out j;
	int err;

	json_out_init(&j, st->line, sizeof(st->line));
	err = stk_event_format(&st->fmt, ++st->seq, data, size, &j);
	if (err) {
		if (!st->bad_records++)
			stk_warn("events", "malformed event record (%zu bytes): %s", size,
				 strerror(-err));
		return 0;
	}
	err = stk_audit_write(st->audit, j.buf, j.len, (h->action & STK_ACT_MASK) == STK_ACT_DENY);
	if (err)
		stk_err("audit", "writing the audit log failed: %s", strerror(-err));
	return 0;
}

static void warn_unresolved(const char *path, int err, bool named, void *arg)
{
	(void)arg;
	if (named)
		stk_info("policy", "%s does not exist (%s); it is protected when it is created",
			 path, strerror(-err));
	else
		stk_warn("policy",
			 "%s and its directory do not exist (%s): the rule has no effect until "
			 "a restart after they exist",
			 path, strerror(-err));
}

static int setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	/* No SA_RESTART: the event loop must wake up to stop. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int stk_cmd_run(int argc, char **argv)
{
	struct run_opts o = {};
	struct run_state *st;
	struct stk_diags diags = {};
	struct stk_file_maps maps = {};
	struct stk_enforcer *enf = NULL;
	struct stk_enforcer_input in = {};
	struct ring_buffer *rb = NULL;
	char why[1024], cgmount[4096];
	int err, status = STK_EXIT_FAIL;
	long long t_start = mono_ms();
	size_t n_inodes, n_names;

	st = calloc(1, sizeof(*st));
	if (!st)
		return STK_EXIT_FAIL;
	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		status = STK_EXIT_USAGE;
		goto cleanup;
	}
	err = stk_kernel_check(why, sizeof(why));
	if (err) {
		stk_err("kernel", "%s", why);
		goto cleanup;
	}
	err = stk_policy_set_load(o.policies, o.n_policies, &st->set, &diags);
	stk_diags_print(&diags, stderr);
	if (err) {
		stk_err("policy", "not loaded: %zu error(s); nothing was changed", diags.n_errors);
		status = STK_EXIT_USAGE;
		goto cleanup;
	}
	err = stk_resolve_files(st->set->compiled, &maps, warn_unresolved, NULL);
	if (err) {
		stk_err("policy", "resolving rule paths failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_audit_open(&st->audit, o.audit_log, o.syslog);
	if (err) {
		stk_err("audit", "cannot open the audit log %s: %s", o.audit_log, strerror(-err));
		goto cleanup;
	}
	if (stk_cgroup2_mount(cgmount, sizeof(cgmount)) == 0)
		stk_cgroup_names_new(&st->cgroups, cgmount);
	else
		stk_warn("cgroup", "no cgroup v2 hierarchy is mounted: events carry no cgroup path");

	in.compiled = st->set->compiled;
	in.file_maps = &maps;
	in.ringbuf_bytes = o.ringbuf_bytes;
	why[0] = '\0';
	err = stk_enforcer_load(&enf, &in, why, sizeof(why));
	if (!err)
		err = setup_signals();
	if (!err) {
		rb = ring_buffer__new(stk_enforcer_events_fd(enf), on_event, st, NULL);
		if (!rb)
			err = -errno;
	}
	if (err) {
		if (!why[0])
			snprintf(why, sizeof(why), "setting up the event reader failed: %s",
				 strerror(-err));
		stk_err("kernel", "%s", why);
		goto cleanup;
	}
	st->fmt.rules = st->set->compiled->rules;
	st->fmt.n_rules = st->set->compiled->n_rules;
	st->fmt.boot_to_real_ns = boot_to_real_ns();
	if (gethostname(st->host, sizeof(st->host) - 1) == 0)
		st->fmt.host = st->host;
	st->fmt.cgroup_path = cgroup_name;
	st->fmt.cgroup_arg = st;

	err = stk_enforcer_attach(enf, why, sizeof(why));
	if (err) {
		stk_err("kernel", "%s", why);
		goto cleanup;
	}
	n_inodes = maps.n_inodes;
	n_names = maps.n_names;
	/* The kernel holds the policy now: give back what loading needed. */
	stk_file_maps_free(&maps);
	stk_policy_set_release_sources(st->set);
	malloc_trim(0);
	stk_info("run", "enforcing %zu policies, %zu rules (%zu inode and %zu name keys), "
		 "ready in %lld ms",
		 st->set->n_pols, st->set->n_rules, n_inodes, n_names, mono_ms() - t_start);
	stk_notify("READY=1\nSTATUS=enforcing");

	while (!stop_signal) {
		err = ring_buffer__poll(rb, 1000);
		if (err < 0 && err != -EINTR) {
			stk_err("events", "reading events failed: %s", strerror(-err));
			break;
		}
		stk_audit_flush(st->audit);
		/* Wall-clock jumps (NTP, suspend) must not skew event times. */
		st->fmt.boot_to_real_ns = boot_to_real_ns();
	}
	/* Whatever the kernel already queued belongs in the log. */
	ring_buffer__consume(rb);
	stk_audit_flush(st->audit);
	if (stop_signal) {
		stk_info("run", "stopping on signal %d; enforcement ends", (int)stop_signal);
		status = STK_EXIT_OK;
	}
cleanup:
	stk_notify("STOPPING=1");
	ring_buffer__free(rb);
	stk_enforcer_destroy(enf);
	stk_file_maps_free(&maps);
	stk_audit_close(st->audit);
	stk_cgroup_names_free(st->cgroups);
	stk_policy_set_free(st->set);
	stk_diags_free(&diags);
	free(st);
	return status;
}
