// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_record.c - audit lines read back: every field of the schema,
 * what makes a line corrupt, container ids from cgroup paths.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "log_record.h"
#include "policy.h"

#define ID64 "3f4e8a1c9b2d3f4e8a1c9b2d3f4e8a1c9b2d3f4e8a1c9b2d3f4e8a1c9b2d0a1b"

static const char good[] =
	"{\"time\":\"2026-11-25T15:40:01.123456789Z\",\"seq\":7,\"host\":\"web1\","
	"\"action\":\"deny\",\"enforced\":true,\"hook\":\"file_open\",\"policy\":\"demo\","
	"\"rule\":\"no-shadow\",\"pid\":97,\"tid\":98,\"ppid\":80,\"uid\":1000,\"gid\":1001,"
	"\"comm\":\"cat\",\"cgroup\":\"/system.slice/docker-" ID64 ".scope\",\"cgroup_id\":1,"
	"\"path\":\"/etc/sh\\u00e9dow\\n\",\"inode\":4123,\"dev\":\"0:2\","
	"\"access\":[\"read\",\"write\",\"teleport\"],\"decided\":[\"read\"]}";

static int parse(const char *line, struct stk_log_rec *r, char *why, size_t len)
{
	return stk_log_rec_parse(line, strlen(line), r, why, len);
}

static void test_every_field(void **state)
{
	struct stk_log_rec r;
	char why[128];

	(void)state;
	assert_int_equal(parse(good, &r, why, sizeof(why)), 0);
	assert_int_equal(r.time_ns, 1795621201LL * 1000000000LL + 123456789);
	assert_int_equal(r.seq, 7);
	assert_string_equal(r.host, "web1");
	assert_string_equal(r.action, "deny");
	assert_true(r.enforced);
	assert_string_equal(r.hook, "file_open");
	assert_string_equal(r.policy, "demo");
	assert_string_equal(r.rule, "no-shadow");
	assert_int_equal(r.pid, 97);
	assert_int_equal(r.tid, 98);
	assert_int_equal(r.ppid, 80);
	assert_int_equal(r.uid, 1000);
	assert_int_equal(r.gid, 1001);
	assert_string_equal(r.comm, "cat");
	assert_null(r.exe);
	assert_string_equal(r.cgroup, "/system.slice/docker-" ID64 ".scope");
	assert_null(r.container);
	assert_string_equal(stk_log_rec_container(&r), ID64);
	/* json-c decodes escapes: \u00e9 is U+00E9 in UTF-8. */
	assert_string_equal(r.path, "/etc/sh\xc3\xa9" "dow\n");
	assert_false(r.path_truncated);
	/* An access kind this version does not know is left out, not fatal. */
	assert_int_equal(r.access, STK_FACC_BIT(STK_FACC_READ) | STK_FACC_BIT(STK_FACC_WRITE));
	stk_log_rec_clear(&r);
	stk_log_rec_clear(&r); /* idempotent */
}

static void test_optional_fields(void **state)
{
	static const char line[] =
		"{\"time\":\"2026-11-25T15:40:01Z\",\"action\":\"audit\",\"enforced\":false,"
		"\"hook\":\"file_open\",\"cgroup\":null,\"container\":\"web\",\"exe\":\"/bin/cat\","
		"\"path\":\"/x\",\"path_truncated\":true}  ";
	struct stk_log_rec r;

	(void)state;
	assert_int_equal(parse(line, &r, NULL, 0), 0);
	assert_string_equal(r.policy, "");
	assert_string_equal(r.rule, "");
	assert_string_equal(r.comm, "");
	assert_int_equal(r.pid, -1);
	assert_int_equal(r.uid, -1);
	assert_null(r.cgroup);
	assert_string_equal(stk_log_rec_container(&r), "web");
	assert_string_equal(r.exe, "/bin/cat");
	assert_true(r.path_truncated);
	assert_int_equal(r.access, 0);
	stk_log_rec_clear(&r);
}

static void expect_bad(const char *line, const char *why_part)
{
	struct stk_log_rec r;
	char why[128] = "";

	if (parse(line, &r, why, sizeof(why)) != -EINVAL)
		fail_msg("accepted: %s", line);
	if (!strstr(why, why_part))
		fail_msg("'%s': reason '%s' lacks '%s'", line, why, why_part);
}

static void test_corrupt(void **state)
{
	(void)state;
	expect_bad("", "truncated");
	expect_bad("{\"time\":\"2026-11-25T15:40:01Z\",\"act", "truncated");
	expect_bad("garbage", "not JSON");
	expect_bad("[1,2]", "not a JSON object");
	expect_bad("{} {}", "text after");
	expect_bad("{\"action\":\"deny\",\"enforced\":true,\"hook\":\"file_open\"}", "time");
	expect_bad("{\"time\":\"yesterday\",\"action\":\"deny\",\"enforced\":true,\"hook\":\"x\"}",
		   "time");
	expect_bad("{\"time\":\"2026-11-25T15:40:01Z\",\"enforced\":true,\"hook\":\"x\"}",
		   "action");
	expect_bad("{\"time\":\"2026-11-25T15:40:01Z\",\"action\":\"deny\",\"enforced\":1,"
		   "\"hook\":\"x\"}",
		   "enforced");
	expect_bad("{\"time\":\"2026-11-25T15:40:01Z\",\"action\":\"deny\",\"enforced\":true,"
		   "\"hook\":\"x\",\"pid\":\"97\"}",
		   "wrong type");
	expect_bad("{\"time\":\"2026-11-25T15:40:01Z\",\"action\":\"deny\",\"enforced\":true,"
		   "\"hook\":\"x\",\"access\":\"read\"}",
		   "wrong type");
	expect_bad("{\"time\":\"2026-11-25T15:40:01Z\",\"action\":\"deny\",\"enforced\":true,"
		   "\"hook\":\"x\",\"path\":7}",
		   "wrong type");
}

static void test_embedded_nul(void **state)
{
	static const char line[] = "{\"time\":\"2026-11-25T15:40:01Z\",\"act\0\0\0";
	struct stk_log_rec r;
	char why[128];

	(void)state;
	assert_int_equal(stk_log_rec_parse(line, sizeof(line) - 1, &r, why, sizeof(why)), -EINVAL);
}

static void test_container_of(void **state)
{
	static const struct {
		const char *cgroup;
		const char *id;
	} cases[] = {
		{ "/system.slice/docker-" ID64 ".scope", ID64 },
		{ "/kubepods.slice/kubepods-pod1.slice/cri-containerd-" ID64 ".scope", ID64 },
		{ "/kubepods.slice/kubepods-pod1.slice/crio-" ID64 ".scope", ID64 },
		{ "/machine.slice/libpod-" ID64 ".scope/container", ID64 },
		{ "/docker/" ID64, ID64 },
		{ "/system.slice/cron.service", NULL },
		{ "/system.slice/docker-" ID64 "0.scope", NULL }, /* 65 digits */
		{ "/system.slice/docker-ABCDEF.scope", NULL },
		{ "/", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	char buf[65];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = stk_log_container_of(cases[i].cgroup, buf, sizeof(buf));

		if (!cases[i].id)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].id);
	}
	assert_null(stk_log_container_of("/docker/" ID64, buf, 64)); /* no room */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_optional_fields),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_container_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
