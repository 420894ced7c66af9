// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_file_handle.c - a file reached by handle (open_by_handle_at) does not
 * escape the rules of the directories above it. When the dentry cache no
 * longer holds a file, the kernel decodes its handle into a dentry without
 * directories (a disconnected dentry): the walk cannot see what is above it,
 * so an access a rule names is refused there (fail closed, with a reason),
 * and an access no rule names goes through. ext4 on a loop device, since
 * tmpfs keeps every dentry and never hands out a disconnected one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-fh"
#define IMG DIR "/ext4.img"
#define MNT DIR "/mnt"
#define SECRET MNT "/secret/key"
#define PLAIN MNT "/plain/file"
#define PROG MNT "/bin/prog"
#define REASON "file reached without its directories (by handle)"

static int loop_fd = -1;

/* A file handle with room for any file system's (MAX_HANDLE_SZ is 128). */
struct handle {
	struct file_handle fh;
	unsigned char room[128];
};

static struct handle secret_h, plain_h, prog_h;
static int mount_fd = -1;

static void handle_of(const char *path, struct handle *h)
{
	int mount_id;

	h->fh.handle_bytes = sizeof(h->room);
	assert_int_equal(name_to_handle_at(AT_FDCWD, path, &h->fh, &mount_id, 0), 0);
}

/* @img on a free loop device, which stays attached while loop_fd is open. */
static void attach_loop(const char *img, char *dev, size_t len)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), n, img_fd;

	assert_true(ctl >= 0);
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	assert_true(n >= 0);
	close(ctl);
	snprintf(dev, len, "/dev/loop%d", n);
	loop_fd = open(dev, O_RDWR | O_CLOEXEC);
	img_fd = open(img, O_RDWR | O_CLOEXEC);
	assert_true(loop_fd >= 0 && img_fd >= 0);
	assert_int_equal(ioctl(loop_fd, LOOP_SET_FD, img_fd), 0);
	close(img_fd);
}

