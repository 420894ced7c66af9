// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_event_format_ops.c - capability, kernel-operation and socket
 * records to audit JSON: the fields docs/audit.md promises, and short
 * records refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "event_format.h"

static const struct stk_rule_ref rules[] = {
	{ .policy = "ops", .id = "default" },
	{ .policy = "ops", .id = "CAP_NET_RAW" },
	{ .policy = "ops", .id = "mount" },
	{ .policy = "ops", .id = "raw" },
};

static const struct stk_format_ctx ctx = { .rules = rules, .n_rules = 4, .host = "h" };
static char out[4096];

static void hdr(struct stk_event_hdr *h, uint32_t type, uint32_t hook, uint32_t size,
		uint32_t rule, uint8_t action)
{
	h->type = type;
	h->hook = hook;
	h->size = size;
	h->rule = rule;
	h->action = action;
	h->enforced = action == STK_ACT_DENY;
	h->pid = 7;
	memcpy(h->comm, "probe", 6);
}

static struct json_object *format(const void *ev, size_t size)
{
	struct json_out j;
	struct json_object *o;

	json_out_init(&j, out, sizeof(out) - 1);
	assert_int_equal(stk_event_format(&ctx, 1, ev, size, &j), 0);
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
		fail_msg("no '%s' in %s", k, out);
	return json_object_get_string(v);
}

static void capability_event(void **state)
{
	struct stk_event_cap ev = { 0 };
	struct json_object *o;
	struct json_out j;
	(void)state;

	hdr(&ev.hdr, STK_EV_CAP, STK_HOOK_CAPABLE, sizeof(ev), 1, STK_ACT_DENY);
	ev.capability = 13;
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "capable");
	assert_string_equal(str(o, "policy"), "ops");
	assert_string_equal(str(o, "rule"), "CAP_NET_RAW");
	assert_string_equal(str(o, "capability"), "CAP_NET_RAW");
	assert_string_equal(str(o, "capability_number"), "13");
	assert_string_equal(str(o, "enforced"), "true");
	json_object_put(o);

	/* A capability newer than this agent still gets a name. */
	ev.capability = 45;
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "capability"), "CAP_45");
	json_object_put(o);

	json_out_init(&j, out, sizeof(out));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, sizeof(ev) - 4, &j), -EINVAL);
}

static void kernel_events(void **state)
{
	struct stk_event_kernel ev = { 0 };
	struct json_object *o;
	(void)state;

	hdr(&ev.hdr, STK_EV_KERNEL, STK_HOOK_SB_MOUNT, sizeof(ev), 2,
	    STK_ACT_DENY | STK_ACT_COMPLAIN);
	ev.operation = STK_KOP_MOUNT;
	ev.detail = 4096;
	memcpy(ev.name, "tmpfs", 6);
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "sb_mount");
	assert_string_equal(str(o, "rule"), "mount");
	assert_string_equal(str(o, "operation"), "mount");
	assert_string_equal(str(o, "fstype"), "tmpfs");
	assert_string_equal(str(o, "flags"), "4096");
	assert_string_equal(str(o, "action"), "deny");
	assert_string_equal(str(o, "enforced"), "false");
	json_object_put(o);

	memset(&ev, 0, sizeof(ev));
	hdr(&ev.hdr, STK_EV_KERNEL, STK_HOOK_KERNEL_READ_FILE, sizeof(ev), STK_RULE_NONE,
	    STK_ACT_DENY);
	ev.operation = STK_KOP_KEXEC;
	ev.detail = STK_KDATA_KEXEC_IMAGE;
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "operation"), "kexec");
	assert_string_equal(str(o, "data"), "kexec_image");
	json_object_put(o);

	memset(&ev, 0, sizeof(ev));
	hdr(&ev.hdr, STK_EV_KERNEL, STK_HOOK_PTRACE_ACCESS_CHECK, sizeof(ev), 0, STK_ACT_DENY);
	ev.operation = STK_KOP_PTRACE;
	ev.detail = 0x12;
	ev.target_pid = 99;
	memcpy(ev.name, "sshd", 5);
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "ptrace_access_check");
	assert_string_equal(str(o, "target_pid"), "99");
	assert_string_equal(str(o, "target_comm"), "sshd");
	assert_string_equal(str(o, "ptrace_mode"), "18");
	json_object_put(o);
}

