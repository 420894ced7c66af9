/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_quote.c - user text made safe for a diagnostic: escapes and cuts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "quote.h"

static void plain_text_unchanged(void **state)
{
	char buf[STK_QUOTE_SIZE];

	(void)state;
	assert_string_equal(stk_quote(buf, "/etc/shadow", 11), "/etc/shadow");
	assert_string_equal(stk_quote(buf, "caf\xc3\xa9 \\ x", 9), "caf\xc3\xa9 \\ x");
	assert_string_equal(stk_quote(buf, "", 0), "");
	/* Only @len bytes count. */
	assert_string_equal(stk_quote(buf, "abcdef", 3), "abc");
}

static void control_bytes_escaped(void **state)
{
	char buf[STK_QUOTE_SIZE];

	(void)state;
	assert_string_equal(stk_quote(buf, "a\0b", 3), "a\\x00b");
	assert_string_equal(stk_quote(buf, "\x1b[31m\n\t\x7f", 8), "\\x1b[31m\\x0a\\x09\\x7f");
}

static void long_text_cut(void **state)
{
	char in[STK_QUOTE_KEEP * 2], buf[STK_QUOTE_SIZE], want[STK_QUOTE_KEEP + 4];

	(void)state;
	memset(in, 'x', sizeof(in));
	memset(want, 'x', STK_QUOTE_KEEP);
	strcpy(want + STK_QUOTE_KEEP, "...");
	assert_string_equal(stk_quote(buf, in, sizeof(in)), want);
	/* Exactly STK_QUOTE_KEEP bytes: no cut. */
	assert_int_equal(strlen(stk_quote(buf, in, STK_QUOTE_KEEP)), STK_QUOTE_KEEP);

	/* Never inside a UTF-8 sequence: "é" straddling the cut goes whole. */
	in[STK_QUOTE_KEEP - 1] = '\xc3';
	in[STK_QUOTE_KEEP] = '\xa9';
	stk_quote(buf, in, sizeof(in));
	assert_int_equal(strlen(buf), STK_QUOTE_KEEP - 1 + 3);
	assert_string_equal(buf + STK_QUOTE_KEEP - 1, "...");

	/* The worst case fits the buffer: every byte escaped, then the cut. */
	memset(in, '\x01', sizeof(in));
	assert_int_equal(strlen(stk_quote(buf, in, sizeof(in))), STK_QUOTE_SIZE - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_unchanged),
		cmocka_unit_test(control_bytes_escaped),
		cmocka_unit_test(long_text_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
