// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_read.c - reading the recorded log: rotated siblings oldest
 * first, gzip, corrupt and truncated lines with their file:line, files
 * that cannot be read, and --follow across appends, rotation and
 * truncation.
 */
#include <errno.h>
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
#include <json-c/json.h>

#include "log_fixture.h"

static void test_rotated_order(void **state)
{
	struct stk_log_files f = {};

	(void)state;
	assert_int_equal(stk_log_files_add(&f, FIXTURE_LOG, true), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[0], FIXTURES "audit.log.2.gz");
	assert_string_equal(f.v[1], FIXTURES "audit.log.1");
	assert_string_equal(f.v[2], FIXTURES "audit.log");
	stk_log_files_free(&f);
	assert_int_equal(stk_log_files_add(&f, FIXTURE_LOG, false), 0);
	assert_int_equal(f.n, 1);
	stk_log_files_free(&f);
}

static void test_fixture_lines(void **state)
{
	struct fixture fx;
	size_t i;

	(void)state;
	fixture_load(&fx, FIXTURE_LOG, true);
	assert_int_equal(fx.n, 16);
	/* Oldest first, across the gz, .1 and the live file. */
	for (i = 1; i < fx.n; i++)
		assert_true(fx.recs[i - 1].time_ns <= fx.recs[i].time_ns);
	assert_int_equal(fx.recs[0].seq, 812);
	assert_int_equal(fx.recs[15].seq, 5);
	assert_int_equal(fx.n_bad, 2);
	assert_string_equal(fx.bad[0], FIXTURES "audit.log.1:4 complete");
	assert_string_equal(fx.bad[1], FIXTURES "audit.log:6 truncated");
	fixture_free(&fx);
}

static void test_gz_alone(void **state)
{
	struct fixture fx;

	(void)state;
	fixture_load(&fx, FIXTURES "audit.log.2.gz", false);
	assert_int_equal(fx.n, 5);
	assert_int_equal(fx.n_bad, 0);
	assert_string_equal(fx.recs[4].path, "/var/lib/nginx/body/0000000002");
	fixture_free(&fx);
}

static char dir[] = "/tmp/stk-test-log-XXXXXX";
static char live[64];

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(live, sizeof(live), "%s/audit.log", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void append_n(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

static void append(const char *path, const char *text)
{
	append_n(path, text, strlen(text));
}

static void expect_line(struct stk_log_reader *rd, const char *text, unsigned long lineno,
			bool complete)
{
	struct stk_log_line l;
	int n = stk_log_reader_next(rd, &l);

	if (n != 1)
		fail_msg("expected line '%.20s': got %d", text, n);
	assert_int_equal(l.len, strlen(text));
	assert_memory_equal(l.text, text, l.len);
	assert_int_equal(l.lineno, lineno);
	assert_int_equal(l.complete, complete);
}

static void test_follow(void **state)
{
	struct stk_log_files f = {};
	struct stk_log_reader *rd;
	struct stk_log_line l;
	char old[96];

	(void)state;
	append(live, "a\nb\n");
	assert_int_equal(stk_log_files_add(&f, live, true), 0);
	rd = stk_log_reader_new(&f, true);
	expect_line(rd, "a", 1, true);
	expect_line(rd, "b", 2, true);
	assert_int_equal(stk_log_reader_next(rd, &l), -EAGAIN);
	/* A line being written is held back until its newline arrives. */
	append(live, "c-first-half");
	assert_int_equal(stk_log_reader_next(rd, &l), -EAGAIN);
	append(live, "-second\n");
	expect_line(rd, "c-first-half-second", 3, true);
	/* logrotate: the file is renamed, lines still land in it, a new one appears. */
	snprintf(old, sizeof(old), "%s.1", live);
	assert_int_equal(rename(live, old), 0);
	append(old, "d\n");
	assert_int_equal(stk_log_reader_next(rd, &l) == 1 ? 0 : -1, 0);
	assert_memory_equal(l.text, "d", 1);
	assert_int_equal(stk_log_reader_next(rd, &l), -EAGAIN); /* no new file yet */
	append(live, "e-longer\n");
	expect_line(rd, "e-longer", 1, true);
	/*
	 * copytruncate: the same file starts over. Like tail -F, this is seen
	 * when the file is shorter than what was read.
	 */
	assert_int_equal(truncate(live, 0), 0);
	append(live, "f\n");
	expect_line(rd, "f", 1, true);
	assert_int_equal(stk_log_reader_next(rd, &l), -EAGAIN);
	stk_log_reader_free(rd);
	stk_log_files_free(&f);
}

static void test_long_line_and_missing_newline(void **state)
{
	struct stk_log_files f = {};
	struct stk_log_reader *rd;
	size_t n = 300000;
	char *big = malloc(n + 2);
	char path[96];

	(void)state;
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\n';
	big[n + 1] = '\0';
	snprintf(path, sizeof(path), "%s/long.log", dir);
	append(path, big);
	append(path, "tail");
	assert_int_equal(stk_log_files_add(&f, path, false), 0);
	rd = stk_log_reader_new(&f, false);
	big[n] = '\0';
	expect_line(rd, big, 1, true);
	expect_line(rd, "tail", 2, false);
	assert_int_equal(stk_log_reader_next(rd, &(struct stk_log_line){}), 0);
	stk_log_reader_free(rd);
	stk_log_files_free(&f);
	free(big);
}

static void test_unreadable_files_do_not_stop(void **state)
{
	/* A gzip header, then bytes that are no deflate stream. */
	static const char bad_gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage, not deflate";
	struct stk_log_files f = {};
	struct stk_log_reader *rd;
	char path[96], gz[96];

	(void)state;
	snprintf(path, sizeof(path), "%s/ok.log", dir);
	snprintf(gz, sizeof(gz), "%s/bad.log.gz", dir);
	append(path, "fine\n");
	append_n(gz, bad_gz, sizeof(bad_gz) - 1);
	assert_int_equal(stk_log_files_add(&f, "/nonexistent/audit.log", true), 0);
	assert_int_equal(stk_log_files_add(&f, dir, false), 0);
	assert_int_equal(stk_log_files_add(&f, gz, false), 0);
	assert_int_equal(stk_log_files_add(&f, path, false), 0);
	rd = stk_log_reader_new(&f, false);
	assert_int_equal(stk_log_reader_next(rd, &(struct stk_log_line){}), -ENOENT);
	assert_string_equal(stk_log_reader_file(rd), "/nonexistent/audit.log");
	assert_int_equal(stk_log_reader_next(rd, &(struct stk_log_line){}), -EISDIR);
	assert_int_equal(stk_log_reader_next(rd, &(struct stk_log_line){}), -EBADMSG);
	assert_string_equal(stk_log_reader_file(rd), gz);
	expect_line(rd, "fine", 1, true);
	assert_int_equal(stk_log_reader_next(rd, &(struct stk_log_line){}), 0);
	stk_log_reader_free(rd);
	stk_log_files_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotated_order),
		cmocka_unit_test(test_fixture_lines),
		cmocka_unit_test(test_gz_alone),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_long_line_and_missing_newline),
		cmocka_unit_test(test_unreadable_files_do_not_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
