// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * alert_cmd.c - the alert command launcher (see alert_cmd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert_cmd.h"
#include "log.h"

#define MAX_RUNNING_CAP 64
#define MSG_MAX (64 * 1024)
/* The launcher's end of the socket, after it closed everything else. */
#define LAUNCHER_FD 3

struct child {
	pid_t pid;
	int64_t started_ms;
};

struct launcher {
	const struct stk_alert_cmd_opts *o;
	struct child running[MAX_RUNNING_CAP];
	unsigned int n_running;
	double tokens;
	int64_t refilled_ms;
	uint64_t dropped, dropped_reported;
	int64_t reported_ms;
	char msg[MSG_MAX + 1];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int stk_alert_cmd_check(const char *path)
{
	struct stat sb;

	if (!path || path[0] != '/')
		return -EINVAL;
	if (stat(path, &sb))
		return -errno;
	if (!S_ISREG(sb.st_mode))
		return -EINVAL;
	if (!(sb.st_mode & 0111))
		return -EACCES;
	return 0;
}

/* The command's process: stdin is the alert, the rest a clean slate. */
static void exec_command(const char *path, int in_fd)
{
	static const int sigs[] = { SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD };
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			       "LANG=C.UTF-8", NULL };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, 0) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	if (chdir("/"))
		_exit(126);
	execve(path, argv, envp);
	_exit(127);
}

static void spawn(struct launcher *l, const char *msg, size_t len)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		l->dropped++;
		return;
	}
	pid = fork();
	if (pid == 0)
		exec_command(l->o->path, p[0]);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		l->dropped++;
		return;
	}
	/* An empty pipe holds 64 KiB, more than any event: this never waits. */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	if (write(p[1], msg, len) != (ssize_t)len || write(p[1], "\n", 1) != 1)
		stk_warn("alert", "the alert command's stdin was cut short");
	close(p[1]);
	l->running[l->n_running++] = (struct child){ pid, now_ms() };
}

static void reap(struct launcher *l)
{
	unsigned int i;
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < l->n_running; i++)
			if (l->running[i].pid == pid)
				break;
		if (i == l->n_running)
			continue;
		l->running[i] = l->running[--l->n_running];
		if (WIFSIGNALED(st) || WEXITSTATUS(st))
			stk_warn("alert", "the alert command %s failed (%s %d)", l->o->path,
				 WIFSIGNALED(st) ? "signal" : "exit status",
				 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	for (i = 0; i < l->n_running; i++)
		if (now_ms() - l->running[i].started_ms > (int64_t)l->o->timeout_s * 1000)
			kill(l->running[i].pid, SIGKILL); /* reaped on the next round */
}

/* Token bucket: per_min per minute, bursts of per_min. */
static bool take_token(struct launcher *l)
{
	int64_t t = now_ms();

	l->tokens += (double)(t - l->refilled_ms) * l->o->per_min / 60000.0;
	if (l->tokens > l->o->per_min)
		l->tokens = l->o->per_min;
	l->refilled_ms = t;
	if (l->tokens < 1.0)
		return false;
	l->tokens -= 1.0;
	return true;
}

static void report_dropped(struct launcher *l, bool force)
{
	int64_t t = now_ms();

	if (l->dropped == l->dropped_reported || (!force && t - l->reported_ms < 60000))
		return;
	stk_warn("alert", "%llu alert commands not run (rate limit %u/min or %u running)",
		 (unsigned long long)(l->dropped - l->dropped_reported), l->o->per_min,
		 l->o->max_running);
	l->dropped_reported = l->dropped;
	l->reported_ms = t;
}

static void launcher_loop(const struct stk_alert_cmd_opts *o)
{
	struct launcher *l = calloc(1, sizeof(*l));
	struct pollfd pfd = { .fd = LAUNCHER_FD, .events = POLLIN };
	ssize_t n;

	if (!l)
		_exit(1);
	l->o = o;
	l->tokens = o->per_min;
	l->refilled_ms = now_ms();
	for (;;) {
		reap(l);
		report_dropped(l, false);
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		n = recv(LAUNCHER_FD, l->msg, MSG_MAX, MSG_TRUNC);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break; /* the reader is gone */
		if (n <= 0)
			continue;
		if (n > MSG_MAX || l->n_running >= o->max_running || !take_token(l)) {
			l->dropped++;
			continue;
		}
		spawn(l, l->msg, (size_t)n);
	}
	report_dropped(l, true);
	_exit(0);
}

int stk_alert_cmd_start(const struct stk_alert_cmd_opts *o, int *ret_fd)
{
	int sv[2], st;
	pid_t mid;

	if (o->max_running < 1 || o->max_running > MAX_RUNNING_CAP || o->per_min < 1)
		return -EINVAL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	mid = fork();
	if (mid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (mid == 0) {
		/* Detach: the launcher's parent exits, so the reader never waits for it. */
		if (fork() != 0)
			_exit(0);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGUSR1, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGCHLD, SIG_DFL);
		if (dup2(sv[1], LAUNCHER_FD) < 0)
			_exit(1);
		/* Nothing of the reader's: not the ring buffer, not the log. */
		close_range(LAUNCHER_FD + 1, ~0U, 0);
		launcher_loop(o);
	}
	close(sv[1]);
	while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	*ret_fd = sv[0];
	return 0;
}

int stk_alert_cmd_send(int fd, const char *json, size_t len)
{
	ssize_t n = send(fd, json, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}
