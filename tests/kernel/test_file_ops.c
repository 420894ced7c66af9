// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_file_ops.c - the file access kinds other than read and write, end to
 * end on the real kernel: create, delete, rename, link, attr and truncate
 * fail with EPERM where the policy says, each audited with its hook and
 * rule, and the usual aliases (chroot, another mount namespace, /proc/PID/
 * root, directory fds, "..", openat2) do not get around a rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/openat2.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-ops"

static char policy_path[256];

static const char *const rules =
	"{ \"id\": \"ro\", \"paths\": [\"" DIR "/ro/\"], \"access\": [\"write\", \"create\", "
	"\"delete\", \"rename\", \"link\", \"attr\"], \"action\": \"deny\" },\n"
	"{ \"id\": \"keep\", \"paths\": [\"" DIR "/keep\"], "
	"\"access\": [\"write\", \"delete\", \"rename\"], \"action\": \"deny\" },\n"
	"{ \"id\": \"not-yet\", \"paths\": [\"" DIR "/future\"], \"access\": [\"create\"], "
	"\"action\": \"deny\" },\n"
	"{ \"id\": \"no-secret\", \"paths\": [\"" DIR "/secret\"], "
	"\"access\": [\"read\"], \"action\": \"deny\" },\n"
	"{ \"id\": \"watch-new\", \"paths\": [\"" DIR "/aud/\"], \"access\": [\"create\"], "
	"\"action\": \"audit\" },\n"
	"{ \"id\": \"soft\", \"paths\": [\"" DIR "/soft/\"], \"access\": [\"delete\"], "
	"\"action\": \"deny\", \"mode\": \"complain\" },\n"
	"{ \"id\": \"stamp\", \"paths\": [\"" DIR "/stamp\"], \"access\": [\"attr\"], "
	"\"action\": \"deny\" }\n";

static void start(struct ktest_agent *a)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"ops\", \"mode\": \"enforce\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n%s ] } }\n",
		 rules);
	snprintf(policy_path, sizeof(policy_path), DIR "/policy.json");
	kt_write(policy_path, text);
	kt_agent_start(a, policy_path, NULL);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_write(DIR "/ro/f", "ro\n");
	kt_write(DIR "/ro/t", "truncate me\n");
	kt_mkdirs(DIR "/ro/sub");
	kt_write(DIR "/keep", "keep\n");
	kt_write(DIR "/secret", "secret\n");
	kt_write(DIR "/other", "other\n");
	kt_write(DIR "/stamp", "stamp\n");
	kt_mkdirs(DIR "/aud");
	kt_write(DIR "/soft/f", "soft\n");
	kt_mkdirs(DIR "/bind");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(DIR "/bind", MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

/* The next event for @path has @hook, @rule and is an enforced deny. */
static void expect_denial(const struct ktest_agent *a, const char *path, const char *hook,
			  const char *rule)
{
	struct json_object *ev = kt_wait_event(a, path);

	if (!ev)
		fail_msg("no event for %s", path);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), hook);
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "policy"), "ops");
	json_object_put(ev);
}

