// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_unix_socket.c - a unix socket bound to a path is a file: connecting
 * or sending to it is write, judged on the real kernel by the file rules
 * (lsm/unix_stream_connect, lsm/unix_may_send), under every name the file
 * has, with an event that names the socket's path; the agent's own syslog
 * still goes through.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-unix"
#define ABSTRACT "kt-unix-abstract"

/* The sockets setup() binds, and the listening or receiving fd of each. */
static const struct bound {
	const char *path; /* NULL: the abstract name */
	int type;
} bound[] = {
	{ DIR "/guarded/stream.sock", SOCK_STREAM },
	{ DIR "/guarded/seq.sock", SOCK_SEQPACKET },
	{ DIR "/guarded/dgram.sock", SOCK_DGRAM },
	{ DIR "/exact.sock", SOCK_STREAM },
	{ DIR "/soft.sock", SOCK_DGRAM },
	{ DIR "/open/stream.sock", SOCK_STREAM },
	{ DIR "/open/dgram.sock", SOCK_DGRAM },
	{ NULL, SOCK_STREAM },
};
#define N_BOUND (sizeof(bound) / sizeof(bound[0]))
static int bound_fd[N_BOUND];

static char policy_path[256];

static void start(struct ktest_agent *a, const char *const *extra)
{
	snprintf(policy_path, sizeof(policy_path), DIR "/policy.json");
	kt_write(policy_path,
		 "{ \"stockade\": 1, \"name\": \"sockets\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		 "    { \"id\": \"sockdir\", \"paths\": [\"" DIR "/guarded/\"], "
		 "\"access\": [\"write\"], \"action\": \"deny\" },\n"
		 "    { \"id\": \"exact\", \"paths\": [\"" DIR "/exact.sock\"], "
		 "\"access\": [\"write\"], \"action\": \"deny\" },\n"
		 "    { \"id\": \"readonly\", \"paths\": [\"" DIR "/open/\"], "
		 "\"access\": [\"read\"], \"action\": \"deny\" },\n"
		 "    { \"id\": \"log\", \"paths\": [\"/dev/log\"], "
		 "\"access\": [\"write\"], \"action\": \"deny\" },\n"
		 "    { \"id\": \"soft\", \"paths\": [\"" DIR "/soft.sock\"], "
		 "\"access\": [\"write\"], \"action\": \"deny\", \"mode\": \"complain\" } ] } }\n");
	kt_agent_start(a, policy_path, extra);
}

static socklen_t address_of(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (!path) {
		memcpy(sun->sun_path + 1, ABSTRACT, strlen(ABSTRACT));
		return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ABSTRACT);
	}
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path);
	return sizeof(*sun);
}

static int bind_one(const char *path, int type)
{
	struct sockaddr_un sun;
	socklen_t len = address_of(path, &sun);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) ||
	    (type != SOCK_DGRAM && listen(fd, 64)))
		fail_msg("binding %s: %s", path ? path : ABSTRACT, strerror(errno));
	if (path && chmod(path, 0777))
		fail_msg("chmod %s: %s", path, strerror(errno));
	return fd;
}

/* connect() of a new socket of @type to @path: 0 or the errno. */
static int connect_to(const char *path, int type)
{
	struct sockaddr_un sun;
	socklen_t len = address_of(path, &sun);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return 200;
	err = connect(fd, (struct sockaddr *)&sun, len) ? errno : 0;
	close(fd);
	return err;
}

/* One datagram to @path from an unconnected socket: 0 or the errno. */
static int send_to(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = address_of(path, &sun);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return 200;
	err = sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, len) == 1 ? 0 : errno;
	close(fd);
	return err;
}

static int setup(void **state)
{
	size_t i;

	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/guarded");
	kt_mkdirs(DIR "/open");
	for (i = 0; i < N_BOUND; i++)
		bound_fd[i] = bind_one(bound[i].path, bound[i].type);
	/* Other names, made before the agent starts. */
	if (symlink(DIR "/guarded/stream.sock", DIR "/open/symlink.sock") ||
	    link(DIR "/guarded/stream.sock", DIR "/open/hardlink.sock") ||
	    link(DIR "/exact.sock", DIR "/open/exact-link.sock"))
		fail_msg("naming the sockets again: %s", strerror(errno));
	kt_write(DIR "/open/mountpoint", "");
	return 0;
}

