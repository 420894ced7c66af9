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
	default:
		return NULL;
	}
}

int stk_format_net(const struct stk_event_net *ev, size_t size, struct json_out *j)
{
	static const char *const dirs[] = { "connect", "bind", "sendmsg" };
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
	if (ev->protocol == IPPROTO_TCP)
		json_out_str(j, "protocol", "tcp");
	else if (ev->protocol == IPPROTO_UDP)
		json_out_str(j, "protocol", "udp");
	else
		json_out_u64(j, "protocol", ev->protocol);
	return 0;
}
