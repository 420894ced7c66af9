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
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "alert_cmd.h"
#include "alert_threshold.h"
#include "audit.h"
#include "canary.h"
#include "cgroup_path.h"
#include "commands.h"
#include "rate_opts.h"
#include "watch.h"
#include "event_format.h"
#include "kernel_check.h"
#include "tree_locks.h"
#include "log.h"
#include "metrics.h"
#include "enforcer.h"
#include "lsm_guard.h"
#include "notify.h"
#include "persist.h"
#include "pin.h"
#include "privdrop.h"
#include "privsep.h"
#include "status_file.h"
#include "container_roots.h"
#include "generation.h"
#include "policy_load.h"
#include "policy_perm.h"
#include "resolve.h"
#include "run_opts.h"
#include "run_state.h"

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t reopen_requested;
static volatile sig_atomic_t forbidden_requested;

static void on_reopen(int sig)
{
	(void)sig;
	reopen_requested = 1;
}

static void on_forbidden(int sig)
{
	(void)sig;
	forbidden_requested = 1;
}

static void on_stop(int sig)
{
	stop_signal = sig;
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

/* Events the replaced programs left: their rule numbers are the old policy's, so none is named. */
static void drain_old(int events_fd, void *arg)
{
	struct run_state *st = arg;
	struct ring_buffer *rb = ring_buffer__new(events_fd, stk_run_on_event, st, NULL);

	if (!rb) {
		stk_warn("events", "the replaced programs' buffered events are lost: %s",
			 strerror(errno));
		return;
	}
	st->fmt.rules = NULL;
	st->fmt.n_rules = 0;
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	stk_audit_flush(st->audit);
}

/*
 * The monitor's tick: the kernel counts every decision and every lost
 * event since load (across agent restarts); the audit log hears about
 * suppressed and lost events, the metrics and status files see all.
 */
static void monitor_tick(void *arg)
{
	struct run_state *st = arg;
	struct stk_watch_policy pol = {
		.fmt = &st->fmt,
		.gen = st->gen,
		.reloads = st->info ? st->info->reloads : 0,
		.loaded_at = st->policy_loaded_at,
		.load_seconds = st->policy_load_seconds,
		.pin_dir = st->opts ? st->opts->pin_dir : NULL,
	};
	uint64_t lost;

	stk_watch_read(&st->watch);
	lost = stk_watch_report(&st->watch, st->ps, st->gen);
	stk_watch_retire(&st->watch);
	if (lost)
		stk_warn("events", "%llu events were lost (ring buffer full or no agent reading); "
				   "%llu in all since the programs were loaded",
			 (unsigned long long)lost,
			 (unsigned long long)st->watch.counters[STK_CNT_LOST]);
	stk_metrics_set_enforcement(stk_canary_active());
	if (st->opts && st->opts->metrics_file)
		stk_watch_metrics(&st->watch, st->opts->metrics_file, &pol);
	if (st->info) {
		st->info->decisions = stk_watch_decisions_json(&st->watch, &pol);
		stk_status_write(st->info);
		json_object_put(st->info->decisions);
		st->info->decisions = NULL;
	}
}

static void write_status(struct run_state *st)
{
	int err = stk_status_write(st->info);

	if (err)
		stk_warn("run", "writing the status file failed: %s", strerror(-err));
}

/* A stopped exec waits for its container's root: serve it at once. */
static void on_root_request(void *arg)
{
	struct run_state *st = arg;

	stk_roots_serve(st->roots);
}

/* The monitor's tick: lost events, and the canary when it is due. */
static void on_tick(void *arg)
{
	struct run_state *st = arg;
	const struct stk_canary_state *c = stk_canary_state();

	monitor_tick(st);
	if (st->roots)
		stk_roots_prune(st->roots);
	if (!st->opts->canary_interval || !st->info ||
	    time(NULL) - c->last_run < (time_t)st->opts->canary_interval)
		return;
	stk_canary_check("periodic");
	write_status(st);
}

static int reopen_log(void *arg)
{
	struct run_state *st = arg;
	const char *path = stk_audit_path(st->audit);

	return path ? stk_audit_open_file(path) : -ENOENT;
}

/*
 * Where a reader's sequence numbers start: the microseconds since boot.
 * Readers are restarted (reload, agent restart) without a way to hand
 * their last number on, and this keeps seq increasing through the boot as
 * long as no reader wrote more than a million events a second since it
 * started.
 */
static uint64_t seq_base(uint64_t seq)
{
	struct timespec boot;
	uint64_t us;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	us = (uint64_t)boot.tv_sec * 1000000 + (uint64_t)boot.tv_nsec / 1000;
	return us > seq ? us : seq;
}

/* At most once a minute: a storm must not become a storm of warnings. */
static void report_dropped_alerts(struct run_state *st)
{
	long long now = mono_ms();

	if (st->alerts_dropped == st->alerts_dropped_reported ||
	    (st->alerts_reported_ms && now - st->alerts_reported_ms < 60000))
		return;
	st->alerts_reported_ms = now;
	stk_warn("alert", "%llu alert commands dropped: the launcher is behind",
		 (unsigned long long)(st->alerts_dropped - st->alerts_dropped_reported));
	st->alerts_dropped_reported = st->alerts_dropped;
}

static int mark_reader(pid_t reader, void *arg)
{
	struct run_state *st = arg;

	return stk_enforcer_mark_process(st->enf, reader);
}

/* The reader: unprivileged, turns events into audit lines until SIGTERM. */
static int run_reader(struct run_state *st, struct stk_privsep *ps, const struct stk_ids *ids,
		      bool debug_forbidden, struct ring_buffer *rb)
{
	int err, fd;

	/*
	 * The monitor marks the reader as the agent before it goes on: its
	 * syslog must work where a policy denies unix sockets (SECURITY.md says
	 * what else that exempts).
	 */
	err = stk_privsep_reader_wait_go(ps);
	if (err)
		return STK_EXIT_FAIL; /* the monitor said why */
	/* Only the ring buffer: no fd left could change what is enforced. */
	stk_close_bpf_fds_except(stk_enforcer_events_fd(st->enf));
	signal(SIGUSR1, on_reopen);
	signal(SIGHUP, SIG_IGN); /* reload is the monitor's business */
	if (debug_forbidden)
		signal(SIGUSR2, on_forbidden);
	err = stk_privdrop(ids);
	/* No process of the reader's user may ptrace it and borrow its mark. */
	if (!err && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		err = -errno;
	if (!err)
		err = stk_privsep_reader_bind(ps);
	/* Unprivileged, and before seccomp: commands must not inherit the allow-list. */
	if (!err && st->opts->alert_cmd.path) {
		err = stk_alert_cmd_start(&st->opts->alert_cmd, &st->alert_fd);
		if (err)
			stk_err("alert", "starting the alert command launcher failed: %s",
				strerror(-err));
	}
	if (!err)
		err = stk_seccomp_reader();
	if (!err)
		err = stk_privsep_reader_ready(ps);
	if (err) {
		stk_err("privdrop", "dropping privileges to %s failed: %s", ids->name,
			strerror(err < 0 ? -err : err));
		return STK_EXIT_FAIL;
	}
	st->seq = seq_base(st->seq);
	while (!stop_signal) {
		err = ring_buffer__poll(rb, 1000);
		if (err < 0 && err != -EINTR) {
			stk_err("events", "reading events failed: %s", strerror(-err));
			break;
		}
		stk_run_write_reports(st, ps);
		stk_audit_flush(st->audit);
		/* Wall-clock jumps (NTP, suspend) must not skew event times. */
		st->fmt.boot_to_real_ns = boot_to_real_ns();
		if (reopen_requested) {
			reopen_requested = 0;
			while ((fd = stk_privsep_recv_fd(ps)) >= 0)
				stk_audit_use_fd(st->audit, fd);
		}
		report_dropped_alerts(st);
		if (forbidden_requested) /* test switch: seccomp must kill us here */
			syscall(SYS_bpf, 12 /* BPF_PROG_GET_NEXT_ID */, NULL, 0);
	}
	/* Whatever the kernel already queued belongs in the log. */
	ring_buffer__consume(rb);
	stk_run_write_reports(st, ps);
	stk_audit_flush(st->audit);
	return stop_signal ? STK_EXIT_OK : STK_EXIT_FAIL;
}

/*
 * SIGHUP: re-read, check and compile the policy, and switch to it in one
 * step; on any error the old policy stays in force. On success st->set is
 * the new one (the caller restarts the reader so events name its rules).
 */
static int reload(struct run_state *st, const struct run_opts *o, char *why, size_t why_len)
{
	struct stk_enforcer_input in = { .ringbuf_bytes = o->ringbuf_bytes };
	struct stk_policy_set *set = NULL;
	struct stk_file_maps maps = {};
	struct stk_diags diags = {};
	int err;

	why[0] = '\0';
	err = stk_policy_set_load(o->policies, o->n_policies, &set, &diags);
	if (!err)
		err = stk_policy_perm_check(set, o->policies, o->n_policies, &diags);
	stk_diags_print(&diags, stderr);
	if (err) {
		snprintf(why, why_len, "the policy has %zu error(s)", diags.n_errors);
		goto cleanup;
	}
	err = stk_resolve_files(set->compiled, &maps, warn_unresolved, NULL);
	if (err) {
		snprintf(why, why_len, "resolving rule paths failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_canary_add_rule(&maps);
	if (err) {
		snprintf(why, why_len, "setting up the canary failed: %s", strerror(-err));
		goto cleanup;
	}
	in.compiled = set->compiled;
	in.file_maps = &maps;
	if (st->roots) {
		in.fill_extra = stk_roots_fill_generation;
		in.fill_extra_arg = st->roots;
	}
	err = stk_enforcer_reload(o->pin_dir, &in, why, why_len);
	if (err)
		goto cleanup;
	if (why[0])
		stk_warn("reload", "%s", why);
	if (stk_persist_record(o->pin_dir, stk_enforcer_digest(&in)))
		stk_warn("reload", "recording the new policy's digest failed: a restart will "
				   "replace rather than adopt the programs");
	stk_info("reload", "enforcing %zu policies, %zu rules (%zu inode and %zu name keys)",
		 set->n_pols, set->n_rules, maps.n_inodes, maps.n_names);
	stk_policy_set_free(st->set);
	st->set = set;
	set = NULL;
	st->fmt.rules = st->set->compiled->rules;
	st->fmt.n_rules = st->set->compiled->n_rules;
	if (st->roots)
		stk_roots_set_policy(st->roots, st->set->compiled);
cleanup:
	if (err)
		stk_err("reload", "not reloaded, the old policy stays in force: %s", why);
	stk_file_maps_free(&maps);
	stk_policy_set_free(set);
	stk_diags_free(&diags);
	/* As after start: the kernel holds the policy, give back what loading needed. */
	if (!err)
		stk_policy_set_release_sources(st->set);
	malloc_trim(0);
	return err;
}

/* The generation in force, 0 if unknown (events are then taken as they are). */
static uint32_t active_gen(const char *pin_dir)
{
	int fd = stk_pin_open_map(pin_dir, "stk_config", BPF_F_RDONLY);
	uint32_t gen = 0;

	if (fd >= 0) {
		if (stk_gen_active(fd, &gen))
			gen = 0;
		close(fd);
	}
	return gen;
}

/*
 * Serves the container-root gate from now on: requests queued while no
 * agent ran (pins adopted) first, then the containers running already.
 */
static void start_roots(struct run_state *st, const struct run_opts *o, const char *cgmount)
{
	int err = cgmount[0] ? stk_roots_open(&st->roots, o->pin_dir, cgmount) : -ENOENT;

	if (err) {
		st->roots = NULL;
		if (st->set->compiled->n_scopes)
			stk_warn("roots", "scoped policies' paths are resolved in the agent's root "
					  "only: %s", cgmount[0] ? strerror(-err) :
					  "no cgroup v2 hierarchy is mounted");
		return;
	}
	stk_roots_set_policy(st->roots, st->set->compiled);
	stk_roots_serve(st->roots);
	err = stk_roots_scan_existing(st->roots);
	if (err)
		stk_warn("roots", "resolving the roots of running containers failed: %s",
			 strerror(-err));
}

/* Forks a reader and waits until it runs unprivileged; 0 or STK_EXIT_FAIL. */
static int start_reader(struct run_state *st, struct stk_privsep *ps, const struct stk_ids *ids)
{
	const char *dbg = getenv("STK_DEBUG_FORBIDDEN_SYSCALL");
	struct ring_buffer *rb;
	int err, wst = 0;

	/*
	 * The monitor maps the ring buffer and the reader inherits the mapping:
	 * the reader then never calls bpf(), which a policy may deny to every
	 * process but the (marked) agent, and which it could not call anyway
	 * once unprivileged on older kernels.
	 */
	rb = ring_buffer__new(stk_enforcer_events_fd(st->enf), stk_run_on_event, st, NULL);
	if (!rb) {
		stk_err("events", "setting up the event reader failed: %s", strerror(errno));
		return STK_EXIT_FAIL;
	}
	err = stk_privsep_fork(ps);
	if (err) {
		ring_buffer__free(rb);
		stk_err("run", "starting the event reader failed: %s", strerror(-err));
		return STK_EXIT_FAIL;
	}
	if (ps->is_reader)
		_exit(run_reader(st, ps, ids, dbg && !strcmp(dbg, "1"), rb));
	ring_buffer__free(rb); /* the reader has its own copy of the mapping */
	err = stk_privsep_release_reader(ps, mark_reader, st);
	if (err)
		stk_err("privdrop", "marking the event reader as the agent failed: %s",
			strerror(-err));
	if (err || stk_privsep_wait_ready(ps)) {
		waitpid(ps->reader, &wst, 0);
		stk_err("run", "the event reader failed to start (%s %d)",
			WIFSIGNALED(wst) ? "signal" : "exit status",
			WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst));
		return STK_EXIT_FAIL;
	}
	return 0;
}

/* Forks the reader and supervises it; returns when the agent should end. */
static int run_split(struct run_state *st, const struct run_opts *o, const struct stk_ids *ids)
{
	struct stk_monitor_ops ops = { .tick = on_tick, .reopen_log = reopen_log, .arg = st,
				       .wake = st->roots ? on_root_request : NULL,
				       .wake_fd = st->roots ? stk_roots_wake_fd(st->roots) : -1 };
	struct stk_status_info info = {
		.pin_dir = o->pin_dir,
		.user = ids->name,
		.adopted = stk_enforcer_adopted(st->enf),
		.persist = o->persist,
		.file_cache = st->file_cache,
		.policy_args = o->policies,
		.n_policy_args = o->n_policies,
		.agent_pid = getpid(),
		.canary = stk_canary_state(),
	};
	const char *when = info.adopted ? "start, adopted programs" : "start";
	char why[1024];
	struct stk_privsep ps;
	int err, sig, wst = 0;
	long long t_reload;

	st->info = &info;
	for (;;) {
		st->gen = active_gen(o->pin_dir);
		if (start_reader(st, &ps, ids))
			return STK_EXIT_FAIL;
		st->ps = &ps;
		info.reader_pid = ps.reader;
		info.set = st->set;
		info.started = time(NULL); /* the ticks rewrite the file: keep this */
		/* Proven through the reader that runs now, so the event must reach it. */
		err = stk_canary_check(when);
		write_status(st);
		if (err && !info.reloads) {
			stk_err("run", "not starting: enforcement could not be proven");
			stk_privsep_stop_reader(&ps);
			return STK_EXIT_FAIL;
		}
		stk_notify(err ? "READY=1\nSTATUS=NOT ENFORCING: the canary failed" :
				 "READY=1\nSTATUS=enforcing");
		/* Failed reloads keep the reader; a successful one restarts it. */
		while ((sig = stk_privsep_monitor(&ps, &ops, &wst)) == SIGHUP) {
			stk_notify("RELOADING=1");
			t_reload = mono_ms();
			err = reload(st, o, why, sizeof(why));
			info.reloads++;
			if (!err) {
				st->policy_loaded_at = time(NULL);
				st->policy_load_seconds = (mono_ms() - t_reload) / 1000.0;
			}
			info.last_reload = err ? why : "ok";
			if (!err)
				break;
			write_status(st);
			stk_notify("READY=1\nSTATUS=enforcing (reload failed)");
		}
		if (sig != SIGHUP)
			break;
		/* The old reader drains what it can; the rest waits in the ring buffer. */
		st->ps = NULL;
		stk_privsep_stop_reader(&ps);
		when = "reload";
	}
	/* Both live on this stack frame. */
	st->ps = NULL;
	st->info = NULL;
	if (sig) {
		stk_info("run", "stopping on signal %d", sig);
		return STK_EXIT_OK;
	}
	if (WIFSIGNALED(wst))
		stk_err("run", "the event reader was killed by signal %d (%s)", WTERMSIG(wst),
			strsignal(WTERMSIG(wst)));
	else
		stk_err("run", "the event reader exited with status %d", WEXITSTATUS(wst));
	return STK_EXIT_FAIL;
}

int stk_cmd_run(int argc, char **argv)
{
	struct run_opts o = {};
	struct run_state *st;
	struct stk_diags diags = {};
	struct stk_file_maps maps = {};
	struct stk_enforcer *enf = NULL;
	struct stk_enforcer_input in = {};
	struct stk_ids ids;
	char why[1024], cgmount[4096] = "";
	int err, status = STK_EXIT_FAIL;
	long long t_start = mono_ms();
	size_t n_inodes, n_names;

	st = calloc(1, sizeof(*st));
	if (!st)
		return STK_EXIT_FAIL;
	st->alert_fd = -1;
	st->opts = &o;
	st->stopping = &stop_signal;
	if (stk_run_parse_opts(argc, argv, &o)) {
		stk_run_usage(stderr);
		status = STK_EXIT_USAGE;
		goto cleanup;
	}
	st->threshold.count = o.alert_count;
	st->threshold.seconds = o.alert_seconds;
	if (o.alert_cmd.path) {
		err = stk_alert_cmd_check(o.alert_cmd.path);
		if (err) {
			stk_err("alert", "the alert command %s cannot be run: %s",
				o.alert_cmd.path,
				err == -EINVAL ? "not an absolute path to a regular file" :
						 strerror(-err));
			status = STK_EXIT_USAGE;
			goto cleanup;
		}
	}
	err = stk_kernel_check(why, sizeof(why));
	if (err) {
		stk_err("kernel", "%s", why);
		goto cleanup;
	}
	err = stk_policy_set_load(o.policies, o.n_policies, &st->set, &diags);
	if (!err)
		err = stk_policy_perm_check(st->set, o.policies, o.n_policies, &diags);
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
	err = stk_canary_init(o.pin_dir, o.syslog);
	if (!err)
		err = stk_canary_add_rule(&maps);
	if (err) {
		stk_err("canary", "setting up the canary file failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_ids_lookup(o.user, &ids);
	if (err) {
		stk_err("privdrop", "cannot run the event reader as user %s: %s", o.user,
			strerror(-err));
		goto cleanup;
	}
	err = stk_audit_open(&st->audit, o.audit_log, o.syslog);
	if (err) {
		stk_err("audit", "cannot open the audit log %s: %s", o.audit_log, strerror(-err));
		goto cleanup;
	}
	stk_audit_set_facility(st->audit, o.syslog_facility);
	if (stk_cgroup2_mount(cgmount, sizeof(cgmount)) == 0)
		stk_cgroup_names_new(&st->cgroups, cgmount);
	else
		stk_warn("cgroup", "no cgroup v2 hierarchy is mounted: events carry no cgroup path");

	in.compiled = st->set->compiled;
	in.file_maps = &maps;
	in.ringbuf_bytes = o.ringbuf_bytes;
	st->fmt.boot_to_real_ns = boot_to_real_ns();
	if (gethostname(st->host, sizeof(st->host) - 1) == 0)
		st->fmt.host = st->host;
	st->fmt.cgroup_path = cgroup_name;
	st->fmt.cgroup_arg = st;
	why[0] = '\0';
	/* As the loaders below give the programs the addresses (tree_locks.c). */
	st->file_cache = stk_tree_locks_known();
	err = stk_persist_start(&enf, &in, o.pin_dir, drain_old, st, why, sizeof(why));
	if (!err)
		err = setup_signals();
	if (err) {
		if (!why[0])
			snprintf(why, sizeof(why), "setting up signals failed: %s", strerror(-err));
		stk_err("kernel", "%s", why);
		goto cleanup;
	}
	st->enf = enf;
	err = stk_guard_setup(o.pin_dir, &o.guard, why, sizeof(why));
	if (err && o.guard.protect) {
		stk_err("protect", "self-protection is not in force: %s; the programs stay "
			"pinned under %s and enforcing, 'stockade unload' removes them", why,
			o.pin_dir);
		goto cleanup;
	}
	if (!st->file_cache && !stk_enforcer_adopted(enf))
		stk_warn("kernel", "the file decision caches are off: %s, so every file decision "
				   "walks the whole path (docs/performance.md)",
			 stk_tree_locks_missing());
	if (o.guard.protect)
		stk_info("protect", "self-protection is on: only processes the launcher (pid %d) "
				    "starts as stockade can stop or change it",
			 (int)o.guard.launcher_pid);
	st->fmt.rules = st->set->compiled->rules;
	st->fmt.n_rules = st->set->compiled->n_rules;
	start_roots(st, &o, cgmount);
	n_inodes = maps.n_inodes;
	n_names = maps.n_names;
	/* The kernel holds the policy now: give back what loading needed. */
	stk_file_maps_free(&maps);
	stk_policy_set_release_sources(st->set);
	malloc_trim(0);
	stk_info("run", "enforcing %zu policies, %zu rules (%zu inode and %zu name keys), "
		 "ready in %lld ms",
		 st->set->n_pols, st->set->n_rules, n_inodes, n_names, mono_ms() - t_start);
	st->policy_loaded_at = time(NULL);
	st->policy_load_seconds = (mono_ms() - t_start) / 1000.0;
	st->opts = &o;
	stk_watch_start(&st->watch, stk_enforcer_counters_fd(enf), stk_enforcer_decisions_fd(enf),
			stk_enforcer_rate_fd(enf), stk_enforcer_events_fd(enf), &o.rate, cgmount);

	status = run_split(st, &o, &ids);
	/* Unloading: let no exec wait for a monitor that is leaving. */
	stk_roots_stop(st->roots, status == STK_EXIT_OK && !o.persist);
	st->roots = NULL;
	if (status == STK_EXIT_OK && !o.persist) {
		/*
		 * Our fds first: then the pins hold the last references, and
		 * removing them waits until the kernel has detached.
		 */
		stk_enforcer_destroy(enf);
		enf = NULL;
		err = stk_pin_remove_all(o.pin_dir);
		if (err)
			stk_err("run", "removing the pins under %s failed: %s", o.pin_dir,
				strerror(-err));
		stk_status_remove(o.pin_dir);
		stk_info("run", "enforcement ends");
	} else {
		stk_info("run", "the programs stay pinned under %s and keep enforcing; "
				"'stockade run' adopts them, 'stockade unload' removes them",
			 o.pin_dir);
	}
cleanup:
	stk_notify("STOPPING=1");
	stk_roots_stop(st->roots, false);
	stk_enforcer_destroy(enf);
	stk_file_maps_free(&maps);
	stk_audit_close(st->audit);
	stk_cgroup_names_free(st->cgroups);
	stk_policy_set_free(st->set);
	stk_diags_free(&diags);
	stk_watch_free(&st->watch);
	free(st);
	return status;
}
