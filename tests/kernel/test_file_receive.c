// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_file_receive.c - a file descriptor handed over is judged as an open
 * by the receiver's policy, on the real kernel (lsm/file_receive): one a
 * process of another scope opened and passes over a unix socket
 * (SCM_RIGHTS) or that pidfd_getfd() takes is refused where the receiver
 * could not open the file itself, by the descriptor's own modes; pipes and
 * memfds go through.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-recv"
#define CG "/kt-recv"
#define CONFINED CG "/confined"

static char policy_path[256];

static void start(struct ktest_agent *a)
{
	snprintf(policy_path, sizeof(policy_path), DIR "/policy.json");
	kt_write(policy_path,
		 "{ \"stockade\": 1, \"name\": \"confined\",\n"
		 "  \"scope\": { \"cgroups\": [\"" CONFINED "\"] },\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		 "    { \"id\": \"no-secret\", \"paths\": [\"" DIR "/secret\"], "
		 "\"access\": [\"read\"], \"action\": \"deny\" },\n"
		 "    { \"id\": \"no-write\", \"paths\": [\"" DIR "/logs/\"], "
		 "\"access\": [\"write\"], \"action\": \"deny\" } ] } }\n");
	kt_agent_start(a, policy_path, NULL);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_write(DIR "/secret", "secret\n");
	kt_write(DIR "/open", "open\n");
	kt_write(DIR "/logs/app.log", "log\n");
	kt_cg_rmtree(CG);
	kt_cg_mkdir(CG);
	kt_cg_mkdir(CONFINED);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	kt_cg_rmtree(CG);
	kt_rm(DIR);
	return 0;
}

/* Sends @n descriptors @fds in one message on @sock. */
static void send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "m", .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		fail_msg("sendmsg: %s", strerror(errno));
}

/*
 * Receives one message on @sock: how many descriptors came (each closed),
 * -1 on error; @cut: whether the kernel set MSG_CTRUNC.
 */
static int receive_fds(int sock, bool *cut)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int n = 0, fds[8];

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	*cut = msg.msg_flags & MSG_CTRUNC;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), n * sizeof(int));
		for (int i = 0; i < n; i++)
			close(fds[i]);
	}
	return n;
}

struct receiver {
	const char *cg; /* NULL: stay in the test's cgroup */
	int sock;
	int parent_secret; /* the parent's descriptor of the secret, for pidfd_getfd() */
	int parent_open;
};

/* What the three messages and pidfd_getfd() gave the receiver, as an exit code. */
static int receive_all(void *arg)
{
	const struct receiver *r = arg;
	bool confined = r->cg != NULL, cut;
	int pidfd, fd;

	if (confined && kt_cg_enter(r->cg, 0))
		return 100;
	/* A pipe, a memfd, a plain file, then the secret. */
	if (receive_fds(r->sock, &cut) != (confined ? 3 : 4) || cut != confined)
		return 1;
	/* The log file read-only: the rule is about writing. */
	if (receive_fds(r->sock, &cut) != 1 || cut)
		return 2;
	/* The log file opened for writing. */
	if (receive_fds(r->sock, &cut) != (confined ? 0 : 1) || cut != confined)
		return 3;
	pidfd = (int)syscall(SYS_pidfd_open, getppid(), 0);
	if (pidfd < 0)
		return 101;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, r->parent_secret, 0);
	if (confined ? (fd >= 0 || errno != EPERM) : fd < 0)
		return 4;
	if (fd >= 0)
		close(fd);
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, r->parent_open, 0);
	if (fd < 0)
		return 5;
	close(fd);
	close(pidfd);
	return 0;
}

/* Hands the descriptors over to a receiver in @cg (NULL: unconfined); its exit code. */
static int hand_over(const char *cg)
{
	struct receiver r = { .cg = cg };
	int sv[2], pipefd[2], first[4], ro, wo, status;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) || pipe2(pipefd, O_CLOEXEC))
		fail_msg("socketpair/pipe: %s", strerror(errno));
	first[0] = pipefd[0];
	first[1] = memfd_create("kt-recv", MFD_CLOEXEC);
	first[2] = open(DIR "/open", O_RDONLY | O_CLOEXEC);
	first[3] = open(DIR "/secret", O_RDONLY | O_CLOEXEC);
	ro = open(DIR "/logs/app.log", O_RDONLY | O_CLOEXEC);
	wo = open(DIR "/logs/app.log", O_WRONLY | O_APPEND | O_CLOEXEC);
	if (first[1] < 0 || first[2] < 0 || first[3] < 0 || ro < 0 || wo < 0)
		fail_msg("opening what to hand over: %s", strerror(errno));
	send_fds(sv[0], first, 4);
	send_fds(sv[0], &ro, 1);
	send_fds(sv[0], &wo, 1);
	r.sock = sv[1];
	r.parent_secret = first[3];
	r.parent_open = first[2];
	status = kt_in_child(receive_all, &r);
	for (int i = 0; i < 4; i++)
		close(first[i]);
	close(pipefd[1]);
	close(ro);
	close(wo);
	close(sv[0]);
	close(sv[1]);
	return status;
}

/* The next event for @path: an enforced file_receive deny of @access by @rule. */
static void expect_denial(const struct ktest_agent *a, const char *path, const char *access,
			  const char *rule)
{
	struct json_object *ev = kt_wait_event(a, path), *acc;

	if (!ev)
		fail_msg("no event for %s", path);
	assert_string_equal(kt_str(ev, "hook"), "file_receive");
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "policy"), "confined");
	assert_true(json_object_object_get_ex(ev, "access", &acc));
	assert_non_null(strstr(json_object_to_json_string(acc), access));
	json_object_put(ev);
}

static void a_handed_over_file_is_judged_as_an_open(void **state)
{
	struct ktest_agent a;

	(void)state;
	if (!kt_cg_present())
		skip();
	/* Premise: without the agent the confined receiver gets everything. */
	assert_int_equal(hand_over(CONFINED), 1);
	start(&a);
	/* Outside the scope the secret is readable, and handed over whole. */
	assert_int_equal(hand_over(NULL), 0);
	assert_int_equal(kt_count_events(&a, DIR "/secret"), 0);
	/* Inside it, as if the receiver had opened the files itself. */
	assert_int_equal(hand_over(CONFINED), 0);
	expect_denial(&a, DIR "/secret", "read", "no-secret");
	expect_denial(&a, DIR "/logs/app.log", "write", "no-write");
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_handed_over_file_is_judged_as_an_open, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("file_receive", tests, NULL, NULL);
}
