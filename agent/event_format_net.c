// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * event_format_net.c - the fields of network events (struct stk_event_net).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "event_format.h"

const char *stk_net_hook_name(uint32_t hook)
{
	switch (hook) {
	case STK_HOOK_CONNECT4:
		return "connect4";
	case STK_HOOK_CONNECT6:
		return "connect6";
	case STK_HOOK_SENDMSG4:
		return "sendmsg4";
	case STK_HOOK_SENDMSG6:
		return "sendmsg6";
	case STK_HOOK_BIND4:
		return "bind4";
	case STK_HOOK_BIND6:
		return "bind6";
	case STK_HOOK_EGRESS4:
		return "egress4";
	case STK_HOOK_EGRESS6:
		return "egress6";
	default:
		return NULL;
	}
}

/* The names of the socket protocols events carry; others are numbers. */
static const char *protocol_name(uint32_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_RAW:
		return "raw";
	default:
		return NULL;
	}
}

int stk_format_net(const struct stk_event_net *ev, size_t size, struct json_out *j)
{
	static const char *const dirs[] = { "connect", "bind", "sendmsg", "send" };
	const char *proto = protocol_name(ev->protocol);
	char addr[INET6_ADDRSTRLEN];

	if (size < sizeof(*ev) || ev->direction >= sizeof(dirs) / sizeof(dirs[0]))
		return -EINVAL;
	if (ev->family == AF_INET) {
		if (!inet_ntop(AF_INET, ev->address, addr, sizeof(addr)))
			return -EINVAL;
	} else if (ev->family == AF_INET6) {
		if (!inet_ntop(AF_INET6, ev->address, addr, sizeof(addr)))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	json_out_str(j, "direction", dirs[ev->direction]);
	json_out_str(j, "family", ev->family == AF_INET ? "ipv4" : "ipv6");
	json_out_str(j, "address", addr);
	json_out_u64(j, "port", ev->port);
	if (proto)
		json_out_str(j, "protocol", proto);
	else
		json_out_u64(j, "protocol", ev->protocol);
	return 0;
}
