// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_exec.c - exec rules end to end on the real kernel, with an
 * allow-list ("default": "deny"): a denied binary cannot be run by any
 * name (symlink, hard link, a copy outside the allowed paths,
 * execveat(AT_EMPTY_PATH)), nor through the dynamic loader, nor as a
 * script's interpreter; a file without a name (memfd, deleted) cannot be
 * run with deny_fileless. The policy applies to every process, this test
 * too: it allows the directories the VM runs from.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-exec"
#define HELPER "/usr/local/bin/stk-helper-true"
#define LOADER "/lib64/ld-linux-x86-64.so.2"

static char policy_path[256];

static void start(struct ktest_agent *a, bool deny_fileless)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"ex\", \"mode\": \"enforce\",\n"
		 "  \"exec\": { \"default\": \"deny\", \"deny_fileless\": %s, \"rules\": [\n"
		 "    { \"id\": \"system\", \"paths\": [\"/bin/\", \"/sbin/\", \"/usr/\", \"/lib/\",\n"
		 "      \"/lib64/\", \"" DIR "/allowed/\"], \"action\": \"allow\" },\n"
		 "    { \"id\": \"no-run\", \"paths\": [\"" DIR "/allowed/denied\"], "
		 "\"action\": \"deny\" },\n"
		 "    { \"id\": \"watch\", \"paths\": [\"" DIR "/allowed/watched\"], "
		 "\"action\": \"audit\" },\n"
		 "    { \"id\": \"soft\", \"paths\": [\"" DIR "/allowed/soft\"], "
		 "\"action\": \"deny\", \"mode\": \"complain\" } ] } }\n",
		 deny_fileless ? "true" : "false");
	snprintf(policy_path, sizeof(policy_path), DIR "/policy.json");
	kt_write(policy_path, text);
	kt_agent_start(a, policy_path, NULL);
}

/* Copies the helper binary to @dst, executable. */
static void copy_helper(const char *dst)
{
	kt_copy(HELPER, dst, 0755);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/allowed");
	kt_mkdirs(DIR "/elsewhere");
	copy_helper(DIR "/allowed/denied");
	copy_helper(DIR "/allowed/ok");
	copy_helper(DIR "/allowed/watched");
	copy_helper(DIR "/allowed/soft");
	copy_helper(DIR "/elsewhere/copy");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	kt_rm(DIR);
	return 0;
}

/* Runs @path with no arguments; returns the errno, or 0 with the status checked to be 0. */
static int run(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int status = -1, err = kt_run(path, argv, &status);

	if (!err && status != 0)
		fail_msg("%s ran but exited with %d", path, status);
	return err;
}

static void expect_event(const struct ktest_agent *a, const char *path, const char *action,
			 const char *hook, const char *rule)
{
	struct json_object *ev = kt_wait_event(a, path);

	if (!ev)
		fail_msg("no event for %s", path);
	assert_string_equal(kt_str(ev, "action"), action);
	assert_string_equal(kt_str(ev, "hook"), hook);
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "policy"), "ex");
	json_object_put(ev);
}

static int execveat_empty_path(void *arg)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	int fd = open(arg, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 100;
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return errno;
}

/* In a chroot, and in a new mount namespace through a bind mount. */
static int exec_in_other_views(void *arg)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	int st;

	(void)arg;
	if (fork() == 0) {
		if (chroot(DIR) || chdir("/"))
			_exit(100);
		execve("/allowed/denied", argv, envp);
		_exit(errno == EPERM ? 0 : 1);
	}
	if (wait(&st) < 0 || !WIFEXITED(st))
		return 101;
	if (WEXITSTATUS(st))
		return 1;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 102;
	if (mkdir(DIR "/elsewhere/b", 0755) ||
	    mount(DIR "/allowed", DIR "/elsewhere/b", NULL, MS_BIND, NULL))
		return 103;
	execve(DIR "/elsewhere/b/denied", argv, envp);
	return errno == EPERM ? 0 : 2;
}

