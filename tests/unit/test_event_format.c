// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_event_format.c - kernel records to audit JSON: every field, time
 * format, hostile paths, malformed records.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "event_format.h"

static const struct stk_rule_ref rules[] = {
	{ .policy = "demo", .id = "no-shadow" },
	{ .policy = "demo", .id = "default" },
	{ .policy = "demo", .id = "loud", .alert = true },
};

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char *cg_name(uint64_t id, void *arg)
{
	(void)arg;
	if (id == 43)
		return "/system.slice/docker-" ID64 ".scope";
	return id == 42 ? "/system.slice/nginx.service" : NULL;
}

static struct stk_format_ctx ctx = {
	.rules = rules,
	.n_rules = 3,
	.boot_to_real_ns = 1700000000LL * 1000000000LL,
	.host = "web1",
	.cgroup_path = cg_name,
};

static struct stk_event_file ev;
static char out[16384];

static size_t make_event(const char *path, size_t path_bytes)
{
	memset(&ev, 0, sizeof(ev));
	ev.hdr.time_boot_ns = 123456789;
	ev.hdr.cgroup_id = 42;
	ev.hdr.type = STK_EV_FILE;
	ev.hdr.pid = 100;
	ev.hdr.tid = 101;
	ev.hdr.ppid = 1;
	ev.hdr.uid = 1000;
	ev.hdr.gid = 1001;
	ev.hdr.hook = STK_HOOK_FILE_OPEN;
	ev.hdr.rule = 0;
	ev.hdr.action = STK_ACT_DENY;
	ev.hdr.enforced = 1;
	memcpy(ev.hdr.comm, "cat", 4);
	memcpy(ev.hdr.exe_name, "cat", 4);
	ev.hdr.exe_ino = 555;
	ev.hdr.exe_dev = (254u << 20) | 3;
	ev.ino = 77;
	ev.dev = (8u << 20) | 1;
	ev.access = STK_FACC_BIT(STK_FACC_READ) | STK_FACC_BIT(STK_FACC_WRITE);
	ev.denied = STK_FACC_BIT(STK_FACC_READ);
	memcpy(ev.path, path, path_bytes);
	ev.path_len = path_bytes;
	ev.hdr.size = offsetof(struct stk_event_file, path) + path_bytes;
	return ev.hdr.size;
}

static struct json_object *format(size_t size, uint64_t seq)
{
	struct json_out j;
	struct json_object *o;

	json_out_init(&j, out, sizeof(out) - 1);
	assert_int_equal(stk_event_format(&ctx, seq, &ev, size, &j), 0);
	out[j.len] = '\0';
	o = json_tokener_parse(out);
	if (!o)
		fail_msg("not JSON: %s", out);
	return o;
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("no field %s in %s", k, out);
	return json_object_get_string(v);
}

static void file_event_has_every_field(void **state)
{
	struct json_object *o;

	(void)state;
	o = format(make_event("/etc/shadow", 12), 7);
	assert_string_equal(str(o, "time"), "2023-11-14T22:13:20.123456789Z");
	assert_string_equal(str(o, "seq"), "7");
	assert_string_equal(str(o, "host"), "web1");
	assert_string_equal(str(o, "action"), "deny");
	assert_string_equal(str(o, "enforced"), "true");
	assert_string_equal(str(o, "hook"), "file_open");
	assert_string_equal(str(o, "policy"), "demo");
	assert_string_equal(str(o, "rule"), "no-shadow");
	assert_string_equal(str(o, "pid"), "100");
	assert_string_equal(str(o, "tid"), "101");
	assert_string_equal(str(o, "ppid"), "1");
	assert_string_equal(str(o, "uid"), "1000");
	assert_string_equal(str(o, "gid"), "1001");
	assert_string_equal(str(o, "comm"), "cat");
	assert_string_equal(str(o, "exe"), "cat");
	assert_string_equal(str(o, "exe_inode"), "555");
	assert_string_equal(str(o, "exe_dev"), "254:3");
	assert_string_equal(str(o, "cgroup"), "/system.slice/nginx.service");
	assert_string_equal(str(o, "unit"), "nginx.service");
	assert_string_equal(str(o, "path"), "/etc/shadow");
	assert_string_equal(str(o, "inode"), "77");
	assert_string_equal(str(o, "dev"), "8:1");
	assert_string_equal(str(o, "access"), "[ \"read\", \"write\" ]");
	assert_string_equal(str(o, "decided"), "[ \"read\" ]");
	json_object_put(o);
}

