// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_ocsf.c - native events to OCSF: class and activity per hook, the
 * common attributes, actor, target, container, unmapped fields; and the
 * key=value form for syslog, escapes included.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "ocsf.h"
#include "syslog_kv.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char file_ev[] =
	"{\"time\":\"2026-11-25T15:40:01.123456789Z\",\"seq\":7,\"host\":\"web1\",\"action\":\"deny\","
	"\"enforced\":true,\"hook\":\"file_open\",\"policy\":\"demo\",\"rule\":\"no-shadow\","
	"\"pid\":97,\"tid\":98,\"ppid\":80,\"uid\":0,\"gid\":0,\"comm\":\"cat\",\"exe\":\"cat\","
	"\"exe_inode\":55,\"exe_dev\":\"254:1\",\"cgroup\":\"/system.slice/docker-" ID64 ".scope\","
	"\"cgroup_id\":1,\"container\":\"" ID64 "\",\"runtime\":\"docker\",\"path\":\"/etc/sh\\\"a\\u00ffdow\","
	"\"inode\":4123,\"dev\":\"0:2\",\"access\":[\"read\"],\"decided\":[\"read\"],\"alert\":true,"
	"\"alert_reason\":\"rule\"}";

static const char net_ev[] =
	"{\"time\":\"2026-11-25T15:40:02.000000001Z\",\"seq\":2,\"host\":\"web1\",\"action\":\"deny\","
	"\"enforced\":false,\"hook\":\"bind4\",\"policy\":\"kt-net\",\"rule\":\"default\",\"pid\":120,"
	"\"tid\":120,\"ppid\":1,\"uid\":1000,\"gid\":1000,\"comm\":\"nc\",\"exe\":null,\"cgroup\":null,"
	"\"cgroup_id\":1,\"direction\":\"bind\",\"family\":\"ipv4\",\"address\":\"0.0.0.0\","
	"\"port\":80,\"protocol\":\"tcp\"}";

static char out[65536];

static struct json_object *ocsf(const char *ev)
{
	long n = stk_ocsf_convert(ev, strlen(ev), out, sizeof(out));
	struct json_object *o;

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(out));
	assert_null(strchr(out, '\n'));
	o = json_tokener_parse(out);
	if (!o)
		fail_msg("not JSON: %s", out);
	return o;
}

/* The value at a dotted @path, as a string ("" for absent). */
static const char *at(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	struct json_object *v = o;

	while (v && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path), path);
		if (!json_object_object_get_ex(v, key, &v))
			return "";
		path = dot ? dot + 1 : path + strlen(path);
	}
	return json_object_get_string(v);
}

static void file_event(void **state)
{
	struct json_object *o = ocsf(file_ev);

	(void)state;
	assert_string_equal(at(o, "class_uid"), "1001");
	assert_string_equal(at(o, "category_uid"), "1");
	assert_string_equal(at(o, "activity_id"), "14");
	assert_string_equal(at(o, "type_uid"), "100114");
	assert_string_equal(at(o, "time"), "1795621201123");
	assert_string_equal(at(o, "time_dt"), "2026-11-25T15:40:01.123456789Z");
	assert_string_equal(at(o, "severity_id"), "4"); /* an alert */
	assert_string_equal(at(o, "action_id"), "2");
	assert_string_equal(at(o, "disposition_id"), "2");
	assert_string_equal(at(o, "status_id"), "2");
	assert_string_equal(at(o, "metadata.version"), STK_OCSF_VERSION);
	assert_string_equal(at(o, "metadata.product.name"), "stockade");
	assert_string_equal(at(o, "metadata.sequence"), "7");
	assert_string_equal(at(o, "device.hostname"), "web1");
	assert_string_equal(at(o, "actor.process.pid"), "97");
	assert_string_equal(at(o, "actor.process.tid"), "98");
	assert_string_equal(at(o, "actor.process.name"), "cat");
	assert_string_equal(at(o, "actor.process.file.name"), "cat");
	assert_string_equal(at(o, "actor.process.parent_process.pid"), "80");
	assert_string_equal(at(o, "actor.user.uid"), "0");
	assert_string_equal(at(o, "file.path"), "/etc/sh\"a\xc3\xbf" "dow");
	assert_string_equal(at(o, "file.name"), "sh\"a\xc3\xbf" "dow");
	assert_string_equal(at(o, "file.uid"), "4123");
	assert_string_equal(at(o, "container.uid"), ID64);
	assert_string_equal(at(o, "container.runtime"), "docker");
	assert_string_equal(at(o, "policy.name"), "demo");
	assert_string_equal(at(o, "unmapped.rule"), "no-shadow");
	assert_string_equal(at(o, "unmapped.hook"), "file_open");
	assert_string_equal(at(o, "unmapped.cgroup"), "/system.slice/docker-" ID64 ".scope");
	assert_string_equal(at(o, "unmapped.alert_reason"), "rule");
	assert_string_equal(at(o, "unmapped.pid"), ""); /* mapped, not repeated */
	json_object_put(o);
}