static void denied_binary_by_every_name(void **state)
{
	struct ktest_agent a;

	(void)state;
	assert_int_equal(symlink(DIR "/allowed/denied", DIR "/allowed/symlink"), 0);
	assert_int_equal(link(DIR "/allowed/denied", DIR "/allowed/hardlink"), 0);
	start(&a, false);

	assert_int_equal(run(DIR "/allowed/ok"), 0);
	assert_int_equal(run(DIR "/allowed/denied"), EPERM);
	expect_event(&a, DIR "/allowed/denied", "deny", "bprm_check_security", "no-run");
	assert_int_equal(run(DIR "/allowed/symlink"), EPERM);
	assert_int_equal(run(DIR "/allowed/hardlink"), EPERM);
	assert_int_equal(kt_in_child(execveat_empty_path, DIR "/allowed/denied"), EPERM);
	assert_int_equal(kt_in_child(exec_in_other_views, NULL), 0);
	{
		char fdpath[64];
		int fd = open(DIR "/allowed/denied", O_RDONLY);

		assert_true(fd >= 0);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		assert_int_equal(run(fdpath), EPERM);
		close(fd);
	}
	/* Allow-list: a copy outside the allowed paths falls to the default. */
	assert_int_equal(run(DIR "/elsewhere/copy"), EPERM);
	expect_event(&a, DIR "/elsewhere/copy", "deny", "bprm_check_security", "default");
	/* An audit rule runs the binary and logs it. */
	assert_int_equal(run(DIR "/allowed/watched"), 0);
	expect_event(&a, DIR "/allowed/watched", "audit", "bprm_check_security", "watch");
	/* A complain-mode deny runs and is logged as a would-deny. */
	assert_int_equal(run(DIR "/allowed/soft"), 0);
	{
		struct json_object *ev = kt_wait_event(&a, DIR "/allowed/soft");

		assert_non_null(ev);
		assert_string_equal(kt_str(ev, "action"), "deny");
		assert_false(kt_bool(ev, "enforced"));
		assert_string_equal(kt_str(ev, "rule"), "soft");
		json_object_put(ev);
	}
	assert_int_equal(kt_agent_stop(&a), 0);
	/* Without the agent everything runs again. */
	assert_int_equal(run(DIR "/allowed/denied"), 0);
}

static void dynamic_loader_cannot_run_a_denied_binary(void **state)
{
	char *deny_argv[] = { LOADER, DIR "/allowed/denied", NULL };
	char *ok_argv[] = { LOADER, DIR "/allowed/ok", NULL };
	struct ktest_agent a;
	int status = -1;

	(void)state;
	start(&a, false);
	/* The loader itself may run, and runs an allowed program... */
	assert_int_equal(kt_run(LOADER, ok_argv, &status), 0);
	assert_int_equal(status, 0);
	/* ...but cannot map a denied one executable. */
	assert_int_equal(kt_run(LOADER, deny_argv, &status), 0);
	assert_int_not_equal(status, 0);
	expect_event(&a, DIR "/allowed/denied", "deny", "mmap_file", "no-run");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void script_with_denied_interpreter(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_write(DIR "/allowed/bad.sh", "#!" DIR "/allowed/denied\n");
	kt_write(DIR "/allowed/good.sh", "#!/bin/sh\nexit 0\n");
	assert_int_equal(chmod(DIR "/allowed/bad.sh", 0755), 0);
	assert_int_equal(chmod(DIR "/allowed/good.sh", 0755), 0);
	start(&a, false);
	assert_int_equal(run(DIR "/allowed/good.sh"), 0);
	assert_int_equal(run(DIR "/allowed/bad.sh"), EPERM);
	expect_event(&a, DIR "/allowed/denied", "deny", "bprm_check_security", "no-run");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static int exec_memfd(void *arg)
{
	char buf[65536], *argv[] = { "memfd", NULL }, *envp[] = { NULL };
	int in = open(HELPER, O_RDONLY), fd = syscall(SYS_memfd_create, "payload", 0);
	ssize_t n;

	(void)arg;
	if (in < 0 || fd < 0)
		return 100;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return 101;
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return errno;
}

static int exec_deleted(void *arg)
{
	char *argv[] = { "deleted", NULL }, *envp[] = { NULL };
	int fd = open(arg, O_RDONLY);

	if (fd < 0 || unlink(arg))
		return 100;
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return errno;
}

static int map_memfd_exec(void *arg)
{
	int fd = syscall(SYS_memfd_create, "jit", 0);
	void *p;

	(void)arg;
	if (fd < 0 || ftruncate(fd, 4096))
		return 100;
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	return p == MAP_FAILED ? errno : 0;
}

static void fileless_exec_is_denied(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	copy_helper(DIR "/allowed/to-delete");
	start(&a, true);
	assert_int_equal(kt_in_child(exec_memfd, NULL), EPERM);
	/* A memfd has no place in any directory: its path is its name. */
	ev = kt_wait_event(&a, "/memfd:payload");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "reason"), "file has no name (deny_fileless)");
	assert_string_equal(kt_str(ev, "hook"), "bprm_check_security");
	json_object_put(ev);
	/* Deleted, it no longer is the allowed file its directory says it was. */
	assert_int_equal(kt_in_child(exec_deleted, DIR "/allowed/to-delete"), EPERM);
	assert_int_equal(kt_in_child(map_memfd_exec, NULL), EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void fileless_allowed_without_the_flag(void **state)
{
	struct ktest_agent a;

	(void)state;
	copy_helper(DIR "/allowed/to-delete");
	start(&a, false);
	/* Its directory is allowed: with deny_fileless off, the deleted file runs. */
	assert_int_equal(kt_in_child(exec_deleted, DIR "/allowed/to-delete"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(denied_binary_by_every_name, setup, teardown),
		cmocka_unit_test_setup_teardown(dynamic_loader_cannot_run_a_denied_binary, setup,
						teardown),
		cmocka_unit_test_setup_teardown(script_with_denied_interpreter, setup, teardown),
		cmocka_unit_test_setup_teardown(fileless_exec_is_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(fileless_allowed_without_the_flag, setup, teardown),
	};

	return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
