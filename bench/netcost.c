// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netcost.c - what the cgroup socket programs cost connect and bind
 * natively (this host runs cgroup programs; only the LSM part needs the VM).
 *   stk-bench-netcost SYSCALLS N ROUNDS NAME=POLICY...
 * In a cgroup of its own, every round measures, one after the other:
 *   bare    no programs
 *   floor   the empty cgroup programs of floor.bpf.c
 *   NAME    stockade's network programs (agent/cgroup_sock.c, as the agent
 *           loads them) with POLICY's network rules
 * each by running "SYSCALLS connect N" and "SYSCALLS bind N"
 * (stk-bench-syscalls) in the cgroup. Configurations alternate within a
 * round, so drift on a shared host spreads over all of them. Prints
 *   NATIVE-net <round> <config> <connect|bind> <ns per operation>
 *
 * Safety: programs attach only to <cgroup2>/stockade-test-netcost-<pid>,
 * which is removed, with the programs detached, on every exit path.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cgroup_path.h"
#include "cgroup_sock.h"
#include "floor.h"
#include "floor.skel.h"
#include "policy.h"
#include "policy_load.h"
#include "shared_maps.h"

#define MAX_FLOOR_LINKS 16

static char cg_dir[4096];
static struct stk_cgroup_sock *sock_set;
static struct stk_bench_floor_bpf *floor_skel;
static struct bpf_link *floor_links[MAX_FLOOR_LINKS];
static int n_floor_links;

static void detach_all(void)
{
	stk_cgroup_sock_destroy(sock_set); /* its links go with it */
	sock_set = NULL;
	while (n_floor_links > 0)
		bpf_link__destroy(floor_links[--n_floor_links]);
	stk_bench_floor_bpf__destroy(floor_skel);
	floor_skel = NULL;
}

static void cleanup(void)
{
	detach_all();
	if (cg_dir[0] && stk_cgroup_remove(cg_dir))
		fprintf(stderr, "stk-bench-netcost: could not remove %s\n", cg_dir);
	cg_dir[0] = '\0';
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void fail(const char *what, const char *why)
{
	fprintf(stderr, "stk-bench-netcost: %s: %s\n", what, why);
	exit(1);
}

/* The empty cgroup programs only: this host refuses the floor's LSM ones. */
static void attach_floor(void)
{
	struct bpf_program *prog;
	int cg_fd;

	floor_skel = stk_bench_floor_bpf__open();
	if (!floor_skel)
		fail("opening the empty programs", strerror(errno));
	bpf_object__for_each_program(prog, floor_skel->obj)
		bpf_program__set_autoload(prog, stk_floor_is_cgroup(prog));
	if (stk_bench_floor_bpf__load(floor_skel))
		fail("loading the empty programs", strerror(errno));
	cg_fd = open(cg_dir, O_RDONLY | O_DIRECTORY);
	if (cg_fd < 0)
		fail(cg_dir, strerror(errno));
	bpf_object__for_each_program(prog, floor_skel->obj) {
		if (!stk_floor_is_cgroup(prog))
			continue;
		if (n_floor_links == MAX_FLOOR_LINKS ||
		    !(floor_links[n_floor_links++] = bpf_program__attach_cgroup(prog, cg_fd)))
			fail("attaching", bpf_program__name(prog));
	}
	close(cg_fd);
}

static void attach_stockade(const struct stk_compiled *c)
{
	struct stk_shared_maps shared = STK_SHARED_MAPS_INIT;
	char why[512] = "";
	int err;

	err = stk_cgroup_sock_load(&sock_set, c->net, &shared, 1 << 16, why, sizeof(why));
	if (!err)
		err = stk_cgroup_sock_attach(sock_set, cg_dir, why, sizeof(why));
	if (err)
		fail("stockade's network programs", why);
}

/* "SYSCALLS MODE N" in the test cgroup; returns its ns per operation. */
static double measure(const char *syscalls, const char *mode, const char *n)
{
	char procs[4200], out[64] = "";
	int pipefd[2], st;
	ssize_t len;
	pid_t pid;
	FILE *f;

	if (pipe(pipefd))
		fail("pipe", strerror(errno));
	pid = fork();
	if (pid == 0) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_dir);
		f = fopen(procs, "w");
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			_exit(126);
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		execl(syscalls, syscalls, mode, n, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	len = read(pipefd[0], out, sizeof(out) - 1);
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) || len <= 0)
		fail(mode, "the measuring child failed");
	out[len] = '\0';
	return atof(out);
}

static void measure_all(int round, const char *cfg, const char *syscalls, const char *n)
{
	printf("NATIVE-net %d %s connect %.1f\n", round, cfg, measure(syscalls, "connect", n));
	printf("NATIVE-net %d %s bind %.1f\n", round, cfg, measure(syscalls, "bind", n));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct stk_policy_set **sets;
	char mount[2048], *eq;
	int rounds, i, r, err;

	if (argc < 5 || (rounds = atoi(argv[3])) <= 0 || atol(argv[2]) <= 0) {
		fprintf(stderr, "usage: stk-bench-netcost SYSCALLS N ROUNDS NAME=POLICY...\n");
		return 2;
	}
	libbpf_set_print(NULL);
	sets = calloc(argc, sizeof(*sets));
	if (!sets)
		fail("memory", strerror(ENOMEM));
	for (i = 4; i < argc; i++) {
		struct stk_diags diags = { 0 };

		eq = strchr(argv[i], '=');
		if (!eq)
			fail(argv[i], "not NAME=POLICY");
		*eq = '\0';
		err = stk_policy_set_load(&(char *){ eq + 1 }, 1, &sets[i], &diags);
		stk_diags_print(&diags, stderr);
		stk_diags_free(&diags);
		if (err)
			fail(eq + 1, strerror(-err));
	}
	if (stk_cgroup2_mount(mount, sizeof(mount)))
		fail("cgroup v2", "no mount");
	snprintf(cg_dir, sizeof(cg_dir), "%s/stockade-test-netcost-%d", mount, getpid());
	if (mkdir(cg_dir, 0755)) {
		cg_dir[0] = '\0';
		fail("creating the test cgroup", strerror(errno));
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	alarm(1800);
	for (r = 1; r <= rounds; r++) {
		measure_all(r, "bare", argv[1], argv[2]);
		attach_floor();
		measure_all(r, "floor", argv[1], argv[2]);
		detach_all();
		for (i = 4; i < argc; i++) {
			attach_stockade(sets[i]->compiled);
			measure_all(r, argv[i], argv[1], argv[2]);
			detach_all();
		}
	}
	for (i = 4; i < argc; i++)
		stk_policy_set_free(sets[i]);
	free(sets);
	return 0;
}
