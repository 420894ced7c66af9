// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * events.c - the agent's event pipeline natively, on real events: the
 * network programs (agent/cgroup_sock.c, as the agent loads them) deny a
 * child's UDP connects in a cgroup this benchmark creates, the kernel queues
 * one record per denial, and one thread drains the ring buffer with
 * ring_buffer__poll() (epoll; every wakeup consumes all that is queued),
 * decodes and formats each record and writes it to the JSON file sink, as
 * the agent's reader does.
 *   stk-bench-events LOGFILE N
 * The child first makes N denials with nobody reading (the buffer is sized
 * to hold them), then the drain is timed: prints
 *   "NATIVE-pipeline real <events per CPU second> <events per second> <lost>".
 *
 * Safety: the programs attach only to <cgroup2>/stockade-test-<pid>, which
 * is removed, with the programs detached, on every exit path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "audit.h"
#include "cgroup_path.h"
#include "cgroup_sock.h"
#include "event_format.h"
#include "generation.h"
#include "json_out.h"
#include "persist.h"
#include "policy.h"
#include "shared_maps.h"

static const char policy_text[] =
	"{ \"stockade\": 1, \"name\": \"bench\", \"network\": { \"connect\": { \"rules\": [\n"
	"  { \"id\": \"no-10-255\", \"cidrs\": [\"10.255.0.0/16\"], \"action\": \"deny\" } ] } } }\n";

static char cg_dir[4096];
static struct stk_cgroup_sock *sock_set;

static void cleanup(void)
{
	stk_cgroup_sock_destroy(sock_set); /* detaches: the links go with it */
	sock_set = NULL;
	if (cg_dir[0] && stk_cgroup_remove(cg_dir))
		fprintf(stderr, "stk-bench-events: could not remove %s\n", cg_dir);
	cg_dir[0] = '\0';
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "stk-bench-events: %s: %s\n", what, strerror(err));
	exit(1);
}

struct reader {
	struct stk_format_ctx fmt;
	struct stk_audit *audit;
	uint64_t seq;
	char line[8192];
};

/* What the agent's reader does with a record (agent/cmd_run.c on_event). */
static int on_event(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;
	struct json_out j;
	struct stk_event_net ev;

	/* Rules come tagged with their generation: the reader's own_rule() untags a copy. */
	if (size == sizeof(ev)) {
		memcpy(&ev, data, size);
		if (ev.hdr.rule != STK_RULE_NONE)
			ev.hdr.rule &= STK_GEN_RULE_MASK;
		data = &ev;
	}
	json_out_init(&j, r->line, sizeof(r->line));
	if (stk_event_format(&r->fmt, ++r->seq, data, size, &j) ||
	    stk_audit_write(r->audit, j.buf, j.len, true))
		return -EIO;
	return 0;
}

static const char *cgroup_name(uint64_t id, void *arg)
{
	(void)id;
	return arg;
}

/* In the test cgroup: N connects that the policy denies. */
static void produce(long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	char procs[4200];
	FILE *f;
	int fd;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_dir);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
		_exit(2);
	inet_pton(AF_INET, "10.255.0.1", &a.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	for (long i = 0; i < n; i++)
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EPERM)
			_exit(3);
	_exit(0);
}

static double secs(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct stk_shared_maps shared = STK_SHARED_MAPS_INIT;
	struct stk_diags diags = { 0 };
	struct stk_compiled *c = NULL;
	struct stk_policy *pol = NULL;
	struct reader r = { 0 };
	struct ring_buffer *rb;
	char mount[2048], why[512] = "";
	double cpu0, wall0, cpu, wall;
	size_t ring = 1 << 20;
	uint64_t lost = 0;
	long n;
	pid_t pid;
	int st, err;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: stk-bench-events LOGFILE N\n");
		return 2;
	}
	/* Each record takes its size plus an 8-byte header, rounded to 8. */
	while (ring < (size_t)n * (sizeof(struct stk_event_net) + 8))
		ring <<= 1;
	libbpf_set_print(NULL);
	if (stk_cgroup2_mount(mount, sizeof(mount)))
		fail("no cgroup v2 mount", ENOENT);
	snprintf(cg_dir, sizeof(cg_dir), "%s/stockade-test-%d", mount, getpid());
	if (mkdir(cg_dir, 0755)) {
		cg_dir[0] = '\0';
		fail("creating the test cgroup", errno);
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	alarm(600);

	err = stk_policy_parse("bench", policy_text, sizeof(policy_text) - 1, &pol, &diags);
	if (!err)
		err = stk_compile(&pol, 1, &c, &diags);
	stk_diags_print(&diags, stderr);
	if (err)
		fail("the policy", -err);
	err = stk_cgroup_sock_load(&sock_set, c->net, &shared, ring, why, sizeof(why));
	if (!err)
		err = stk_cgroup_sock_attach(sock_set, cg_dir, why, sizeof(why));
	if (err)
		fail(why, -err);

	pid = fork();
	if (pid == 0)
		produce(n);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the denied connects did not all fail with EPERM", EIO);

	r.fmt.rules = c->rules;
	r.fmt.n_rules = c->n_rules;
	r.fmt.host = "bench-host";
	r.fmt.cgroup_path = cgroup_name;
	r.fmt.cgroup_arg = cg_dir + strlen(mount);
	err = stk_audit_open(&r.audit, argv[1], false);
	if (err)
		fail(argv[1], -err);
	rb = ring_buffer__new(shared.events_fd, on_event, &r, NULL);
	if (!rb)
		fail("ring buffer", errno);
	cpu0 = secs(CLOCK_THREAD_CPUTIME_ID);
	wall0 = secs(CLOCK_MONOTONIC);
	while (r.seq < (uint64_t)n && (err = ring_buffer__poll(rb, 1000)) > 0)
		stk_audit_flush(r.audit);
	stk_audit_flush(r.audit);
	cpu = secs(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	wall = secs(CLOCK_MONOTONIC) - wall0;
	if (err < 0)
		fail("reading events", -err);
	stk_counter_read(shared.counters_fd, STK_CNT_LOST, &lost);
	printf("NATIVE-pipeline real %.0f %.0f %llu %llu\n", r.seq / cpu, r.seq / wall,
	       (unsigned long long)lost, (unsigned long long)r.seq);
	ring_buffer__free(rb);
	stk_audit_close(r.audit);
	stk_compiled_free(c);
	stk_policy_free(pol);
	stk_diags_free(&diags);
	return r.seq == (uint64_t)n ? 0 : 1;
}
