// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_audit.c - the JSON-lines file sink: created 0600 in a 0750
 * directory, whole lines only, a torn last line ended before new events,
 * reopened at its path after rotation.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"

static char dir[64], sub[128], path[192];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/stk-test-audit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/stockade", dir);
	snprintf(path, sizeof(path), "%s/audit.log", sub);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static size_t slurp(const char *p, char *buf, size_t len)
{
	FILE *f = fopen(p, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static void created_private_whole_lines(void **state)
{
	struct stk_audit *a;
	struct stat sb;
	char buf[4096];

	(void)state;
	umask(022);
	assert_int_equal(stk_audit_open(&a, path, false), 0);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0750);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stk_audit_write(a, "{\"a\":1}", 7, true), 0);
	assert_int_equal(stk_audit_write_msg(a, "{\"b\":2}", 7, "kv", 2, 1), 0);
	/* Queued, not written: a crash now leaves the file as it was. */
	assert_int_equal(slurp(path, buf, sizeof(buf)), 0);
	assert_int_equal(stk_audit_flush(a), 0);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"a\":1}\n{\"b\":2}\n");
	stk_audit_close(a);
}

static void torn_last_line_is_ended(void **state)
{
	struct stk_audit *a;
	char buf[4096];
	int fd;

	(void)state;
	mkdir(sub, 0750);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"ok\":1}\n{\"torn", 15), 15);
	close(fd);
	assert_int_equal(stk_audit_open(&a, path, false), 0);
	assert_int_equal(stk_audit_write(a, "{\"new\":1}", 9, true), 0);
	stk_audit_close(a);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"ok\":1}\n{\"torn\n{\"new\":1}\n");
	/* A file that ends well is left alone. */
	assert_int_equal(stk_audit_open(&a, path, false), 0);
	stk_audit_close(a);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"ok\":1}\n{\"torn\n{\"new\":1}\n");
}

static void reopen_follows_rotation(void **state)
{
	struct stk_audit *a;
	char old[256], buf[4096];

	(void)state;
	assert_int_equal(stk_audit_open(&a, path, false), 0);
	assert_int_equal(stk_audit_write(a, "{\"n\":1}", 7, true), 0);
	assert_int_equal(stk_audit_flush(a), 0);
	snprintf(old, sizeof(old), "%s.1", path);
	assert_int_equal(rename(path, old), 0);
	/* Queued before the reopen: still the old file's. */
	assert_int_equal(stk_audit_write(a, "{\"n\":2}", 7, true), 0);
	assert_int_equal(stk_audit_reopen(a), 0);
	assert_int_equal(stk_audit_write(a, "{\"n\":3}", 7, true), 0);
	stk_audit_close(a);
	slurp(old, buf, sizeof(buf));
	assert_string_equal(buf, "{\"n\":1}\n{\"n\":2}\n");
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"n\":3}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(created_private_whole_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(torn_last_line_is_ended, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_follows_rotation, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