static void complain_and_unknown_cgroup(void **state)
{
	struct json_object *o, *v;
	size_t n = make_event("/x", 3);

	(void)state;
	ev.hdr.action = STK_ACT_DENY | STK_ACT_COMPLAIN;
	ev.hdr.enforced = 0;
	ev.hdr.cgroup_id = 5;
	o = format(n, 1);
	assert_string_equal(str(o, "action"), "deny");
	assert_string_equal(str(o, "enforced"), "false");
	assert_true(json_object_object_get_ex(o, "cgroup", &v));
	assert_null(v);
	json_object_put(o);
}

static void hostile_path_bytes_stay_one_valid_line(void **state)
{
	static const char evil[] = "/tmp/a\"b\\c\nd\x01\xff\xc3(";
	struct json_object *o;

	(void)state;
	o = format(make_event(evil, sizeof(evil)), 1);
	assert_null(strchr(out, '\n'));
	assert_string_equal(str(o, "path"), "/tmp/a\"b\\c\nd\x01\xc3\xbf\xc3\x83(");
	json_object_put(o);
}

static bool has(struct json_object *o, const char *k)
{
	return json_object_object_get_ex(o, k, NULL);
}

/* Container and runtime from the cgroup path; the alert mark of the rule. */
static void scope_exe_and_alert(void **state)
{
	static const char evil_exe[] = "a\"b\n\xff";
	struct json_object *o, *v;
	size_t n = make_event("/x", 3);

	(void)state;
	ev.hdr.cgroup_id = 43;
	ev.hdr.rule = 2;
	o = format(n, 1);
	assert_string_equal(str(o, "container"), ID64);
	assert_string_equal(str(o, "runtime"), "docker");
	assert_string_equal(str(o, "unit"), "docker-" ID64 ".scope");
	assert_string_equal(str(o, "alert"), "true");
	assert_false(has(o, "exe_truncated"));
	json_object_put(o);

	/* No container, no unit, no alert: the fields are absent. */
	n = make_event("/x", 3);
	ev.hdr.cgroup_id = 1;
	o = format(n, 1);
	assert_false(has(o, "container"));
	assert_false(has(o, "runtime"));
	assert_false(has(o, "unit"));
	assert_false(has(o, "alert"));
	json_object_put(o);

	/* A hostile executable name stays one valid line; a cut one says so. */
	n = make_event("/x", 3);
	memcpy(ev.hdr.exe_name, evil_exe, sizeof(evil_exe));
	ev.hdr.flags = STK_EVF_EXE_TRUNCATED;
	o = format(n, 1);
	assert_null(strchr(out, '\n'));
	assert_string_equal(str(o, "exe"), "a\"b\n\xc3\xbf");
	assert_string_equal(str(o, "exe_truncated"), "true");
	json_object_put(o);

	/* A kernel thread has no executable. */
	n = make_event("/x", 3);
	memset(ev.hdr.exe_name, 0, sizeof(ev.hdr.exe_name));
	ev.hdr.exe_ino = 0;
	o = format(n, 1);
	assert_true(json_object_object_get_ex(o, "exe", &v));
	assert_null(v);
	assert_false(has(o, "exe_inode"));
	json_object_put(o);

	/* A name that fills the field has no NUL: never read beyond it. */
	n = make_event("/x", 3);
	memset(ev.hdr.exe_name, 'x', sizeof(ev.hdr.exe_name));
	o = format(n, 1);
	assert_int_equal(strlen(str(o, "exe")), STK_EXE_NAME_MAX);
	json_object_put(o);
}

static void malformed_records_are_rejected(void **state)
{
	struct json_out j;
	size_t n = make_event("/etc/shadow", 12);

	(void)state;
	json_out_init(&j, out, sizeof(out));
	/* Shorter than its header says. */
	assert_int_equal(stk_event_format(&ctx, 1, &ev, n - 4, &j), -EINVAL);
	/* Path length beyond the record. */
	ev.path_len = 4000;
	json_out_init(&j, out, sizeof(out));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, n, &j), -EINVAL);
	/* Unknown type. */
	make_event("/x", 3);
	ev.hdr.type = 9999;
	json_out_init(&j, out, sizeof(out));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, n, &j), -EINVAL);
	/* Too small for the header. */
	json_out_init(&j, out, sizeof(out));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, 8, &j), -EINVAL);
}

