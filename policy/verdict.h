/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * verdict.h - the action byte a rule produces, shared by the checks and the
 * compiler so both agree on which rule wins.
 */
#ifndef STK_VERDICT_H
#define STK_VERDICT_H

#include <stdint.h>

#include "policy.h"

/* The mode a rule runs in: its own, else its policy's (enforce if unset). */
static inline enum stk_mode stk_rule_mode(const struct stk_file_rule *r,
					  const struct stk_policy *p)
{
	if (r->mode != STK_MODE_INHERIT)
		return r->mode;
	return p->mode == STK_MODE_COMPLAIN ? STK_MODE_COMPLAIN : STK_MODE_ENFORCE;
}

/*
 * The action byte of a verdict. STK_ACT_COMPLAIN is set on DENY only: a
 * complain-mode allow or audit does exactly what the enforced one does, and
 * an event must not suggest it would have been denied.
 */
static inline uint8_t stk_action_byte(enum stk_action a, enum stk_mode m)
{
	if (a == STK_ACT_DENY && m == STK_MODE_COMPLAIN)
		return STK_ACT_DENY | STK_ACT_COMPLAIN;
	return (uint8_t)a;
}

/* Severity order: stk_action_rank() in stk_abi.h, shared with the kernel. */

/*
 * The accesses (STK_FACC_BIT mask) for which @v says anything but plain
 * allow. An absent verdict's STK_ACT_NONE bytes say nothing; a default's
 * say "no policy decided", which stk_file_unruled_default() counts as ruled.
 */
static inline uint8_t stk_verdict_ruled(const struct stk_file_verdict *v)
{
	uint8_t ruled = 0;
	int k;

	for (k = 0; k < STK_FACC_COUNT; k++)
		if (v->action[k] != STK_ACT_NONE && v->action[k] != STK_ACT_ALLOW)
			ruled |= (uint8_t)STK_FACC_BIT(k);
	return ruled;
}

/* Adds to @k the accesses @v says deny, deny in complain mode, or audit for. */
static inline void stk_verdict_keyed(const struct stk_file_verdict *v, struct stk_file_keyed *k)
{
	int i;

	for (i = 0; i < STK_FACC_COUNT; i++) {
		uint8_t bit = (uint8_t)STK_FACC_BIT(i);

		if (v->action[i] == STK_ACT_DENY)
			k->deny |= bit;
		else if (v->action[i] == (STK_ACT_DENY | STK_ACT_COMPLAIN))
			k->complain |= bit;
		else if ((v->action[i] & STK_ACT_MASK) == STK_ACT_AUDIT)
			k->audit |= bit;
	}
}

static inline void stk_keyed_add(struct stk_file_keyed *dst, const struct stk_file_keyed *src)
{
	dst->deny |= src->deny;
	dst->complain |= src->complain;
	dst->audit |= src->audit;
}

static inline uint8_t stk_file_value_ruled(const struct stk_file_value *v)
{
	return stk_verdict_ruled(&v->exact) | stk_verdict_ruled(&v->tree);
}

/* The accesses a default of exactly allow leaves to the keys (stk_config.file_unruled). */
static inline uint8_t stk_file_unruled_default(const struct stk_file_verdict *def)
{
	uint8_t unruled = 0;
	int k;

	for (k = 0; k < STK_FACC_COUNT; k++)
		if (def->action[k] == STK_ACT_ALLOW)
			unruled |= (uint8_t)STK_FACC_BIT(k);
	return unruled;
}

#endif /* STK_VERDICT_H */