static int setup(void **state)
{
	char *const mkfs[] = { "mke2fs", "-q", "-F", "-t", "ext4", IMG, NULL };
	char dev[32];
	int st = -1;

	(void)state;
	kt_load_module("loop", false);
	kt_rm(DIR);
	kt_mkdirs(MNT);
	kt_write(IMG, "");
	assert_int_equal(truncate(IMG, 8 << 20), 0);
	assert_int_equal(kt_run("/usr/sbin/mke2fs", mkfs, &st), 0);
	assert_int_equal(st, 0);
	attach_loop(IMG, dev, sizeof(dev));
	assert_int_equal(mount(dev, MNT, "ext4", 0, NULL), 0);
	kt_write(SECRET, "secret\n");
	kt_write(PLAIN, "plain\n");
	handle_of(SECRET, &secret_h);
	handle_of(PLAIN, &plain_h);
	kt_mkdirs(MNT "/bin");
	kt_copy("/usr/local/bin/stk-helper-true", PROG, 0755);
	handle_of(PROG, &prog_h);
	mount_fd = open(MNT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(mount_fd >= 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	if (mount_fd >= 0)
		close(mount_fd);
	mount_fd = -1;
	umount2(MNT, MNT_DETACH);
	if (loop_fd >= 0) {
		ioctl(loop_fd, LOOP_CLR_FD, 0);
		close(loop_fd);
	}
	loop_fd = -1;
	kt_rm(DIR);
	return 0;
}

/*
 * Drops every dentry and inode nothing uses (ours: none below the mount's
 * root), so that the next decoding of a handle makes a disconnected dentry.
 */
static void drop_dentries(void)
{
	sync();
	kt_write("/proc/sys/vm/drop_caches", "2\n");
}

struct by_handle {
	struct handle *h;
	int flags;
	const char *then; /* NULL: open only; "chmod" or "setxattr" through /proc/self/fd */
};

/* In a child: opens @arg's handle and does its step; 0 or the errno. */
static int open_by_handle(void *arg)
{
	const struct by_handle *b = arg;
	char proc[64];
	int fd = open_by_handle_at(mount_fd, &b->h->fh, b->flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (b->then && !strcmp(b->then, "chmod") && chmod(proc, 0600))
		return errno;
	if (b->then && !strcmp(b->then, "setxattr") && setxattr(proc, "user.k", "v", 1, 0))
		return errno;
	close(fd);
	return 0;
}

static int by_handle(struct handle *h, int flags, const char *then)
{
	struct by_handle b = { h, flags, then };

	drop_dentries();
	return kt_in_child(open_by_handle, &b);
}

static void a_file_reached_by_handle_keeps_its_directories_rules(void **state)
{
	static const char policy[] =
		"{ \"stockade\": 1, \"name\": \"fh\", \"files\": { \"default\": \"allow\", \"rules\": [\n"
		"  { \"id\": \"secrets\", \"paths\": [\"" MNT "/secret/\"], \"access\": [\"read\", "
		"\"attr\"], \"action\": \"deny\" } ] } }\n";
	struct ktest_agent a;
	struct json_object *ev;
	struct stat st;

	(void)state;
	kt_write(DIR "/policy.json", policy);
	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(stat(SECRET, &st), 0);

	/* By path: the walk sees the directory. */
	assert_int_equal(kt_open(SECRET, O_RDONLY), EPERM);
	assert_int_equal(kt_open(PLAIN, O_RDONLY), 0);

	/* By handle, with the dentries dropped: refused for what a rule names. */
	assert_int_equal(by_handle(&secret_h, O_RDONLY, NULL), EPERM);
	ev = kt_wait_record(&a, "reason", REASON, NULL);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), "file_open");
	assert_int_equal(kt_int(ev, "inode"), (long long)st.st_ino);
	json_object_put(ev);
	/* Which directory it is in cannot be told, so this one is refused too. */
	assert_int_equal(by_handle(&plain_h, O_RDONLY, NULL), EPERM);
	/* An access no rule names is not walked, so it goes through. */
	assert_int_equal(by_handle(&plain_h, O_WRONLY, NULL), 0);
	/*
	 * Without file_open (O_PATH), through /proc/self/fd: chmod's path hook
	 * and setxattr's inode hook walk from the same dentry.
	 */
	assert_int_equal(by_handle(&secret_h, O_PATH, "chmod"), EPERM);
	assert_int_equal(by_handle(&secret_h, O_PATH, "setxattr"), EPERM);
	assert_int_equal(stat(SECRET, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	assert_int_equal(kt_agent_stop(&a), 0);
	/* Without the agent, the same opens go through (the premise). */
	assert_int_equal(by_handle(&secret_h, O_RDONLY, NULL), 0);
}

/*
 * Where the keys only log (complain mode, audit), a file reached by handle
 * is logged as they would log it, not refused.
 */
static void logging_keys_log_what_they_cannot_see(void **state)
{
	/* Each policy, and the action its event has. */
	static const struct {
		const char *policy, *action;
	} cases[] = {
		{ "{ \"stockade\": 1, \"name\": \"fh\", \"mode\": \"complain\", \"files\": { "
		  "\"rules\": [ { \"id\": \"secrets\", \"paths\": [\"" MNT "/secret/\"], "
		  "\"access\": [\"read\"], \"action\": \"deny\" } ] } }\n",
		  "deny" },
		{ "{ \"stockade\": 1, \"name\": \"fh\", \"files\": { \"rules\": [ { \"id\": "
		  "\"watched\", \"paths\": [\"" MNT "/secret/\"], \"access\": [\"read\"], "
		  "\"action\": \"audit\" } ] } }\n",
		  "audit" },
	};
	struct ktest_agent a;
	struct json_object *ev;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kt_write(DIR "/policy.json", cases[i].policy);
		kt_agent_start(&a, DIR "/policy.json", NULL);
		assert_int_equal(by_handle(&secret_h, O_RDONLY, NULL), 0);
		ev = kt_wait_record(&a, "reason", REASON, NULL);
		assert_non_null(ev);
		assert_string_equal(kt_str(ev, "action"), cases[i].action);
		assert_false(kt_bool(ev, "enforced"));
		json_object_put(ev);
		assert_int_equal(kt_agent_stop(&a), 0);
	}
}

/* In a child: runs the program of handle @arg with execveat(); the errno if it did not. */
static int exec_by_handle(void *arg)
{
	char *const argv[] = { "prog", NULL }, *const envp[] = { NULL };
	int fd = open_by_handle_at(mount_fd, &((struct handle *)arg)->fh, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return errno;
	execveat(fd, "", argv, envp, AT_EMPTY_PATH);
	return errno;
}

static void a_program_reached_by_handle_keeps_its_directories_rules(void **state)
{
	static const char policy[] =
		"{ \"stockade\": 1, \"name\": \"fh\", \"exec\": { \"default\": \"allow\", \"rules\": [\n"
		"  { \"id\": \"no-bin\", \"paths\": [\"" MNT "/bin/\"], \"action\": \"deny\" } ] } }\n";
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	/* The premise: it runs (and exits 0) by handle without the agent. */
	drop_dentries();
	assert_int_equal(kt_in_child(exec_by_handle, &prog_h), 0);
	kt_write(DIR "/policy.json", policy);
	kt_agent_start(&a, DIR "/policy.json", NULL);
	drop_dentries();
	assert_int_equal(kt_in_child(exec_by_handle, &prog_h), EPERM);
	ev = kt_wait_record(&a, "reason", REASON, NULL);
	assert_non_null(ev);
	/* No key rules reading: execveat()'s open goes by the default, the exec is refused. */
	assert_string_equal(kt_str(ev, "hook"), "bprm_check_security");
	assert_true(kt_bool(ev, "enforced"));
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_file_reached_by_handle_keeps_its_directories_rules,
						setup, teardown),
		cmocka_unit_test_setup_teardown(logging_keys_log_what_they_cannot_see, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			a_program_reached_by_handle_keeps_its_directories_rules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
