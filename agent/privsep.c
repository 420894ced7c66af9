// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * privsep.c - monitor and reader (see privsep.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "privsep.h"
#include "task_root.h"

#define TICK_SECONDS 5

static void monitor_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
}

int stk_privsep_fork(struct stk_privsep *ps)
{
	int pipefd[2], sv[2], rv[2], go[2];
	sigset_t set, old;
	pid_t pid;

	memset(ps, 0, sizeof(*ps));
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, rv)) {
		close(pipefd[0]);
		close(pipefd[1]);
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pipe2(go, O_CLOEXEC)) {
		close(pipefd[0]);
		close(pipefd[1]);
		close(sv[0]);
		close(sv[1]);
		close(rv[0]);
		close(rv[1]);
		return -errno;
	}
	monitor_signals(&set);
	/* Blocked before the fork: a signal in between is not lost. */
	sigprocmask(SIG_BLOCK, &set, &old);
	ps->monitor = getpid();
	pid = fork();
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -errno;
	}
	close(pid == 0 ? go[1] : go[0]);
	if (pid == 0) {
		ps->is_reader = true;
		close(pipefd[0]);
		close(sv[0]);
		close(rv[0]);
		ps->ready_fd = pipefd[1];
		ps->fd_sock = sv[1];
		ps->report_sock = rv[1];
		ps->go_fd = go[0];
		/* Not SIG_SETMASK to @old: a monitor forking again has them blocked already. */
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		return 0;
	}
	close(pipefd[1]);
	close(sv[1]);
	close(rv[1]);
	ps->reader = pid;
	ps->ready_fd = pipefd[0];
	ps->fd_sock = sv[0];
	ps->report_sock = rv[0];
	ps->go_fd = go[1];
	return 0;
}

int stk_privsep_release_reader(struct stk_privsep *ps, int (*prepare)(pid_t, void *), void *arg)
{
	char c = 1;
	int err = prepare(ps->reader, arg);

	/* On failure the reader reads EOF and gives up. */
	if (!err && write(ps->go_fd, &c, 1) != 1)
		err = -errno;
	close(ps->go_fd);
	ps->go_fd = -1;
	return err;
}

/* Reads the one byte a pipe carries, then closes it: whether it came (not EOF). */
static bool read_token(int *fd)
{
	ssize_t n;
	char c;

	do
		n = read(*fd, &c, 1);
	while (n < 0 && errno == EINTR);
	close(*fd);
	*fd = -1;
	return n == 1;
}

int stk_privsep_reader_wait_go(struct stk_privsep *ps)
{
	return read_token(&ps->go_fd) ? 0 : -EPIPE;
}

static bool is_bpf_fd(int dfd, const char *name)
{
	char target[64];
	ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);

	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strncmp(target, "anon_inode:bpf", 14) || !strcmp(target, "anon_inode:btf");
}

int stk_close_bpf_fds_except(int keep_fd)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int fd;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd != keep_fd && fd != dirfd(d) && is_bpf_fd(dirfd(d), de->d_name))
			close(fd);
	}
	closedir(d);
	return 0;
}

int stk_privsep_reader_bind(const struct stk_privsep *ps)
{
	/* Set after the uid change, which clears it; checked after, against a race. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != ps->monitor)
		return -ESRCH;
	return 0;
}

int stk_privsep_reader_ready(struct stk_privsep *ps)
{
	char c = 'R';

	if (write(ps->ready_fd, &c, 1) != 1)
		return -errno;
	close(ps->ready_fd);
	ps->ready_fd = -1;
	return 0;
}

/* One byte of data and room for one fd: what the log hand-over sends. */
struct fd_msg {
	char data;
	struct iovec iov;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct msghdr msg;
};

static void fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->data = 'L';
	m->iov.iov_base = &m->data;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->cbuf.buf;
	m->msg.msg_controllen = sizeof(m->cbuf.buf);
}

