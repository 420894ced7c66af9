// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * syscalls.c - time one syscall pattern in a tight loop:
 *   stk-bench-syscalls open PATH ITERATIONS REPEATS
 * prints "median_ns min_ns max_ns" per operation over REPEATS runs.
 *   stk-bench-syscalls mkfiles DIR N
 * creates N empty files DIR/d<i/1000>/f<i> (rule targets for benchmarks).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double run_open(const char *path, long iters)
{
	long long t0 = now_ns();
	long i;
	int fd;

	for (i = 0; i < iters; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			exit(1);
		}
		close(fd);
	}
	return (double)(now_ns() - t0) / iters;
}

static int mkfiles(const char *dir, long n)
{
	char path[4096];
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		if (i % 1000 == 0) {
			snprintf(path, sizeof(path), "%s/d%ld", dir, i / 1000);
			mkdir(path, 0755);
		}
		snprintf(path, sizeof(path), "%s/d%ld/f%ld", dir, i / 1000, i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	double *v;
	long iters;
	int reps, r;

	if (argc == 4 && !strcmp(argv[1], "mkfiles"))
		return mkfiles(argv[2], atol(argv[3]));
	if (argc != 5 || strcmp(argv[1], "open")) {
		fprintf(stderr, "usage: stk-bench-syscalls open PATH ITERATIONS REPEATS\n");
		return 2;
	}
	iters = atol(argv[3]);
	reps = atoi(argv[4]);
	if (iters <= 0 || reps <= 0)
		return 2;
	v = calloc(reps, sizeof(*v));
	run_open(argv[2], iters / 10 + 1); /* warm caches */
	for (r = 0; r < reps; r++)
		v[r] = run_open(argv[2], iters);
	qsort(v, reps, sizeof(*v), cmp);
	printf("%.1f %.1f %.1f\n", v[reps / 2], v[0], v[reps - 1]);
	free(v);
	return 0;
}
