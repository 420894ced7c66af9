/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_diag.c - diagnostics: adding, counting, ordering, printing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

static char *print_all(const struct stk_diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	stk_diags_print(d, f);
	fclose(f);
	return buf;
}

static void add_counts_errors_only(void **state)
{
	struct stk_diags d = { 0 };

	(void)state;
	assert_int_equal(stk_diags_add(&d, "a.json", 3, 7, STK_SEV_ERROR, "bad %s %d", "x", 42), 0);
	assert_int_equal(stk_diags_add(&d, "a.json", 1, 2, STK_SEV_WARNING, "meh"), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].file, "a.json");
	assert_int_equal(d.v[0].line, 3);
	assert_int_equal(d.v[0].col, 7);
	assert_int_equal(d.v[0].severity, STK_SEV_ERROR);
	assert_string_equal(d.v[0].msg, "bad x 42");
	assert_string_equal(d.v[1].msg, "meh");
	stk_diags_free(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.n_errors, 0);
	assert_null(d.v);
}

static void print_format_in_order_added(void **state)
{
	struct stk_diags d = { 0 };
	char *out;

	(void)state;
	stk_diags_add(&d, "p.json", 10, 4, STK_SEV_WARNING, "second");
	stk_diags_add(&d, "p.json", 2, 1, STK_SEV_ERROR, "first");
	stk_diags_add(&d, NULL, 1, 1, STK_SEV_ERROR, "no file");
	out = print_all(&d);
	assert_string_equal(out, "p.json:10:4: warning: second\n"
				 "p.json:2:1: error: first\n"
				 "<input>:1:1: error: no file\n");
	free(out);
	stk_diags_free(&d);
}

static void print_nothing(void **state)
{
	struct stk_diags d = { 0 };
	char *out;

	(void)state;
	out = print_all(&d);
	assert_string_equal(out, "");
	free(out);
	stk_diags_free(&d);
}

static void grows_past_initial_capacity(void **state)
{
	struct stk_diags d = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_int_equal(stk_diags_add(&d, "f", i + 1, 1, STK_SEV_ERROR, "e%d", i), 0);
	assert_int_equal(d.n, 1000);
	assert_int_equal(d.n_errors, 1000);
	assert_string_equal(d.v[999].msg, "e999");
	assert_int_equal(d.v[999].line, 1000);
	stk_diags_free(&d);
}

static void long_message_kept_whole(void **state)
{
	struct stk_diags d = { 0 };
	char big[5000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(stk_diags_add(&d, "f", 1, 1, STK_SEV_ERROR, "[%s]", big), 0);
	assert_int_equal(strlen(d.v[0].msg), sizeof(big) + 1);
	stk_diags_free(&d);
}

static void sort_is_stable_and_leaves_prefix(void **state)
{
	struct stk_diags d = { 0 };

	(void)state;
	stk_diags_add(&d, "other", 9, 9, STK_SEV_ERROR, "kept first");
	stk_diags_add(&d, "f", 5, 3, STK_SEV_ERROR, "c");
	stk_diags_add(&d, "f", 2, 8, STK_SEV_WARNING, "b1");
	stk_diags_add(&d, "f", 1, 1, STK_SEV_ERROR, "a");
	stk_diags_add(&d, "f", 2, 8, STK_SEV_ERROR, "b2");
	stk_diags_add(&d, "f", 2, 3, STK_SEV_ERROR, "b0");
	assert_int_equal(stk_diags_sort(&d, 1), 0);
	assert_string_equal(d.v[0].msg, "kept first");
	assert_string_equal(d.v[1].msg, "a");
	assert_string_equal(d.v[2].msg, "b0");
	assert_string_equal(d.v[3].msg, "b1");
	assert_string_equal(d.v[4].msg, "b2");
	assert_string_equal(d.v[5].msg, "c");
	assert_int_equal(d.n_errors, 5);
	/* Past the end: nothing to do. */
	assert_int_equal(stk_diags_sort(&d, 6), 0);
	assert_int_equal(stk_diags_sort(&d, 100), 0);
	stk_diags_free(&d);
}

static void sort_many(void **state)
{
	struct stk_diags d = { 0 };
	size_t i;

	(void)state;
	/* Lines descending, each twice: after sorting ascending, "a" before "b". */
	for (i = 0; i < 777; i++) {
		stk_diags_add(&d, "f", (int)(777 - i), 1, STK_SEV_ERROR, "a");
		stk_diags_add(&d, "f", (int)(777 - i), 1, STK_SEV_ERROR, "b");
	}
	assert_int_equal(stk_diags_sort(&d, 0), 0);
	for (i = 0; i < d.n; i++) {
		assert_int_equal(d.v[i].line, (int)(i / 2 + 1));
		assert_string_equal(d.v[i].msg, i % 2 ? "b" : "a");
	}
	stk_diags_free(&d);
}

static void free_null_and_twice(void **state)
{
	struct stk_diags d = { 0 };

	(void)state;
	stk_diags_free(NULL);
	stk_diags_add(&d, "f", 1, 1, STK_SEV_ERROR, "x");
	stk_diags_free(&d);
	stk_diags_free(&d);
	assert_int_equal(d.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_counts_errors_only),
		cmocka_unit_test(print_format_in_order_added),
		cmocka_unit_test(print_nothing),
		cmocka_unit_test(grows_past_initial_capacity),
		cmocka_unit_test(long_message_kept_whole),
		cmocka_unit_test(sort_is_stable_and_leaves_prefix),
		cmocka_unit_test(sort_many),
		cmocka_unit_test(free_null_and_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
