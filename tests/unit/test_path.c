/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_path.c - what a valid rule path is, and the sorted path tables the
 * checks and the compiler share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "path.h"
#include "stk_abi.h"

static enum stk_path_problem check(const char *s)
{
	return stk_path_check(s, strlen(s), NULL, NULL);
}

static void valid_paths(void **state)
{
	(void)state;
	assert_int_equal(check("/"), STK_PATH_OK);
	assert_int_equal(check("/etc"), STK_PATH_OK);
	assert_int_equal(check("/etc/"), STK_PATH_OK);
	assert_int_equal(check("/etc/shadow"), STK_PATH_OK);
	assert_int_equal(check("/a/.b/..c/...d/e."), STK_PATH_OK);
	assert_int_equal(check("/with space/\xc3\xa9"), STK_PATH_OK);
}

static void invalid_paths(void **state)
{
	size_t off = 99, n = 99;

	(void)state;
	assert_int_equal(check(""), STK_PATH_EMPTY);
	assert_int_equal(stk_path_check("/a\0b", 4, NULL, NULL), STK_PATH_NUL);
	assert_int_equal(check("etc/shadow"), STK_PATH_RELATIVE);
	assert_int_equal(check("./x"), STK_PATH_RELATIVE);
	assert_int_equal(check("//"), STK_PATH_NOT_NORMAL);
	assert_int_equal(check("/a//"), STK_PATH_NOT_NORMAL);
	assert_int_equal(check("/."), STK_PATH_NOT_NORMAL);
	assert_int_equal(check("/a/./"), STK_PATH_NOT_NORMAL);

	assert_int_equal(stk_path_check("/a//b", 5, &off, &n), STK_PATH_NOT_NORMAL);
	assert_int_equal(off, 3);
	assert_int_equal(n, 0);
	assert_int_equal(stk_path_check("/ab/../c", 8, &off, &n), STK_PATH_NOT_NORMAL);
	assert_int_equal(off, 4);
	assert_int_equal(n, 2);
}

static void length_limits(void **state)
{
	char p[STK_PATH_MAX + 2];
	size_t off = 0, n = 0, i;

	(void)state;
	/* A component of exactly STK_NAME_MAX bytes is fine, one more is not. */
	p[0] = '/';
	memset(p + 1, 'a', STK_NAME_MAX);
	p[1 + STK_NAME_MAX] = '\0';
	assert_int_equal(check(p), STK_PATH_OK);
	strcpy(p + 1 + STK_NAME_MAX, "b/c");
	assert_int_equal(stk_path_check(p, strlen(p), &off, &n), STK_PATH_NAME_TOO_LONG);
	assert_int_equal(off, 1);
	assert_int_equal(n, STK_NAME_MAX + 1);

	/* Total: at most STK_PATH_MAX - 1 bytes (room for the NUL). */
	for (i = 0; i < STK_PATH_MAX - 1; i++)
		p[i] = i % 32 == 0 ? '/' : 'x';
	p[STK_PATH_MAX - 1] = '\0';
	assert_int_equal(check(p), STK_PATH_OK);
	p[STK_PATH_MAX - 1] = 'x';
	p[STK_PATH_MAX] = '\0';
	assert_int_equal(check(p), STK_PATH_TOO_LONG);
}

static void normal_for_explain(void **state)
{
	char p[STK_PATH_MAX + 100];

	(void)state;
	assert_true(stk_path_is_normal("/", 1));
	assert_true(stk_path_is_normal("/a/b/", 5));
	assert_false(stk_path_is_normal("", 0));
	assert_false(stk_path_is_normal("a", 1));
	assert_false(stk_path_is_normal("/a/../b", 7));
	assert_false(stk_path_is_normal("/a\0", 3));
	/* Long names and paths are fine to ask about: they just match less. */
	memset(p, 'x', sizeof(p) - 1);
	p[0] = '/';
	p[sizeof(p) - 1] = '\0';
	assert_true(stk_path_is_normal(p, strlen(p)));
}

static void norm_tree_parent(void **state)
{
	(void)state;
	assert_true(stk_path_is_tree("/", 1));
	assert_true(stk_path_is_tree("/etc/", 5));
	assert_false(stk_path_is_tree("/etc", 4));
	assert_int_equal(stk_path_norm_len("/", 1), 1);
	assert_int_equal(stk_path_norm_len("/etc/", 5), 4);
	assert_int_equal(stk_path_norm_len("/etc", 4), 4);
	assert_int_equal(stk_path_parent_len("/a/bc/d", 7), 5);
	assert_int_equal(stk_path_parent_len("/a/bc", 5), 2);
	assert_int_equal(stk_path_parent_len("/a", 2), 1);
	assert_int_equal(stk_path_parent_len("/", 1), 0);
	/* The parent of a prefix of a longer string: only the prefix counts. */
	assert_int_equal(stk_path_parent_len("/a/bc/d", 5), 2);
}

static void compare_like_strcmp(void **state)
{
	static const char *const s[] = { "/", "/a", "/a-b", "/a/b", "/ab", "/b", "/\xc3\xa9" };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		for (j = 0; j < sizeof(s) / sizeof(s[0]); j++) {
			int want = strcmp(s[i], s[j]);
			int got = stk_path_cmp(s[i], strlen(s[i]), s[j], strlen(s[j]));

			assert_int_equal(want < 0, got < 0);
			assert_int_equal(want > 0, got > 0);
		}
	}
}

static void find_and_parents(void **state)
{
	/* Sorted in strcmp() order: "/a-b" falls between "/a" and "/a/b". */
	static const struct stk_path_key v[] = {
		{ "/", 1 },	  { "/a", 2 },	   { "/a-b", 4 }, { "/a/b", 4 },
		{ "/a/b/c/d", 8 }, { "/a/bc", 5 }, { "/z/y", 4 },
	};
	size_t n = sizeof(v) / sizeof(v[0]), i;
	long parent[sizeof(v) / sizeof(v[0])];

	(void)state;
	for (i = 0; i < n; i++)
		assert_int_equal(stk_path_find(v, n, v[i].s, v[i].len), (long)i);
	assert_int_equal(stk_path_find(v, n, "/a/b/c", 6), -1);
	assert_int_equal(stk_path_find(v, n, "/0", 2), -1);
	assert_int_equal(stk_path_find(v, 0, "/", 1), -1);

	stk_path_parents(v, n, parent);
	assert_int_equal(parent[0], -1);	/* "/" */
	assert_int_equal(parent[1], 0);		/* "/a" -> "/" */
	assert_int_equal(parent[2], 0);		/* "/a-b" -> "/" */
	assert_int_equal(parent[3], 1);		/* "/a/b" -> "/a" */
	assert_int_equal(parent[4], 3);		/* "/a/b/c/d" -> "/a/b", skipping "/a/b/c" */
	assert_int_equal(parent[5], 1);		/* "/a/bc" -> "/a", not "/a/b" */
	assert_int_equal(parent[6], 0);		/* "/z/y" -> "/" */

	/* Without "/", top-level paths have no parent. */
	stk_path_parents(v + 1, n - 1, parent);
	assert_int_equal(parent[0], -1);
	assert_int_equal(parent[2], 0);
	assert_int_equal(parent[5], -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_paths),
		cmocka_unit_test(invalid_paths),
		cmocka_unit_test(length_limits),
		cmocka_unit_test(normal_for_explain),
		cmocka_unit_test(norm_tree_parent),
		cmocka_unit_test(compare_like_strcmp),
		cmocka_unit_test(find_and_parents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
