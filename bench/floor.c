// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * floor.c - attach the empty programs of floor.bpf.c and run a command under
 * them: stk-bench-floor CMD [ARGS...]. The cgroup programs go on the cgroup
 * this process runs in (the root cgroup in the bench VM), as the agent's do.
 * Benchmarks only: run it in the VM, never on a host. When the command
 * leaves kernel.bpf_stats_enabled on, it prints what the kernel counted per
 * program: "PROGCOST floor HOOK NAME RUNS NS" (bench/vm-bench.sh).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "floor.h"
#include "floor.skel.h"
#include "prog_stats.h"

#define MAX_CG_LINKS 8

/* Runs and time the kernel counted for each program that ran. */
static void print_costs(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info pi = {};
		__u32 len = sizeof(pi);
		const char *name = bpf_program__name(prog);

		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &pi, &len) || !pi.run_cnt ||
		    strncmp(name, "stk_floor_", 10))
			continue;
		/* Its hook: the name after "stk_floor_" (floor.bpf.c). */
		printf("PROGCOST floor %s %s %llu %llu\n", name + 10, name,
		       (unsigned long long)pi.run_cnt, (unsigned long long)pi.run_time_ns);
	}
}

/* The cgroup v2 directory of this process, from /proc/self/cgroup ("0::/path"). */
static int own_cgroup_fd(void)
{
	char line[4096], path[4200];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int fd = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s", line + 3);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (f)
		fclose(f);
	return fd;
}

int main(int argc, char **argv)
{
	struct bpf_link *cg_links[MAX_CG_LINKS] = { 0 };
	struct stk_bench_floor_bpf *skel;
	struct bpf_program *prog;
	int st = 1, n = 0, cg_fd = -1, i;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: stk-bench-floor CMD [ARGS...]\n");
		return 2;
	}
	skel = stk_bench_floor_bpf__open_and_load();
	/* The skeleton attaches the LSM programs; cgroup programs need a cgroup. */
	if (!skel || stk_bench_floor_bpf__attach(skel)) {
		fprintf(stderr, "stk-bench-floor: cannot load or attach the empty programs\n");
		goto out;
	}
	cg_fd = own_cgroup_fd();
	if (cg_fd < 0) {
		fprintf(stderr, "stk-bench-floor: cannot open this process's cgroup\n");
		goto out;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (!stk_floor_is_cgroup(prog))
			continue;
		if (n == MAX_CG_LINKS || !(cg_links[n++] = bpf_program__attach_cgroup(prog, cg_fd))) {
			fprintf(stderr, "stk-bench-floor: cannot attach %s\n", bpf_program__name(prog));
			goto out;
		}
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	if (stk_prog_stats_enabled())
		print_costs(skel->obj);
out:
	for (i = 0; i < n; i++)
		bpf_link__destroy(cg_links[i]);
	if (cg_fd >= 0)
		close(cg_fd);
	stk_bench_floor_bpf__destroy(skel);
	return st;
}
