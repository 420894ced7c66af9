/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * net_class.h - port classes of the network compiler: verdict functions of
 * (protocol, port) as sorted segment lists, laid over each other, combined
 * over policies and stored once each (net_class.c). Internal to policy/.
 */
#ifndef STK_NET_CLASS_H
#define STK_NET_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "network.h"

#define STK_NET_NPORTS 65536u

/* One (CIDR, port range) of one rule, in one family. */
struct stk_net_item {
	uint8_t addr[16];
	uint8_t plen;
	uint8_t bytes; /* of the address: 4 or 16 */
	uint8_t protos;
	uint8_t byte;
	uint16_t lo, hi;
	uint32_t pol; /* index among the policies with a network section */
	uint32_t rule;
};

/* A verdict function of (protocol, port): segments sorted by lo, the first at 0. */
struct stk_net_fn {
	struct stk_net_seg *s[STK_NPROTO_COUNT];
	size_t n[STK_NPROTO_COUNT];
};

/* Stores each distinct class once in @out (a hash table over their contents). */
struct stk_net_interner {
	uint32_t *slot; /* class id + 1, 0 empty */
	size_t cap;
	struct stk_net_compiled *out;
	size_t cap_classes, cap_segs;
};

void stk_net_fn_free(struct stk_net_fn *f);
/* Whether the prefix @pfx/@plen contains @addr. */
bool stk_net_contains(const uint8_t *pfx, int plen, const uint8_t *addr);
/*
 * stk_net_overlay() - one policy's own items at one prefix (@own) laid over
 * its function at the parent prefix, for protocol @p, into ret->s[p]: at each
 * port the narrowest own range decides, then the most severe, then the
 * earlier rule; where no own item covers the port, the parent decides.
 */
int stk_net_overlay(const struct stk_net_item *const *own, size_t n_own,
		    const struct stk_net_fn *parent, int p, struct stk_net_fn *ret);
/* The most severe of @fns at every port (as severe: the lower rule index). */
int stk_net_combine(const struct stk_net_fn *fns, size_t n_fns, int p, struct stk_net_seg **ret,
		    size_t *ret_n);
/* Grows the array *@v (capacity *@cap, elements of @size) to hold @need. */
int stk_net_grow(void **v, size_t *cap, size_t need, size_t size);
/* The class id of the function (@s, @n), adding it to t->out if new. */
int stk_net_intern(struct stk_net_interner *t, struct stk_net_seg *const *s, const size_t *n,
		   uint32_t *ret);

#endif /* STK_NET_CLASS_H */