static int teardown(void **state)
{
	size_t i;

	(void)state;
	kt_agent_reap_all();
	for (i = 0; i < N_BOUND; i++)
		close(bound_fd[i]);
	kt_rm(DIR);
	return 0;
}

/* The next event for @path: an enforced deny of write by @rule from @hook. */
static void expect_denial(const struct ktest_agent *a, const char *path, const char *hook,
			  const char *rule)
{
	struct json_object *ev = kt_wait_event(a, path), *access;

	if (!ev)
		fail_msg("no event for %s", path);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), hook);
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "policy"), "sockets");
	assert_true(json_object_object_get_ex(ev, "access", &access));
	assert_string_equal(json_object_to_json_string(access), "[ \"write\" ]");
	json_object_put(ev);
}

static int as_nobody(void *arg)
{
	(void)arg;
	if (setgid(65534) || setuid(65534))
		return 100;
	if (connect_to(DIR "/guarded/stream.sock", SOCK_STREAM) != EPERM)
		return 1;
	if (send_to(DIR "/guarded/dgram.sock") != EPERM)
		return 2;
	return connect_to(DIR "/open/stream.sock", SOCK_STREAM) ? 3 : 0;
}

static void connecting_or_sending_is_write(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	/* Premise: without the agent every one of these goes through. */
	assert_int_equal(connect_to(DIR "/guarded/stream.sock", SOCK_STREAM), 0);
	assert_int_equal(connect_to(DIR "/guarded/seq.sock", SOCK_SEQPACKET), 0);
	assert_int_equal(send_to(DIR "/guarded/dgram.sock"), 0);
	assert_int_equal(connect_to(DIR "/exact.sock", SOCK_STREAM), 0);

	start(&a, NULL);
	assert_int_equal(connect_to(DIR "/guarded/stream.sock", SOCK_STREAM), EPERM);
	expect_denial(&a, DIR "/guarded/stream.sock", "unix_stream_connect", "sockdir");
	assert_int_equal(connect_to(DIR "/guarded/seq.sock", SOCK_SEQPACKET), EPERM);
	expect_denial(&a, DIR "/guarded/seq.sock", "unix_stream_connect", "sockdir");
	assert_int_equal(send_to(DIR "/guarded/dgram.sock"), EPERM);
	expect_denial(&a, DIR "/guarded/dgram.sock", "unix_may_send", "sockdir");
	/* Connecting a datagram socket is judged too, not only each send. */
	assert_int_equal(connect_to(DIR "/guarded/dgram.sock", SOCK_DGRAM), EPERM);
	assert_int_equal(connect_to(DIR "/exact.sock", SOCK_STREAM), EPERM);
	expect_denial(&a, DIR "/exact.sock", "unix_stream_connect", "exact");
	assert_int_equal(kt_in_child(as_nobody, NULL), 0);

	/* A rule about reading says nothing about connecting. */
	assert_int_equal(connect_to(DIR "/open/stream.sock", SOCK_STREAM), 0);
	assert_int_equal(send_to(DIR "/open/dgram.sock"), 0);
	/* An abstract socket is no file. */
	assert_int_equal(connect_to(NULL, SOCK_STREAM), 0);

	/* complain: the send goes through and the would-deny is logged. */
	assert_int_equal(send_to(DIR "/soft.sock"), 0);
	ev = kt_wait_event(&a, DIR "/soft.sock");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_false(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), "unix_may_send");
	assert_string_equal(kt_str(ev, "rule"), "soft");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
	/* Stopping the agent ends it. */
	assert_int_equal(connect_to(DIR "/guarded/stream.sock", SOCK_STREAM), 0);
}

static int through_a_bind_mount(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 100;
	if (mount(DIR "/guarded/stream.sock", DIR "/open/mountpoint", NULL, MS_BIND, NULL))
		return 101;
	return connect_to(DIR "/open/mountpoint", SOCK_STREAM);
}