static void rfc3339_time(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(stk_format_time(0, b, sizeof(b)), 30);
	assert_string_equal(b, "1970-01-01T00:00:00.000000000Z");
	stk_format_time(1700000000123000456LL, b, sizeof(b));
	assert_string_equal(b, "2023-11-14T22:13:20.123000456Z");
}

/* Every hook has its kernel name; exec events are file records with access exec. */
static void hooks_and_exec_events(void **state)
{
	static const struct {
		uint32_t hook;
		const char *name;
	} hooks[] = {
		{ STK_HOOK_FILE_OPEN, "file_open" },
		{ STK_HOOK_PATH_MKNOD, "path_mknod" },
		{ STK_HOOK_PATH_MKDIR, "path_mkdir" },
		{ STK_HOOK_PATH_SYMLINK, "path_symlink" },
		{ STK_HOOK_PATH_UNLINK, "path_unlink" },
		{ STK_HOOK_PATH_RMDIR, "path_rmdir" },
		{ STK_HOOK_PATH_RENAME, "path_rename" },
		{ STK_HOOK_PATH_LINK, "path_link" },
		{ STK_HOOK_PATH_TRUNCATE, "path_truncate" },
		{ STK_HOOK_PATH_CHMOD, "path_chmod" },
		{ STK_HOOK_PATH_CHOWN, "path_chown" },
		{ STK_HOOK_INODE_SETXATTR, "inode_setxattr" },
		{ STK_HOOK_INODE_REMOVEXATTR, "inode_removexattr" },
		{ STK_HOOK_INODE_SETATTR, "inode_setattr" },
		{ STK_HOOK_UNIX_STREAM_CONNECT, "unix_stream_connect" },
		{ STK_HOOK_UNIX_MAY_SEND, "unix_may_send" },
		{ STK_HOOK_FILE_RECEIVE, "file_receive" },
		{ STK_HOOK_BPRM_CHECK, "bprm_check_security" },
		{ STK_HOOK_MMAP_FILE, "mmap_file" },
		{ STK_HOOK_FILE_MPROTECT, "file_mprotect" },
	};
	struct json_object *o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		assert_string_equal(stk_hook_name(hooks[i].hook), hooks[i].name);
	assert_string_equal(stk_hook_name(19), "unknown");

	make_event("/memfd:x", 9);
	ev.hdr.hook = STK_HOOK_BPRM_CHECK;
	ev.hdr.flags = STK_EVF_FILELESS;
	ev.hdr.rule = 1;
	ev.access = ev.denied = STK_FACC_BIT(STK_FACC_EXEC);
	o = format(ev.hdr.size, 1);
	assert_string_equal(str(o, "hook"), "bprm_check_security");
	assert_string_equal(str(o, "rule"), "default");
	assert_string_equal(str(o, "reason"), "file has no name (deny_fileless)");
	assert_string_equal(str(o, "access"), "[ \"exec\" ]");
	json_object_put(o);

	make_event("/", 2);
	ev.hdr.hook = STK_HOOK_FILE_OPEN;
	ev.hdr.flags = STK_EVF_DISCONNECTED;
	ev.hdr.rule = STK_RULE_NONE;
	ev.access = ev.denied = STK_FACC_BIT(STK_FACC_READ);
	o = format(ev.hdr.size, 1);
	assert_string_equal(str(o, "reason"), "file reached without its directories (by handle)");
	assert_string_equal(str(o, "access"), "[ \"read\" ]");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_event_has_every_field),
		cmocka_unit_test(complain_and_unknown_cgroup),
		cmocka_unit_test(hostile_path_bytes_stay_one_valid_line),
		cmocka_unit_test(scope_exe_and_alert),
		cmocka_unit_test(malformed_records_are_rejected),
		cmocka_unit_test(rfc3339_time),
		cmocka_unit_test(hooks_and_exec_events),
	};

	return cmocka_run_group_tests_name("event_format", tests, NULL, NULL);
}
