// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_overlay.c - a rule on a file in an overlayfs mount is enforced,
 * although stat() there reports another device than the superblock's
 * s_dev the kernel keys files by (layers on different file systems, no
 * xino: files report their layer's device). The agent resolves rule paths
 * to s_dev through mountinfo (agent/sb_dev.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-ovl"
#define MERGED DIR "/merged"

static int setup(void **state)
{
	(void)state;
	kt_load_module("overlay", true);
	kt_rm(DIR);
	kt_mkdirs(DIR "/lowerfs");
	kt_mkdirs(DIR "/upperfs");
	kt_mkdirs(MERGED);
	/* Two tmpfs: the layers are on different file systems. */
	assert_int_equal(mount("lower", DIR "/lowerfs", "tmpfs", 0, NULL), 0);
	assert_int_equal(mount("upper", DIR "/upperfs", "tmpfs", 0, NULL), 0);
	kt_write(DIR "/lowerfs/l/secret", "lower secret\n");
	kt_write(DIR "/lowerfs/l/public", "lower public\n");
	kt_mkdirs(DIR "/upperfs/u");
	kt_mkdirs(DIR "/upperfs/w");
	assert_int_equal(mount("overlay", MERGED, "overlay", 0,
			       "lowerdir=" DIR "/lowerfs/l,upperdir=" DIR "/upperfs/u,workdir=" DIR
			       "/upperfs/w,xino=off"),
			 0);
	/* Written through the overlay: the file lives in the upper layer. */
	kt_write(MERGED "/upper-secret", "upper secret\n");
	/* A hard link made before the agent starts (copies the file up). */
	assert_int_equal(link(MERGED "/secret", MERGED "/alias"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(MERGED, MNT_DETACH);
	umount2(DIR "/upperfs", MNT_DETACH);
	umount2(DIR "/lowerfs", MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

/* The premise: without the mountinfo lookup, these keys would not match. */
static void overlay_files_report_a_layer_device(void **state)
{
	struct stat dir, lower, upper;

	(void)state;
	assert_int_equal(stat(MERGED, &dir), 0);
	assert_int_equal(stat(MERGED "/secret", &lower), 0);
	assert_int_equal(stat(MERGED "/upper-secret", &upper), 0);
	assert_true(lower.st_dev != dir.st_dev);
	assert_true(upper.st_dev != dir.st_dev);
}

static void rules_in_an_overlay_are_enforced(void **state)
{
	static const char policy[] =
		"{ \"stockade\": 1, \"name\": \"ovl\", \"files\": { \"default\": \"allow\", \"rules\": [\n"
		"  { \"id\": \"lower\", \"paths\": [\"" MERGED "/secret\"], \"access\": [\"read\"], "
		"\"action\": \"deny\" },\n"
		"  { \"id\": \"upper\", \"paths\": [\"" MERGED "/upper-secret\"], \"access\": "
		"[\"read\", \"write\"], \"action\": \"deny\" } ] } }\n";
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	kt_write(DIR "/policy.json", policy);
	kt_agent_start(&a, DIR "/policy.json", NULL);

	assert_int_equal(kt_open(MERGED "/secret", O_RDONLY), EPERM);
	assert_int_equal(kt_open(MERGED "/upper-secret", O_WRONLY), EPERM);
	assert_int_equal(kt_open(MERGED "/public", O_RDONLY), 0);
	/*
	 * Other names for the same files: only the inode key can match these,
	 * not the (directory, name) key of the rule's path.
	 */
	assert_int_equal(kt_open(MERGED "/alias", O_RDONLY), EPERM);
	assert_int_equal(rename(MERGED "/upper-secret", MERGED "/moved"), 0);
	assert_int_equal(kt_open(MERGED "/moved", O_RDONLY), EPERM);

	ev = kt_wait_event(&a, MERGED "/secret");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "rule"), "lower");
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	json_object_put(ev);
	ev = kt_wait_event(&a, MERGED "/upper-secret");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "rule"), "upper");
	json_object_put(ev);
	ev = kt_wait_event(&a, MERGED "/moved");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "rule"), "upper");
	json_object_put(ev);
	assert_int_equal(kt_count_events(&a, MERGED "/public"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(overlay_files_report_a_layer_device),
		cmocka_unit_test_setup_teardown(rules_in_an_overlay_are_enforced, NULL, NULL),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
