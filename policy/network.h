/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * network.h - the "network" section: parsing (network.c) and compiling it
 * into LPM tries and port classes (compile_net.c).
 */
#ifndef STK_NETWORK_H
#define STK_NETWORK_H

#include "policy.h"
#include "schema.h"

/* Reads the "network" object @v into the struct stk_policy @out. */
void stk_parse_network(struct stk_pctx *c, const struct stk_jval *v, void *out);
/* Frees what stk_parse_network() put into @p; the policy itself stays. */
void stk_network_free(struct stk_network *n);
/* Frees the rules, leaving their counts: see stk_policy_drop_rules(). */
void stk_network_drop_rules(struct stk_network *n);

/* One LPM trie entry with the class its prefix maps to. */
struct stk_net_entry4 {
	struct stk_net_key4 key;
	uint32_t class_id;
};

struct stk_net_entry6 {
	struct stk_net_key6 key;
	uint32_t class_id;
};

/*
 * The network maps of all policies, combined. Every address falls into the
 * entry of its longest prefix (a /0 entry exists per family and direction),
 * whose class maps (protocol, port) to one verdict through a sorted list of
 * port segments. See compile_net.c and docs/design.md.
 */
struct stk_net_compiled {
	bool present; /* some policy has a network section: attach the programs */
	struct stk_net_entry4 *v4;
	size_t n_v4;
	struct stk_net_entry6 *v6;
	size_t n_v6;
	struct stk_net_class *classes; /* index: class * STK_NPROTO_COUNT + protocol */
	size_t n_classes;	       /* entries in @classes */
	struct stk_net_seg *segs;
	size_t n_segs;
	/*
	 * Per scope, the table (the key's table field) that judges it, or
	 * STK_NET_NO_RULES: stk_net_scopes. All 0 (the host's) unless
	 * stk_compile() merged the scopes' tables (stk_compiled.net_scoped).
	 */
	uint32_t table[STK_SCOPE_MAX];
};

/*
 * stk_compile_net() - compile the network sections of @pols into @c->net,
 * appending their rules (per policy with a network section: a default, then
 * its connect rules, then its bind rules) to @c->rules.
 * Return: 0, -EINVAL (errors in @diags), -ENOMEM.
 */
int stk_compile_net(struct stk_policy *const *pols, size_t n_pols, struct stk_compiled *c,
		    struct stk_diags *diags);
void stk_net_compiled_free(struct stk_net_compiled *n);
/* Frees the tables, leaving @n empty but for @present and @table; NULL is fine. */
void stk_net_compiled_drop(struct stk_net_compiled *n);

/*
 * stk_explain_net() - the decision the kernel makes for a socket of
 * protocol @proto in direction @dir (CONNECT or BIND) to @addr (4 or 16
 * bytes, network order, by @family 4 or 6) and @port, from the same tables.
 * Return: 0 or -EINVAL.
 */
int stk_explain_net(const struct stk_compiled *c, enum stk_net_dir dir, int family,
		    const uint8_t *addr, uint16_t port, enum stk_net_proto proto,
		    struct stk_decision *ret);
/* The same for a process in scope @scope (stk_scope_of_path()). */
int stk_explain_net_scope(const struct stk_compiled *c, unsigned int scope, enum stk_net_dir dir,
			  int family, const uint8_t *addr, uint16_t port, enum stk_net_proto proto,
			  struct stk_decision *ret);

#endif /* STK_NETWORK_H */
