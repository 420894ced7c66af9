// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_json_out.c - the audit JSON writer: escaping of every kind of byte,
 * structure, overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "json_out.h"

static char buf[4096];

static const char *one_string(const char *s, size_t len)
{
	struct json_out j;

	json_out_init(&j, buf, sizeof(buf) - 1);
	json_out_begin_object(&j);
	json_out_strn(&j, "s", s, len);
	json_out_end_object(&j);
	assert_false(j.overflow);
	buf[j.len] = '\0';
	return buf;
}

static void plain_and_special_characters(void **state)
{
	(void)state;
	assert_string_equal(one_string("abc", 3), "{\"s\":\"abc\"}");
	assert_string_equal(one_string("a\"b\\c", 5), "{\"s\":\"a\\\"b\\\\c\"}");
	assert_string_equal(one_string("a\nb\tc\r", 6), "{\"s\":\"a\\nb\\tc\\r\"}");
	assert_string_equal(one_string("\x01\x1f", 2), "{\"s\":\"\\u0001\\u001f\"}");
	assert_string_equal(one_string("a\0b", 3), "{\"s\":\"a\\u0000b\"}");
}

static void utf8_kept_invalid_bytes_escaped(void **state)
{
	(void)state;
	/* Valid UTF-8 passes through unchanged. */
	assert_string_equal(one_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92", 14),
			    "{\"s\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92\"}");
	/* Lone continuation, truncated sequence, overlong, surrogate: escaped bytes. */
	assert_string_equal(one_string("\x80", 1), "{\"s\":\"\\u0080\"}");
	assert_string_equal(one_string("\xc3", 1), "{\"s\":\"\\u00c3\"}");
	assert_string_equal(one_string("\xc0\xaf", 2), "{\"s\":\"\\u00c0\\u00af\"}");
	assert_string_equal(one_string("\xed\xa0\x80", 3), "{\"s\":\"\\u00ed\\u00a0\\u0080\"}");
	assert_string_equal(one_string("\xff", 1), "{\"s\":\"\\u00ff\"}");
}

static void every_byte_value_gives_valid_json(void **state)
{
	char all[256];
	struct json_object *o, *s;
	int i;

	(void)state;
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	one_string(all, sizeof(all));
	o = json_tokener_parse(buf);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "s", &s));
	assert_true(json_object_is_type(s, json_type_string));
	json_object_put(o);
}

static void structure_and_numbers(void **state)
{
	struct json_out j;

	(void)state;
	json_out_init(&j, buf, sizeof(buf) - 1);
	json_out_begin_object(&j);
	json_out_u64(&j, "u", UINT64_MAX);
	json_out_i64(&j, "i", INT64_MIN);
	json_out_bool(&j, "t", true);
	json_out_null(&j, "n");
	json_out_begin_array(&j, "a");
	json_out_str(&j, NULL, "x");
	json_out_u64(&j, NULL, 0);
	json_out_end_array(&j);
	json_out_key(&j, "o");
	json_out_begin_object(&j);
	json_out_end_object(&j);
	json_out_end_object(&j);
	buf[j.len] = '\0';
	assert_string_equal(buf, "{\"u\":18446744073709551615,\"i\":-9223372036854775808,"
				 "\"t\":true,\"n\":null,\"a\":[\"x\",0],\"o\":{}}");
}

static void overflow_is_reported(void **state)
{
	char small[8];
	struct json_out j;

	(void)state;
	json_out_init(&j, small, sizeof(small));
	json_out_begin_object(&j);
	json_out_str(&j, "key", "a long value");
	assert_true(j.overflow);
	assert_true(j.len <= sizeof(small));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_special_characters),
		cmocka_unit_test(utf8_kept_invalid_bytes_escaped),
		cmocka_unit_test(every_byte_value_gives_valid_json),
		cmocka_unit_test(structure_and_numbers),
		cmocka_unit_test(overflow_is_reported),
	};

	return cmocka_run_group_tests_name("json_out", tests, NULL, NULL);
}
