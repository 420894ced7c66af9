// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * syscalls.c - time one operation in a tight loop and print the mean
 * nanoseconds per operation (one sample: bench/vm-bench.sh repeats and
 * interleaves the configurations, and takes medians).
 *   stk-bench-syscalls open PATH N      open(PATH)+close
 *   stk-bench-syscalls exec PATH N      posix_spawn(PATH)+wait: execve's cost
 *   stk-bench-syscalls spawn PATH N     fork+execve(PATH)+wait: launching a program
 *   stk-bench-syscalls connect N        connect() of a UDP socket to 127.0.0.1:9
 *   stk-bench-syscalls bind N           socket+bind(127.0.0.1:0)+close, UDP
 *   stk-bench-syscalls files DIR N      create N small files in DIR, then delete them
 *                                       (as OSBench "Create Files"): ns per file
 *   stk-bench-syscalls denied PATH N    open(PATH) N times, each must fail with EPERM
 *                                       (a source of audit events)
 *   stk-bench-syscalls mkfiles DIR N    create N empty files DIR/d<i/1000>/f<i>
 *                                       (rule targets; prints nothing)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void run_denied(const char *path, long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0 || errno != EPERM) {
			fprintf(stderr, "%s: open was not denied\n", path);
			exit(1);
		}
	}
}

static void run_open(const char *path, long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			die(path);
		close(fd);
	}
}

static void check_exit(const char *path, pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		die("wait");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "%s: exited with status %d\n", path, st);
		exit(1);
	}
}

/* posix_spawn shares our memory (vfork-like): the loop times execve, not copying a process. */
static void run_exec(const char *path, long n)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };

	for (long i = 0; i < n; i++) {
		pid_t pid;
		int err = posix_spawn(&pid, path, NULL, NULL, argv, envp);

		if (err) {
			fprintf(stderr, "%s: %s\n", path, strerror(err));
			exit(1);
		}
		check_exit(path, pid);
	}
}

/* What a shell does to launch a program. */
static void run_spawn(const char *path, long n)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(path, argv, envp);
			_exit(127);
		}
		check_exit(path, pid);
	}
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A UDP connect sends nothing: the loop is the syscall and its hooks. */
static void run_connect(long n)
{
	struct sockaddr_in a = loopback(9);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	for (long i = 0; i < n; i++)
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			die("connect");
	close(fd);
}

static void run_bind(long n)
{
	struct sockaddr_in a = loopback(0);

	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
			die("bind");
		close(fd);
	}
}

static void run_files(const char *dir, long n)
{
	static const char data[] = "0123456789abcdef";
	char path[4096];

	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))
			die(path);
		close(fd);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		if (unlink(path))
			die(path);
	}
}

static int mkfiles(const char *dir, long n)
{
	char path[4096];
	int fd;

	for (long i = 0; i < n; i++) {
		if (i % 1000 == 0) {
			snprintf(path, sizeof(path), "%s/d%ld", dir, i / 1000);
			mkdir(path, 0755);
		}
		snprintf(path, sizeof(path), "%s/d%ld/f%ld", dir, i / 1000, i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			die(path);
		close(fd);
	}
	return 0;
}

static void run(const char *mode, const char *arg, long n)
{
	if (!strcmp(mode, "open"))
		run_open(arg, n);
	else if (!strcmp(mode, "denied"))
		run_denied(arg, n);
	else if (!strcmp(mode, "exec"))
		run_exec(arg, n);
	else if (!strcmp(mode, "spawn"))
		run_spawn(arg, n);
	else if (!strcmp(mode, "connect"))
		run_connect(n);
	else if (!strcmp(mode, "bind"))
		run_bind(n);
	else
		run_files(arg, n);
}

int main(int argc, char **argv)
{
	static const char *const with_arg[] = { "open", "denied", "exec", "spawn", "files",
						     "mkfiles" };
	const char *mode = argc > 1 ? argv[1] : "", *arg = NULL;
	long long t0;
	long n;
	int need = 3;

	for (size_t i = 0; i < sizeof(with_arg) / sizeof(with_arg[0]); i++)
		if (!strcmp(mode, with_arg[i]))
			need = 4;
	if (argc != need || (need == 3 && strcmp(mode, "connect") && strcmp(mode, "bind"))) {
		fprintf(stderr, "usage: stk-bench-syscalls open|denied|exec|spawn|files|mkfiles PATH N\n"
				"       stk-bench-syscalls connect|bind N\n");
		return 2;
	}
	if (need == 4)
		arg = argv[2];
	n = atol(argv[need - 1]);
	if (n <= 0)
		return 2;
	if (!strcmp(mode, "mkfiles"))
		return mkfiles(arg, n);
	if (strcmp(mode, "denied")) /* every denied open is an event: no extra ones */
		run(mode, arg, n / 10 + 1); /* warm caches */
	t0 = now_ns();
	run(mode, arg, n);
	printf("%.1f\n", (double)(now_ns() - t0) / n);
	return 0;
}