int stk_privsep_recv_fd(struct stk_privsep *ps)
{
	struct fd_msg m;
	struct cmsghdr *c;
	int fd;

	fd_msg_init(&m);
	if (recvmsg(ps->fd_sock, &m.msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&m.msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int send_fd(struct stk_privsep *ps, int fd)
{
	struct fd_msg m;
	struct cmsghdr *c;

	fd_msg_init(&m);
	c = CMSG_FIRSTHDR(&m.msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(ps->fd_sock, &m.msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int stk_privsep_send_report(struct stk_privsep *ps, const void *buf, size_t len)
{
	if (ps->report_sock < 0)
		return -ENOTCONN;
	return send(ps->report_sock, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

long stk_privsep_recv_report(struct stk_privsep *ps, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	/* recvmsg: the one receive call the reader's seccomp filter allows. */
	return recvmsg(ps->report_sock, &msg, MSG_DONTWAIT);
}

int stk_privsep_wait_ready(struct stk_privsep *ps)
{
	return read_token(&ps->ready_fd) ? 0 : -ECHILD;
}

static void reopen_log(struct stk_privsep *ps, const struct stk_monitor_ops *ops)
{
	int fd, err;

	if (!ops->reopen_log)
		return;
	fd = ops->reopen_log(ops->arg);
	if (fd < 0) {
		stk_err("audit", "reopening the audit log failed: %s; the old file stays in use",
			strerror(-fd));
		return;
	}
	err = send_fd(ps, fd);
	close(fd);
	if (!err && kill(ps->reader, SIGUSR1))
		err = -errno;
	if (err)
		stk_err("audit", "handing the reopened log to the reader failed: %s",
			strerror(-err));
}

void stk_privsep_stop_reader(struct stk_privsep *ps)
{
	int st;

	stk_task_signal(ps->reader, SIGTERM); /* it runs as another user */
	while (waitpid(ps->reader, &st, 0) < 0 && errno == EINTR)
		;
	close(ps->fd_sock);
	ps->fd_sock = -1;
	close(ps->report_sock);
	ps->report_sock = -1;
}

/*
 * Where the agent is PID 1 (a container without an init), orphans such as
 * a finished alert launcher become its children: reap them, but never the
 * reader, whose status the caller wants.
 */
static void reap_orphans(pid_t reader)
{
	siginfo_t si;
	int i;

	for (i = 0; i < 64; i++) { /* more wait for the next SIGCHLD */
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) || !si.si_pid ||
		    si.si_pid == reader)
			return;
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * The next of the (blocked) signals @set, or -1 with errno EAGAIN after a
 * tick. With a wake fd, the signals come through @sfd (a signalfd) so that
 * one poll waits for both, and @ops->wake runs whenever the fd is readable.
 */
static int next_signal(const sigset_t *set, const struct stk_monitor_ops *ops, int sfd)
{
	struct timespec tick = { .tv_sec = TICK_SECONDS };
	long long deadline = monotonic_ms() + TICK_SECONDS * 1000LL, left;
	struct signalfd_siginfo si;
	struct pollfd pfd[2];

	if (sfd < 0)
		return sigtimedwait(set, NULL, &tick);
	for (;;) {
		if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			return (int)si.ssi_signo;
		left = deadline - monotonic_ms();
		if (left <= 0) {
			errno = EAGAIN;
			return -1;
		}
		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = ops->wake_fd, .events = POLLIN };
		if (poll(pfd, 2, (int)left) > 0 && (pfd[1].revents & POLLIN))
			ops->wake(ops->arg);
	}
}

int stk_privsep_monitor(struct stk_privsep *ps, const struct stk_monitor_ops *ops,
			int *ret_status)
{
	sigset_t set;
	int sig, st, sfd = -1;

	monitor_signals(&set);
	if (ops->wake && ops->wake_fd >= 0)
		sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	for (;;) {
		sig = next_signal(&set, ops, sfd);
		if (sig < 0) {
			if (errno == EAGAIN && ops->tick)
				ops->tick(ops->arg);
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGUSR1)
			reopen_log(ps, ops);
		if (sig == SIGHUP)
			break;
		if (sig == SIGCHLD && waitpid(ps->reader, &st, WNOHANG) == ps->reader) {
			*ret_status = st;
			if (ops->tick)
				ops->tick(ops->arg);
			sig = 0;
			break;
		}
		if (sig == SIGCHLD)
			reap_orphans(ps->reader);
	}
	if (sfd >= 0)
		close(sfd);
	if (sig == SIGHUP || sig == 0)
		return sig;
	stk_task_signal(ps->reader, SIGTERM); /* it runs as another user */
	while (waitpid(ps->reader, &st, 0) < 0 && errno == EINTR)
		;
	if (ops->tick)
		ops->tick(ops->arg);
	*ret_status = st;
	return sig;
}