static void socket_event(void **state)
{
	struct stk_event_sock ev = { 0 };
	struct json_object *o, *d;
	struct json_out j;
	(void)state;

	hdr(&ev.hdr, STK_EV_NET, STK_HOOK_SOCKET_CREATE, sizeof(ev), 3, STK_ACT_DENY);
	ev.family = 10;
	ev.type = 3;
	ev.protocol = 58;
	ev.decided = STK_SOCK_BY_FAMILY | STK_SOCK_BY_RAW;
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "socket_create");
	assert_string_equal(str(o, "rule"), "raw");
	assert_string_equal(str(o, "family"), "inet6");
	assert_string_equal(str(o, "type"), "raw");
	assert_string_equal(str(o, "protocol"), "58");
	assert_true(json_object_object_get_ex(o, "decided", &d));
	assert_int_equal(json_object_array_length(d), 2);
	json_object_put(o);

	/* A family the language has no word for: null, with its number. */
	ev.family = 6;
	o = format(&ev, sizeof(ev));
	assert_true(json_object_object_get_ex(o, "family", &d));
	assert_null(d);
	assert_string_equal(str(o, "family_number"), "6");
	json_object_put(o);

	json_out_init(&j, out, sizeof(out));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, sizeof(ev) - 1, &j), -EINVAL);
}

/* Self-protection refusals: no rule, and the fields each hook promises. */
static void guard_events(void **state)
{
	struct stk_event_guard ev = { 0 };
	struct json_object *o;
	struct json_out j;
	(void)state;

	hdr(&ev.hdr, STK_EV_GUARD, STK_HOOK_GUARD_TASK_KILL, sizeof(ev), STK_RULE_NONE,
	    STK_ACT_DENY);
	ev.detail = 9;
	ev.target_pid = 42;
	memcpy(ev.name, "stockade", 9);
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "task_kill");
	assert_string_equal(str(o, "operation"), "self_protection");
	assert_string_equal(str(o, "target"), "agent");
	assert_string_equal(str(o, "rule"), "");
	assert_string_equal(str(o, "signal"), "9");
	assert_string_equal(str(o, "target_pid"), "42");
	assert_string_equal(str(o, "target_comm"), "stockade");
	json_object_put(o);

	memset(&ev, 0, sizeof(ev));
	hdr(&ev.hdr, STK_EV_GUARD, STK_HOOK_GUARD_BPF_MAP, sizeof(ev), STK_RULE_NONE,
	    STK_ACT_DENY);
	ev.obj_id = 17;
	ev.detail = 3;
	memcpy(ev.name, "stk_config", 11);
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "bpf_map");
	assert_string_equal(str(o, "target"), "map");
	assert_string_equal(str(o, "map_id"), "17");
	assert_string_equal(str(o, "map_name"), "stk_config");
	json_object_put(o);

	memset(&ev, 0, sizeof(ev));
	hdr(&ev.hdr, STK_EV_GUARD, STK_HOOK_GUARD_INODE_RENAME, sizeof(ev), STK_RULE_NONE,
	    STK_ACT_DENY);
	ev.ino = 1226;
	ev.dev = 23;
	memcpy(ev.name, "stockade", 9);
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "inode_rename");
	assert_string_equal(str(o, "target"), "pin");
	assert_string_equal(str(o, "name"), "stockade");
	assert_string_equal(str(o, "inode"), "1226");
	assert_string_equal(str(o, "dev"), "0:23");
	json_object_put(o);

	json_out_init(&j, out, sizeof(out));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, sizeof(ev) - 1, &j), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capability_event),
		cmocka_unit_test(kernel_events),
		cmocka_unit_test(socket_event),
		cmocka_unit_test(guard_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
