/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * explain_net.c - read the compiled network tables the way the kernel does
 * (cgroup/sock.bpf.c), for tests and for explaining decisions.
 */
#include <errno.h>
#include <string.h>

#include "net_class.h"

/* Mirrors the kernel: longest prefix, then the class's segments by binary search. */
int stk_explain_net(const struct stk_compiled *c, enum stk_net_dir dir, int family,
		    const uint8_t *addr, uint16_t port, enum stk_net_proto proto,
		    struct stk_decision *ret)
{
	return stk_explain_net_scope(c, 0, dir, family, addr, port, proto, ret);
}

int stk_explain_net_scope(const struct stk_compiled *c, unsigned int scope, enum stk_net_dir dir,
			  int family, const uint8_t *addr, uint16_t port, enum stk_net_proto proto,
			  struct stk_decision *ret)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct stk_net_compiled *n = c ? stk_net_of(c) : NULL;
	const struct stk_net_class *cls;
	long best = -1, best_len = -1;
	uint32_t table;
	size_t i, lo, hi, step;

	if (!n || !addr || !ret || (family != 4 && family != 6) || proto >= STK_NPROTO_COUNT ||
	    (dir != STK_NET_CONNECT && dir != STK_NET_BIND) || scope >= STK_SCOPE_MAX)
		return -EINVAL;
	table = n->table[scope];
	if (!n->present || table == STK_NET_NO_RULES) {
		*ret = (struct stk_decision){ STK_ACT_ALLOW, STK_RULE_NONE };
		return 0;
	}
	if (family == 6 && !memcmp(addr, mapped, sizeof(mapped))) {
		addr += 12;
		family = 4;
	}
	if (family == 4) {
		for (i = 0; i < n->n_v4; i++) {
			const struct stk_net_key4 *k = &n->v4[i].key;

			if (k->table == table && k->dir == dir && (long)k->prefixlen > best_len &&
			    stk_net_contains(k->addr, (int)k->prefixlen - STK_NET_KEY_BITS, addr)) {
				best = (long)n->v4[i].class_id;
				best_len = k->prefixlen;
			}
		}
	} else {
		for (i = 0; i < n->n_v6; i++) {
			const struct stk_net_key6 *k = &n->v6[i].key;

			if (k->table == table && k->dir == dir && (long)k->prefixlen > best_len &&
			    stk_net_contains(k->addr, (int)k->prefixlen - STK_NET_KEY_BITS, addr)) {
				best = (long)n->v6[i].class_id;
				best_len = k->prefixlen;
			}
		}
	}
	if (best < 0)
		return -EINVAL;
	cls = &n->classes[(size_t)best * STK_NPROTO_COUNT + proto];
	lo = 0;
	hi = cls->count - 1;
	for (step = 0; step < STK_NET_SEARCH_STEPS && lo < hi; step++) {
		size_t mid = (lo + hi + 1) / 2;

		if (n->segs[cls->first + mid].lo <= port)
			lo = mid;
		else
			hi = mid - 1;
	}
	ret->action = n->segs[cls->first + lo].action;
	ret->rule = n->segs[cls->first + lo].rule;
	return 0;
}
