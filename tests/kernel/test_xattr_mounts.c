// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_xattr_mounts.c - the hooks that see only a dentry (inode_setxattr,
 * inode_removexattr, inode_setattr for timestamps) judge a file in a
 * separately mounted file system by the subtree rules above its
 * mountpoint, as the path hooks do: the agent gives the mounted root's
 * key the verdict found above the mountpoint (agent/resolve.c). A file
 * system mounted at two places gets the stricter of the two.
 * trusted.* xattrs: tmpfs has user.* ones only from 6.6 on.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-xm"
#define MNT DIR "/locked/mnt"	  /* a tmpfs under the rule */
#define FREE DIR "/free"	  /* no rule here */
#define BIND DIR "/free/bind"	  /* the same tmpfs, mounted again outside the rule */
#define OTHER DIR "/free/other"	  /* another tmpfs, outside the rule */

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(MNT);
	kt_mkdirs(BIND);
	kt_mkdirs(OTHER);
	assert_int_equal(mount("kt-xm", MNT, "tmpfs", 0, NULL), 0);
	assert_int_equal(mount("kt-xm-other", OTHER, "tmpfs", 0, NULL), 0);
	kt_write(MNT "/f", "f\n");
	kt_write(MNT "/sub/g", "g\n");
	kt_write(OTHER "/h", "h\n");
	kt_write(DIR "/locked/direct", "d\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(BIND, MNT_DETACH);
	umount2(MNT, MNT_DETACH);
	umount2(OTHER, MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

static void start(struct ktest_agent *a)
{
	kt_write(DIR "/policy.json",
		 "{ \"stockade\": 1, \"name\": \"xm\", \"files\": { \"default\": \"allow\", "
		 "\"rules\": [\n"
		 "  { \"id\": \"locked\", \"paths\": [\"" DIR "/locked/\"], "
		 "\"access\": [\"attr\"], \"action\": \"deny\" } ] } }\n");
	kt_agent_start(a, DIR "/policy.json", NULL);
}

static void rules_above_a_mountpoint_apply(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	/* In the rule's own file system, as before. */
	assert_int_equal(kt_err_of(setxattr(DIR "/locked/direct", "trusted.x", "1", 1, 0)), EPERM);
	/* Below the mountpoint: the dentry-only walk ends at the tmpfs root. */
	assert_int_equal(kt_err_of(setxattr(MNT "/f", "trusted.x", "1", 1, 0)), EPERM);
	assert_int_equal(kt_err_of(removexattr(MNT "/sub/g", "trusted.x")), EPERM);
	assert_int_equal(kt_err_of(utimes(MNT "/sub/g", NULL)), EPERM);
	assert_int_equal(kt_err_of(setxattr(MNT, "trusted.x", "1", 1, 0)), EPERM);
	/* The path hooks agree. */
	assert_int_equal(kt_err_of(chmod(MNT "/f", 0600)), EPERM);
	/* Only attr is denied; elsewhere attributes change. */
	assert_int_equal(kt_open(MNT "/f", O_RDWR), 0);
	assert_int_equal(kt_err_of(setxattr(OTHER "/h", "trusted.x", "1", 1, 0)), 0);
	assert_int_equal(kt_err_of(utimes(OTHER "/h", NULL)), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void a_second_mount_gets_the_stricter_verdict(void **state)
{
	struct ktest_agent a;

	(void)state;
	/* Made before the agent starts: it sees both mounts of the tmpfs. */
	assert_int_equal(mount(MNT, BIND, NULL, MS_BIND, NULL), 0);
	start(&a);
	assert_int_equal(kt_err_of(setxattr(BIND "/f", "trusted.x", "1", 1, 0)), EPERM);
	assert_int_equal(kt_err_of(utimes(BIND "/sub/g", NULL)), EPERM);
	assert_int_equal(kt_err_of(chmod(BIND "/f", 0600)), EPERM);
	assert_int_equal(kt_err_of(setxattr(OTHER "/h", "trusted.x", "1", 1, 0)), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rules_above_a_mountpoint_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(a_second_mount_gets_the_stricter_verdict, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
