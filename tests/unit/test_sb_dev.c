/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * test_sb_dev.c - mountinfo lines to superblock devices, looked up by mount id.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sb_dev.h"

static int parse(const char *text, struct stk_mount_devs *m)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	assert_non_null(f);
	err = stk_mount_devs_parse(f, m);
	fclose(f);
	return err;
}

static void devices_found_by_mount_id(void **state)
{
	struct stk_mount_devs m;
	__u32 dev = 0;

	(void)state;
	/* Out of order on purpose: the lookup must not rely on file order. */
	assert_int_equal(parse("98 25 0:55 / /merged rw,relatime shared:40 - overlay overlay "
			       "rw,lowerdir=/l,upperdir=/u,workdir=/w\n"
			       "25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
			       "31 25 0:27 /@home /home rw shared:5 - btrfs /dev/sdb rw\n"
			       "40 25 0:30 / /mnt/with\\040space\\134x rw - tmpfs t rw\n",
			       &m),
			 0);
	assert_int_equal(m.n, 4);
	assert_int_equal(stk_mount_devs_find(&m, 25, &dev), 0);
	assert_int_equal(dev, 254u << 20 | 1);
	assert_int_equal(stk_mount_devs_find(&m, 98, &dev), 0);
	assert_int_equal(dev, 55);
	assert_int_equal(stk_mount_devs_find(&m, 31, &dev), 0);
	assert_int_equal(dev, 27);
	/* Sorted by id: 25, 31, 40, 98. Where each is, and whether it is a whole file system. */
	assert_string_equal(m.v[0].mountpoint, "/");
	assert_true(m.v[0].fs_root);
	assert_string_equal(m.v[1].mountpoint, "/home");
	assert_false(m.v[1].fs_root); /* a subvolume: a subtree of its file system */
	assert_string_equal(m.v[2].mountpoint, "/mnt/with space\\x");
	assert_true(m.v[2].fs_root);
	assert_string_equal(m.v[3].mountpoint, "/merged");
	dev = 7;
	assert_int_equal(stk_mount_devs_find(&m, 26, &dev), -ENOENT);
	assert_int_equal(dev, 7); /* untouched on failure */
	stk_mount_devs_free(&m);
}

static void malformed_line_rejected(void **state)
{
	struct stk_mount_devs m = { .n = 99 };

	(void)state;
	assert_int_equal(parse("25 1 254:1 / / rw - ext4 /dev/vda1 rw\nnot mountinfo\n", &m),
			 -EINVAL);
	assert_int_equal(m.n, 99);
	assert_int_equal(parse("25 1 254:1 /\n", &m), -EINVAL); /* no mountpoint */
	assert_int_equal(m.n, 99); /* untouched on failure */
}

static void empty_table_finds_nothing(void **state)
{
	struct stk_mount_devs m;
	__u32 dev;

	(void)state;
	assert_int_equal(parse("", &m), 0);
	assert_int_equal(stk_mount_devs_find(&m, 1, &dev), -ENOENT);
	stk_mount_devs_free(&m);
}

static void own_mountinfo_lists_root(void **state)
{
	struct stk_mount_devs m;

	(void)state;
	if (stk_mount_devs_read(&m))
		skip(); /* no /proc here */
	assert_true(m.n > 0);
	stk_mount_devs_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(devices_found_by_mount_id),
		cmocka_unit_test(malformed_line_rejected),
		cmocka_unit_test(empty_table_finds_nothing),
		cmocka_unit_test(own_mountinfo_lists_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
