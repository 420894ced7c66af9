// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_event_net.c - network records to audit JSON: every field, both
 * families, v4-mapped addresses, each direction, malformed records.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "event_format.h"

static const struct stk_rule_ref rules[] = {
	{ .policy = "web", .id = "default" },
	{ .policy = "web", .id = "no-low-ports" },
};

static struct stk_format_ctx ctx = {
	.rules = rules,
	.n_rules = 2,
	.host = "web1",
};

static struct stk_event_net make(int family, const char *addr, uint32_t port, uint32_t proto,
				 uint32_t dir, uint32_t hook)
{
	struct stk_event_net ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = STK_EV_NET;
	ev.hdr.size = sizeof(ev);
	ev.hdr.hook = hook;
	ev.hdr.pid = 7;
	ev.hdr.rule = 1;
	ev.hdr.action = STK_ACT_DENY;
	ev.hdr.enforced = 1;
	memcpy(ev.hdr.comm, "nc", 3);
	ev.family = family;
	assert_int_equal(inet_pton(family, addr, ev.address), 1);
	ev.port = port;
	ev.protocol = proto;
	ev.direction = dir;
	return ev;
}

static struct json_object *format(const struct stk_event_net *ev, size_t size)
{
	static char buf[4096];
	struct json_out j;
	struct json_object *o;

	json_out_init(&j, buf, sizeof(buf));
	assert_int_equal(stk_event_format(&ctx, 1, ev, size, &j), 0);
	o = json_tokener_parse(buf);
	assert_non_null(o);
	return o;
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return json_object_get_string(v);
}

static void every_field(void **state)
{
	struct stk_event_net ev = make(AF_INET, "10.1.2.3", 5432, IPPROTO_TCP, STK_NET_CONNECT,
				       STK_HOOK_CONNECT4);
	struct json_object *o;

	(void)state;
	o = format(&ev, sizeof(ev));
	assert_string_equal(str(o, "hook"), "connect4");
	assert_string_equal(str(o, "direction"), "connect");
	assert_string_equal(str(o, "family"), "ipv4");
	assert_string_equal(str(o, "address"), "10.1.2.3");
	assert_string_equal(str(o, "port"), "5432");
	assert_string_equal(str(o, "protocol"), "tcp");
	assert_string_equal(str(o, "rule"), "no-low-ports");
	assert_string_equal(str(o, "policy"), "web");
	assert_string_equal(str(o, "action"), "deny");
	json_object_put(o);
}

static void families_directions_hooks(void **state)
{
	static const struct {
		int family;
		const char *addr, *want;
		uint32_t proto, dir, hook;
		const char *hook_name, *dir_name, *proto_name, *family_name;
	} cases[] = {
		{ AF_INET6, "::1", "::1", IPPROTO_UDP, STK_NET_SENDMSG, STK_HOOK_SENDMSG6, "sendmsg6",
		  "sendmsg", "udp", "ipv6" },
		{ AF_INET6, "::ffff:127.0.0.1", "::ffff:127.0.0.1", IPPROTO_TCP, STK_NET_CONNECT,
		  STK_HOOK_CONNECT6, "connect6", "connect", "tcp", "ipv6" },
		{ AF_INET, "0.0.0.0", "0.0.0.0", IPPROTO_TCP, STK_NET_BIND, STK_HOOK_BIND4, "bind4",
		  "bind", "tcp", "ipv4" },
		{ AF_INET6, "fd00::10", "fd00::10", IPPROTO_UDP, STK_NET_BIND, STK_HOOK_BIND6, "bind6",
		  "bind", "udp", "ipv6" },
		{ AF_INET, "192.0.2.1", "192.0.2.1", IPPROTO_UDP, STK_NET_SENDMSG, STK_HOOK_SENDMSG4,
		  "sendmsg4", "sendmsg", "udp", "ipv4" },
		/* Packets of the sockets no address hook judges. */
		{ AF_INET, "192.0.2.9", "192.0.2.9", IPPROTO_ICMP, STK_NET_SEND, STK_HOOK_EGRESS4,
		  "egress4", "send", "icmp", "ipv4" },
		{ AF_INET6, "2001:db8::9", "2001:db8::9", IPPROTO_ICMPV6, STK_NET_SEND,
		  STK_HOOK_EGRESS6, "egress6", "send", "icmpv6", "ipv6" },
		{ AF_INET, "192.0.2.9", "192.0.2.9", IPPROTO_SCTP, STK_NET_SEND, STK_HOOK_EGRESS4,
		  "egress4", "send", "sctp", "ipv4" },
		{ AF_INET, "192.0.2.9", "192.0.2.9", IPPROTO_UDPLITE, STK_NET_SEND, STK_HOOK_EGRESS4,
		  "egress4", "send", "udplite", "ipv4" },
		{ AF_INET6, "2001:db8::9", "2001:db8::9", IPPROTO_RAW, STK_NET_SEND,
		  STK_HOOK_EGRESS6, "egress6", "send", "raw", "ipv6" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stk_event_net ev = make(cases[i].family, cases[i].addr, 53, cases[i].proto,
					       cases[i].dir, cases[i].hook);
		struct json_object *o = format(&ev, sizeof(ev));

		assert_string_equal(str(o, "address"), cases[i].want);
		assert_string_equal(str(o, "hook"), cases[i].hook_name);
		assert_string_equal(str(o, "direction"), cases[i].dir_name);
		assert_string_equal(str(o, "protocol"), cases[i].proto_name);
		assert_string_equal(str(o, "family"), cases[i].family_name);
		json_object_put(o);
	}
}

static void malformed_records(void **state)
{
	struct stk_event_net ev = make(AF_INET, "10.1.2.3", 1, IPPROTO_TCP, STK_NET_CONNECT,
				       STK_HOOK_CONNECT4);
	char buf[4096];
	struct json_out j;

	(void)state;
	json_out_init(&j, buf, sizeof(buf));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, sizeof(ev) - 1, &j), -EINVAL);
	ev.direction = 4;
	json_out_init(&j, buf, sizeof(buf));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, sizeof(ev), &j), -EINVAL);
	ev.direction = STK_NET_CONNECT;
	ev.family = 1;
	json_out_init(&j, buf, sizeof(buf));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, sizeof(ev), &j), -EINVAL);
	/* A protocol without a name is its number. */
	ev.family = AF_INET;
	ev.protocol = 47;
	json_out_init(&j, buf, sizeof(buf));
	assert_int_equal(stk_event_format(&ctx, 1, &ev, sizeof(ev), &j), 0);
	assert_non_null(strstr(buf, "\"protocol\":47"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field),
		cmocka_unit_test(families_directions_hooks),
		cmocka_unit_test(malformed_records),
	};

	return cmocka_run_group_tests_name("event_net", tests, NULL, NULL);
}