static void create_is_denied(void **state)
{
	struct ktest_agent a;
	int fd;

	(void)state;
	start(&a);
	assert_int_equal(kt_open(DIR "/ro/new", O_WRONLY | O_CREAT), EPERM);
	expect_denial(&a, DIR "/ro/new", "path_mknod", "ro");
	assert_int_equal(kt_err_of(mkdir(DIR "/ro/newdir", 0755)), EPERM);
	expect_denial(&a, DIR "/ro/newdir", "path_mkdir", "ro");
	assert_int_equal(kt_err_of(symlink("/etc/passwd", DIR "/ro/sym")), EPERM);
	expect_denial(&a, DIR "/ro/sym", "path_symlink", "ro");
	assert_int_equal(kt_err_of(mknod(DIR "/ro/fifo", S_IFIFO | 0600, 0)), EPERM);
	assert_int_equal(kt_err_of(mknod(DIR "/ro/sub/fifo", S_IFIFO | 0600, 0)), EPERM);
	/* A protected path that does not exist yet is judged by its rule. */
	assert_int_equal(kt_open(DIR "/future", O_WRONLY | O_CREAT), EPERM);
	expect_denial(&a, DIR "/future", "path_mknod", "not-yet");
	assert_int_equal(kt_err_of(mkdir(DIR "/future", 0755)), EPERM);
	/* Elsewhere creating is fine, and existing files open as before. */
	fd = open(DIR "/fine", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(kt_open(DIR "/ro/f", O_RDONLY), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void delete_is_denied(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	assert_int_equal(kt_err_of(unlink(DIR "/ro/f")), EPERM);
	expect_denial(&a, DIR "/ro/f", "path_unlink", "ro");
	assert_int_equal(kt_err_of(rmdir(DIR "/ro/sub")), EPERM);
	expect_denial(&a, DIR "/ro/sub", "path_rmdir", "ro");
	assert_int_equal(kt_err_of(unlink(DIR "/keep")), EPERM);
	expect_denial(&a, DIR "/keep", "path_unlink", "keep");
	assert_int_equal(kt_err_of(unlink(DIR "/other")), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void rename_is_denied(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	/* Renaming the file away, or a directory at the top of the subtree. */
	assert_int_equal(kt_err_of(rename(DIR "/ro/f", DIR "/away")), EPERM);
	expect_denial(&a, DIR "/ro/f", "path_rename", "ro");
	assert_int_equal(kt_err_of(rename(DIR "/ro", DIR "/ro-moved")), EPERM);
	assert_int_equal(kt_err_of(rename(DIR "/keep", DIR "/kept")), EPERM);
	/* Moving a file into the subtree creates a name there. */
	assert_int_equal(kt_err_of(rename(DIR "/other", DIR "/ro/other")), EPERM);
	/* Replacing a protected file deletes it and writes its path. */
	assert_int_equal(kt_err_of(rename(DIR "/other", DIR "/keep")), EPERM);
	assert_int_equal(kt_err_of(syscall(SYS_renameat2, AT_FDCWD, DIR "/other", AT_FDCWD,
					DIR "/keep", 2 /* RENAME_EXCHANGE */)),
			 EPERM);
	assert_int_equal(kt_err_of(rename(DIR "/other", DIR "/renamed")), 0);
	/* The renamed file is unaffected; the protected one is still there. */
	assert_int_equal(kt_open(DIR "/keep", O_RDONLY), 0);
	assert_int_equal(kt_open(DIR "/ro/f", O_RDONLY), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void link_is_denied(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	/* A hard link out of the subtree would escape its rule: link denied. */
	assert_int_equal(kt_err_of(link(DIR "/ro/f", DIR "/outside")), EPERM);
	expect_denial(&a, DIR "/ro/f", "path_link", "ro");
	/* A new name inside the subtree is a create. */
	assert_int_equal(kt_err_of(link(DIR "/other", DIR "/ro/in")), EPERM);
	expect_denial(&a, DIR "/ro/in", "path_link", "ro");
	/* A link to a read-protected file is allowed and still protected. */
	assert_int_equal(kt_err_of(link(DIR "/secret", DIR "/secret-link")), 0);
	assert_int_equal(kt_open(DIR "/secret-link", O_RDONLY), EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void attr_and_truncate_are_denied(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	assert_int_equal(kt_err_of(chmod(DIR "/ro/f", 0600)), EPERM);
	expect_denial(&a, DIR "/ro/f", "path_chmod", "ro");
	assert_int_equal(kt_err_of(chown(DIR "/ro/sub", 65534, 65534)), EPERM);
	expect_denial(&a, DIR "/ro/sub", "path_chown", "ro");
	assert_int_equal(kt_err_of(setxattr(DIR "/ro/f", "user.x", "1", 1, 0)), EPERM);
	assert_int_equal(kt_err_of(removexattr(DIR "/ro/f", "user.x")), EPERM);
	assert_int_equal(kt_err_of(truncate(DIR "/ro/t", 0)), EPERM);
	expect_denial(&a, DIR "/ro/t", "path_truncate", "ro");
	assert_int_equal(kt_err_of(truncate(DIR "/keep", 0)), EPERM);
	/* Outside the rules attributes change. */
	assert_int_equal(kt_err_of(chmod(DIR "/other", 0600)), 0);
	assert_int_equal(kt_err_of(truncate(DIR "/other", 0)), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* The @nth (0-based) record of the audit log @log from hook inode_setattr, or NULL. */
static struct json_object *setattr_event(const char *log, int nth)
{
	struct json_object *found = NULL, *o, *h;
	char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen(log, "r");

	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0) {
		o = json_tokener_parse(line);
		if (o && json_object_object_get_ex(o, "hook", &h) &&
		    !strcmp(json_object_get_string(h), "inode_setattr") && nth-- == 0)
			found = o;
		else
			json_object_put(o);
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * The @nth inode_setattr event is an enforced deny by @rule. Its path is
 * the one from the root of the file's own file system (the hook sees no
 * mount), so only its @tail is known here.
 */
static void expect_setattr_denial(const struct ktest_agent *a, int nth, const char *tail,
				  const char *rule)
{
	long long deadline = kt_now_ms() + 20000;
	struct json_object *ev;
	const char *path;

	while (!(ev = setattr_event(a->log, nth)) && kt_now_ms() < deadline)
		usleep(50000);
	if (!ev)
		fail_msg("no inode_setattr event #%d (for %s)", nth, tail);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "rule"), rule);
	path = kt_str(ev, "path");
	if (strlen(path) < strlen(tail) || strcmp(path + strlen(path) - strlen(tail), tail))
		fail_msg("inode_setattr event path '%s' does not end in '%s'", path, tail);
	json_object_put(ev);
}

/* utimes, utimensat and futimens change timestamps: that is attr. */
static void timestamps_are_attr(void **state)
{
	const struct timespec times[2] = { { 1, 0 }, { 2, 0 } };
	struct ktest_agent a;
	int fd;

	(void)state;
	start(&a);
	assert_int_equal(kt_err_of(utimes(DIR "/ro/f", NULL)), EPERM);
	expect_setattr_denial(&a, 0, "/kt-ops/ro/f", "ro");
	assert_int_equal(kt_err_of(utimensat(AT_FDCWD, DIR "/ro/sub", times, 0)), EPERM);
	expect_setattr_denial(&a, 1, "/kt-ops/ro/sub", "ro");
	fd = open(DIR "/stamp", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(kt_err_of(futimens(fd, NULL)), EPERM);
	close(fd);
	expect_setattr_denial(&a, 2, "/kt-ops/stamp", "stamp");
	assert_int_equal(kt_err_of(chmod(DIR "/stamp", 0600)), EPERM);

	/* A size change sets mtime too, but it is write, which "stamp" allows. */
	assert_int_equal(kt_err_of(truncate(DIR "/stamp", 0)), 0);
	fd = open(DIR "/stamp", O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	/* "keep" denies write, delete and rename, not attr. */
	assert_int_equal(kt_err_of(utimes(DIR "/keep", NULL)), 0);
	assert_int_equal(kt_err_of(utimensat(AT_FDCWD, DIR "/other", times, 0)), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void audit_and_complain_allow_and_log(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	start(&a);
	assert_int_equal(kt_open(DIR "/aud/new", O_WRONLY | O_CREAT), 0);
	ev = kt_wait_event(&a, DIR "/aud/new");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "audit");
	assert_string_equal(kt_str(ev, "hook"), "path_mknod");
	assert_string_equal(kt_str(ev, "rule"), "watch-new");
	json_object_put(ev);
	/* A complain-mode deny lets the delete happen and logs a would-deny. */
	assert_int_equal(kt_err_of(unlink(DIR "/soft/f")), 0);
	ev = kt_wait_event(&a, DIR "/soft/f");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_false(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), "path_unlink");
	assert_string_equal(kt_str(ev, "rule"), "soft");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static int in_chroot(void *arg)
{
	int fd;

	(void)arg;
	if (chroot(DIR) || chdir("/"))
		return 100;
	if (unlink("/ro/f") == 0 || errno != EPERM)
		return 1;
	fd = open("/secret", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		return 2;
	if (mkdir("/future", 0755) == 0 || errno != EPERM)
		return 3;
	return 0;
}

static int in_mount_ns(void *arg)
{
	int fd;

	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 100;
	if (mount(DIR, DIR "/bind", NULL, MS_BIND, NULL))
		return 101;
	if (unlink(DIR "/bind/ro/f") == 0 || errno != EPERM)
		return 1;
	if (rename(DIR "/bind/keep", DIR "/bind/kept") == 0 || errno != EPERM)
		return 2;
	fd = open(DIR "/bind/secret", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		return 3;
	return 0;
}

static int via_dirfds(void *arg)
{
	struct open_how how = { .flags = O_RDONLY };
	int dfd, fd;

	(void)arg;
	dfd = open(DIR "/ro", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return 100;
	if (unlinkat(dfd, "f", 0) == 0 || errno != EPERM)
		return 1;
	if (renameat(dfd, "f", AT_FDCWD, DIR "/away") == 0 || errno != EPERM)
		return 2;
	fd = openat(dfd, "../secret", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		return 3;
	fd = syscall(SYS_openat2, dfd, "../secret", &how, sizeof(how));
	if (fd >= 0 || errno != EPERM)
		return 4;
	if (mkdirat(dfd, "../future", 0755) == 0 || errno != EPERM)
		return 5;
	if (chdir(DIR "/ro/sub") || unlink("../f") == 0 || errno != EPERM)
		return 6;
	if (unlink("/proc/self/root" DIR "/ro/f") == 0 || errno != EPERM)
		return 7;
	fd = open("/proc/self/root" DIR "/secret", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		return 8;
	close(dfd);
	return 0;
}

/* Another name for the same place reaches the same rule. */
static void aliases_do_not_escape(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	assert_int_equal(kt_in_child(in_chroot, NULL), 0);
	assert_int_equal(kt_in_child(in_mount_ns, NULL), 0);
	assert_int_equal(kt_in_child(via_dirfds, NULL), 0);
	/* Renaming the directory above the file is denied by the subtree rule. */
	assert_int_equal(kt_err_of(rename(DIR "/ro/sub", DIR "/sub-out")), EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_is_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(delete_is_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(rename_is_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(link_is_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(attr_and_truncate_are_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(timestamps_are_attr, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_and_complain_allow_and_log, setup, teardown),
		cmocka_unit_test_setup_teardown(aliases_do_not_escape, setup, teardown),
	};

	return cmocka_run_group_tests_name("file_ops", tests, NULL, NULL);
}
