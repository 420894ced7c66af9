// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * floor.c - attach the empty programs of floor.bpf.c and run a command
 * under them: stk-bench-floor CMD [ARGS...]. Benchmarks only.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "floor.skel.h"

int main(int argc, char **argv)
{
	struct stk_bench_floor_bpf *skel;
	int st = 1;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: stk-bench-floor CMD [ARGS...]\n");
		return 2;
	}
	skel = stk_bench_floor_bpf__open_and_load();
	if (!skel || stk_bench_floor_bpf__attach(skel)) {
		fprintf(stderr, "stk-bench-floor: cannot load or attach the empty programs\n");
		stk_bench_floor_bpf__destroy(skel);
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	stk_bench_floor_bpf__destroy(skel);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
