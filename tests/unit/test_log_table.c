// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_table.c - the human table of "stockade log": columns line up,
 * hostile names cannot reach the terminal raw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "log_fixture.h"
#include "log_table.h"

static void test_safe(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "/etc/passwd", "/etc/passwd" },
		{ "a\x1b[2Jb", "a\\x1b[2Jb" },
		{ "new\nline\r\t", "new\\x0aline\\x0d\\x09" },
		{ "del\x7f", "del\\x7f" },
		{ "c1\xc2\x9b" "31m", "c1\\x9b31m" }, /* U+009B, the 8-bit CSI */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },	/* printable UTF-8 stays */
		{ "back\\slash", "back\\\\slash" },
		{ "", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = stk_log_safe(cases[i].in);

		assert_string_equal(s, cases[i].out);
		free(s);
	}
	assert_int_equal(stk_log_width("caf\xc3\xa9"), 4);
}

static size_t col(const char *line, const char *word)
{
	const char *p = strstr(line, word);

	if (!p)
		fail_msg("'%s' not in '%s'", word, line);
	return p - line;
}

static void test_fixture_table(void **state)
{
	struct stk_log_table t;
	struct fixture fx;
	char *buf = NULL, *line, *save = NULL, *lines[32] = {};
	size_t len = 0, n = 0, i;
	FILE *f;

	(void)state;
	fixture_load(&fx, FIXTURE_LOG, true);
	f = open_memstream(&buf, &len);
	stk_log_table_init(&t, f);
	for (i = 0; i < fx.n; i++)
		assert_int_equal(stk_log_table_add(&t, &fx.recs[i]), 0);
	stk_log_table_flush(&t);
	stk_log_table_free(&t);
	fclose(f);
	assert_null(strchr(buf, '\x1b'));
	for (line = strtok_r(buf, "\n", &save); line && n < 32; line = strtok_r(NULL, "\n", &save))
		lines[n++] = line;
	/* A header and one line per record: the newline in a name did not split one. */
	assert_int_equal(n, 17);
	assert_int_equal(strncmp(lines[0], "TIME (UTC)", 10), 0);
	assert_string_equal(lines[1], "2026-11-24 22:05:01  deny    yes       baseline/no-shadow    "
				      "4101  cat       /etc/shadow (read)");
	for (i = 1; i < n; i++) {
		assert_true(!strncmp(lines[i] + 21, "deny ", 5) ||
			    !strncmp(lines[i] + 21, "audit ", 6));
		assert_int_equal(col(lines[i], "  /") + 2, col(lines[0], "TARGET"));
		assert_int_not_equal(lines[i][strlen(lines[i]) - 1], ' ');
	}
	assert_non_null(strstr(lines[9], "/srv/db/secrets/key.pem (read,write)"));
	assert_non_null(strstr(lines[14], "/usr/bin/evil\\x1b[2J\\x0ax (write)"));
	free(buf);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_fixture_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