static void network_event_in_complain_mode(void **state)
{
	struct json_object *o = ocsf(net_ev);

	(void)state;
	assert_string_equal(at(o, "class_uid"), "4001");
	assert_string_equal(at(o, "category_uid"), "4");
	assert_string_equal(at(o, "activity_id"), "99");
	assert_string_equal(at(o, "severity_id"), "2");
	assert_string_equal(at(o, "action_id"), "1");
	assert_string_equal(at(o, "disposition_id"), "17");
	assert_string_equal(at(o, "src_endpoint.ip"), "0.0.0.0");
	assert_string_equal(at(o, "src_endpoint.port"), "80");
	assert_string_equal(at(o, "connection_info.protocol_name"), "tcp");
	assert_string_equal(at(o, "connection_info.direction_id"), "1");
	assert_string_equal(at(o, "actor.process.file"), ""); /* exe null */
	assert_string_equal(at(o, "container"), "");
	json_object_put(o);
}

static void classes_by_hook(void **state)
{
	static const struct {
		const char *hook;
		const char *class_uid, *activity_id;
	} cases[] = {
		{ "path_unlink", "1001", "4" },	  { "path_rename", "1001", "5" },
		{ "path_chmod", "1001", "6" },	  { "sb_mount", "1001", "12" },
		{ "sb_umount", "1001", "13" },	  { "bprm_check_security", "1007", "1" },
		{ "capable", "1007", "99" },	  { "ptrace_access_check", "1007", "3" },
		{ "kernel_module_request", "1002", "1" }, { "bpf", "1003", "99" },
		{ "connect6", "4001", "1" },	  { "sendmsg4", "4001", "6" },
		{ "socket_create", "4001", "99" }, { "from_the_future", "1007", "99" },
	};
	char ev[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *o;

		snprintf(ev, sizeof(ev),
			 "{\"time\":\"2026-11-25T15:40:01.000000000Z\",\"action\":\"audit\","
			 "\"enforced\":false,\"hook\":\"%s\",\"pid\":1,\"comm\":\"x\"}",
			 cases[i].hook);
		o = ocsf(ev);
		assert_string_equal(at(o, "class_uid"), cases[i].class_uid);
		assert_string_equal(at(o, "activity_id"), cases[i].activity_id);
		assert_string_equal(at(o, "severity_id"), "1");
		json_object_put(o);
	}
}

static void bad_input(void **state)
{
	char small[16];

	(void)state;
	assert_int_equal(stk_ocsf_convert("not json", 8, out, sizeof(out)), -EINVAL);
	assert_int_equal(stk_ocsf_convert("[1]", 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(stk_ocsf_convert("{\"a\":1}", 7, out, sizeof(out)), -EINVAL);
	assert_int_equal(stk_ocsf_convert(file_ev, strlen(file_ev), small, sizeof(small)), -ENOSPC);
	assert_int_equal(stk_kv_convert(file_ev, strlen(file_ev), small, sizeof(small)), -ENOSPC);
	assert_int_equal(stk_kv_convert("nope", 4, out, sizeof(out)), -EINVAL);
}

static void key_value(void **state)
{
	static const char ev[] = "{\"time\":\"2026-11-25T15:40:01.5Z\",\"seq\":3,\"action\":\"deny\","
				 "\"enforced\":true,\"comm\":\"my cat\",\"cgroup\":null,"
				 "\"path\":\"/tmp/a\\\"b\\\\c\\nd x=1\",\"access\":[\"read\",\"write\"]}";
	long n;

	(void)state;
	n = stk_kv_convert(ev, strlen(ev), out, sizeof(out));
	assert_true(n > 0);
	assert_string_equal(out, "time=2026-11-25T15:40:01.5Z seq=3 action=deny enforced=true "
				 "comm=\"my cat\" cgroup=null path=\"/tmp/a\\\"b\\\\c\\x0ad x=1\" "
				 "access=read,write");
	assert_null(strchr(out, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_event),
		cmocka_unit_test(network_event_in_complain_mode),
		cmocka_unit_test(classes_by_hook),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(key_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