static int in_a_chroot(void *arg)
{
	(void)arg;
	if (chroot(DIR) || chdir("/"))
		return 100;
	return connect_to("/guarded/stream.sock", SOCK_STREAM);
}

static int by_relative_names(void *arg)
{
	int err;

	(void)arg;
	if (chdir(DIR "/open"))
		return 100;
	err = connect_to("../guarded/stream.sock", SOCK_STREAM);
	if (err != EPERM)
		return err ? err : 1;
	if (chdir(DIR "/guarded"))
		return 101;
	return connect_to("dgram.sock", SOCK_DGRAM);
}

static int by_o_path_fd(void *arg)
{
	char name[64];
	int fd = open(DIR "/guarded/stream.sock", O_PATH | O_CLOEXEC), err;

	(void)arg;
	if (fd < 0)
		return 100;
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	err = connect_to(name, SOCK_STREAM);
	close(fd);
	return err;
}

/* Every other name of a guarded socket reaches the socket's own path's rules. */
static void every_name_of_a_socket_is_judged(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a, NULL);
	assert_int_equal(connect_to(DIR "/open/symlink.sock", SOCK_STREAM), EPERM);
	/* A hard link outside the subtree: the socket is where it was bound. */
	assert_int_equal(connect_to(DIR "/open/hardlink.sock", SOCK_STREAM), EPERM);
	expect_denial(&a, DIR "/guarded/stream.sock", "unix_stream_connect", "sockdir");
	/* A file's own rule follows its inode under any name. */
	assert_int_equal(connect_to(DIR "/open/exact-link.sock", SOCK_STREAM), EPERM);
	expect_denial(&a, DIR "/exact.sock", "unix_stream_connect", "exact");
	assert_int_equal(connect_to("/proc/self/root" DIR "/guarded/stream.sock", SOCK_STREAM),
			 EPERM);
	assert_int_equal(kt_in_child(through_a_bind_mount, NULL), EPERM);
	assert_int_equal(kt_in_child(in_a_chroot, NULL), EPERM);
	assert_int_equal(kt_in_child(by_relative_names, NULL), EPERM);
	assert_int_equal(kt_in_child(by_o_path_fd, NULL), EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* The syslog record of the refused send, which the agent sent through that very socket. */
static bool syslog_has_log_denial(const char *log)
{
	char line[8192];
	bool found = false;
	FILE *f = fopen(log, "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "\"hook\":\"unix_may_send\"") &&
			strstr(line, "\"rule\":\"log\"") && strstr(line, "\"path\":\"/dev/log\"");
	if (f)
		fclose(f);
	return found;
}

/*
 * A rule that guards the syslog socket binds every process but the agent,
 * whose records of those very refusals go out through it.
 */
static void the_agents_syslog_is_not_refused(void **state)
{
	static const char *const with_syslog[] = { "--syslog", NULL };
	const char *log = DIR "/syslog.log";
	struct ktest_agent a;
	bool found = false;
	pid_t syslogd;
	int i;

	(void)state;
	unlink("/dev/log");
	syslogd = fork();
	if (syslogd == 0) {
		execlp("syslogd", "syslogd", "-n", "-O", log, (char *)NULL);
		_exit(127);
	}
	kt_track_child(syslogd);
	for (i = 0; i < 100 && access("/dev/log", F_OK); i++)
		usleep(50000);
	start(&a, with_syslog);
	assert_int_equal(send_to("/dev/log"), EPERM);
	expect_denial(&a, "/dev/log", "unix_may_send", "log");
	for (i = 0; i < 100 && !(found = syslog_has_log_denial(log)); i++)
		usleep(50000);
	assert_int_equal(kt_agent_stop(&a), 0);
	kill(syslogd, SIGTERM);
	waitpid(syslogd, NULL, 0);
	kt_untrack_child(syslogd);
	assert_true(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(connecting_or_sending_is_write, setup, teardown),
		cmocka_unit_test_setup_teardown(every_name_of_a_socket_is_judged, setup, teardown),
		cmocka_unit_test_setup_teardown(the_agents_syslog_is_not_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("unix_socket", tests, NULL, NULL);
}
