// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_ocsf.c - native events to OCSF: class and activity per hook, the
 * common attributes, actor, target, container, unmapped fields; and the
 * key=value form for syslog, escapes included. And back: an OCSF event
 * read as the native event it came from, field for field, as "stockade
 * log" reads it.
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

#include "log_record.h"
#include "ocsf.h"
#include "ocsf_read.h"
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
		{ "inode_setattr", "1001", "6" }, { "unix_stream_connect", "1001", "99" },
		{ "unix_may_send", "1001", "99" }, { "file_receive", "1001", "14" },
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

static const char exec_ev[] =
	"{\"time\":\"2026-11-25T15:40:03Z\",\"seq\":9,\"host\":\"h\",\"action\":\"audit\","
	"\"enforced\":false,\"hook\":\"bprm_check_security\",\"policy\":\"p\",\"rule\":\"r\","
	"\"pid\":5,\"tid\":5,\"ppid\":4,\"uid\":1000,\"gid\":100,\"comm\":\"sh\",\"exe\":\"sh\","
	"\"exe_inode\":12,\"cgroup\":\"/\",\"cgroup_id\":1,\"path\":\"/usr/bin/id\","
	"\"inode\":77,\"dev\":\"8:1\",\"unit\":\"cron.service\"}";

/* What OCSF's conversion and its inverse make of @native: the same object. */
static void round_trips(const char *native)
{
	struct json_object *ev = json_tokener_parse(native), *oc, *back, *v;
	struct stk_log_rec a, b;
	char err[128];
	long n;

	assert_non_null(ev);
	n = stk_ocsf_convert(native, strlen(native), out, sizeof(out));
	assert_true(n > 0);
	oc = json_tokener_parse(out);
	assert_true(stk_ocsf_is_event(oc));
	assert_false(stk_ocsf_is_event(ev));
	back = stk_ocsf_to_native(oc);
	assert_non_null(back);
	json_object_object_foreach(ev, key, val)
	{
		/* An unknown executable (null) is left out of OCSF: absent, as good. */
		if (json_object_is_type(val, json_type_null) && !strcmp(key, "exe")) {
			assert_false(json_object_object_get_ex(back, key, NULL));
			continue;
		}
		if (!json_object_object_get_ex(back, key, &v) || !json_object_equal(val, v))
			fail_msg("%s: %s came back as %s", key, json_object_get_string(val),
				 json_object_get_string(v));
	}
	json_object_object_foreach(back, bkey, bval)
	{
		(void)bval;
		if (!json_object_object_get_ex(ev, bkey, NULL))
			fail_msg("%s came back from nowhere", bkey);
	}
	/* "stockade log" reads the OCSF line as it reads the native one. */
	assert_int_equal(stk_log_rec_parse(native, strlen(native), &a, err, sizeof(err)), 0);
	assert_int_equal(stk_log_rec_parse(out, (size_t)n, &b, err, sizeof(err)), 0);
	assert_int_equal(a.time_ns, b.time_ns);
	assert_int_equal(a.seq, b.seq);
	assert_string_equal(a.action, b.action);
	assert_int_equal(a.enforced, b.enforced);
	assert_string_equal(a.hook, b.hook);
	assert_string_equal(a.policy, b.policy);
	assert_string_equal(a.rule, b.rule);
	assert_int_equal(a.uid, b.uid);
	assert_int_equal(a.ppid, b.ppid);
	assert_string_equal(a.comm, b.comm);
	assert_int_equal(a.access, b.access);
	assert_int_equal(!a.path, !b.path);
	if (a.path)
		assert_string_equal(a.path, b.path);
	assert_int_equal(!stk_log_rec_container(&a), !stk_log_rec_container(&b));
	stk_log_rec_clear(&a);
	stk_log_rec_clear(&b);
	json_object_put(back);
	json_object_put(oc);
	json_object_put(ev);
}

static void ocsf_reads_back_as_native(void **state)
{
	(void)state;
	round_trips(file_ev);
	round_trips(net_ev);
	round_trips(exec_ev);
}

/* An OCSF event of another product, without stockade's fields: a damaged line, said so. */
static void foreign_ocsf_is_refused(void **state)
{
	static const char other[] = "{\"class_uid\":1001,\"time\":1764085201000,"
				    "\"time_dt\":\"2026-11-25T15:40:01Z\",\"metadata\":{\"version\":\"1.1.0\"}}";
	struct stk_log_rec r;
	char err[128] = "";

	(void)state;
	assert_int_equal(stk_log_rec_parse(other, strlen(other), &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "action"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_event),
		cmocka_unit_test(network_event_in_complain_mode),
		cmocka_unit_test(classes_by_hook),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(key_value),
		cmocka_unit_test(ocsf_reads_back_as_native),
		cmocka_unit_test(foreign_ocsf_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
