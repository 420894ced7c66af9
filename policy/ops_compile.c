/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * ops_compile.c - the capabilities, kernel and sockets sections of all
 * policies into one verdict per capability, operation and socket kind.
 *
 * Every policy must be passed, so each slot holds the most severe of the
 * policies' verdicts (enforced deny > complain deny > audit; as severe: the
 * earlier policy, then the earlier name). The kernel looks a slot up by
 * number: no lists to scan.
 *
 * Each listed name becomes a rule in stk_compiled.rules (id: the name), so
 * events say which policy decided and why, like file events do. The rule
 * table is one block (array + strings, see compile.c); it is rebuilt here
 * with the new rules after the old ones, so old indexes keep their meaning.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "verdict.h"

static void slot_take_worse(struct stk_op_verdict *v, uint8_t byte, uint32_t rule)
{
	unsigned int a = stk_action_rank(byte), b = stk_action_rank(v->action);

	if (a > b || (a == b && rule < v->rule)) {
		v->action = byte;
		v->rule = rule;
	}
}

static void clear(struct stk_op_verdict *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (struct stk_op_verdict){ .rule = STK_RULE_NONE, .action = STK_ACT_NONE };
}

static struct stk_op_verdict *slot_of(struct stk_ops_config *o, int section, uint32_t which)
{
	switch (section) {
	case 0:
		return which < STK_CAP_SLOTS ? &o->cap[which] : NULL;
	case 1:
		return which < STK_KOP_SLOTS ? &o->kernel_op[which] : NULL;
	default:
		if (which == STK_SOCK_WORD_RAW)
			return &o->sock_raw;
		if (which < STK_N_SOCK_WORDS &&
		    stk_sock_word_family[which] < STK_SOCK_FAMILY_SLOTS)
			return &o->sock_family[stk_sock_word_family[which]];
		return NULL;
	}
}

static const char *word_of(int section, uint32_t which)
{
	switch (section) {
	case 0:
		return which < STK_N_CAPS ? stk_cap_words[which] : NULL;
	case 1:
		return which < STK_KOP_COUNT ? stk_kernel_op_words[which] : NULL;
	default:
		return which < STK_N_SOCK_WORDS ? stk_sock_words[which] : NULL;
	}
}

static const struct stk_op_section *section_of(const struct stk_policy *p, int section)
{
	return section == 0 ? &p->caps : section == 1 ? &p->kernel : &p->sockets;
}

/* The mode a section's names run in: its own, else the policy's. */
static enum stk_mode section_mode(const struct stk_op_section *s, const struct stk_policy *p)
{
	if (s->mode != STK_MODE_INHERIT)
		return s->mode;
	return p->mode == STK_MODE_COMPLAIN ? STK_MODE_COMPLAIN : STK_MODE_ENFORCE;
}

/* The rule table with @n_new more slots, strings copied; NULL on ENOMEM. */
static struct stk_rule_ref *grow_rules(const struct stk_compiled *c,
				       struct stk_policy *const *pols, size_t n_pols,
				       size_t n_new, char **ret_str)
{
	size_t n = c->n_rules + n_new, bytes = n * sizeof(struct stk_rule_ref), i;
	struct stk_rule_ref *v;
	char *str;

	for (i = 0; i < c->n_rules; i++)
		bytes += strlen(c->rules[i].policy) + 1 + strlen(c->rules[i].id) + 1;
	for (i = 0; i < n_pols; i++)
		bytes += strlen(pols[i]->name) + 1;
	v = malloc(bytes ? bytes : 1);
	if (!v)
		return NULL;
	str = (char *)(v + n);
	for (i = 0; i < c->n_rules; i++) {
		v[i].policy = str;
		v[i].alert = c->rules[i].alert;
		str = stpcpy(str, c->rules[i].policy) + 1;
		v[i].id = str;
		str = stpcpy(str, c->rules[i].id) + 1;
	}
	*ret_str = str;
	return v;
}

int stk_compile_ops(struct stk_compiled *c, struct stk_policy *const *pols, size_t n_pols)
{
	struct stk_ops_config *o = &c->ops;
	struct stk_rule_ref *rules;
	size_t n_new = 0, i, j;
	uint32_t idx;
	char *str;
	int sec;

	clear(o->cap, STK_CAP_SLOTS);
	clear(o->kernel_op, STK_KOP_SLOTS);
	clear(o->sock_family, STK_SOCK_FAMILY_SLOTS);
	clear(&o->sock_raw, 1);

	for (i = 0; i < n_pols; i++)
		for (sec = 0; sec < 3; sec++)
			n_new += section_of(pols[i], sec)->n;
	if (n_new == 0)
		return 0;
	if (c->n_rules + n_new >= STK_RULE_NONE)
		return -E2BIG;
	rules = grow_rules(c, pols, n_pols, n_new, &str);
	if (!rules)
		return -ENOMEM;

	idx = (uint32_t)c->n_rules;
	for (i = 0; i < n_pols; i++) {
		const struct stk_policy *p = pols[i];
		const char *name = str;

		str = stpcpy(str, p->name) + 1;
		for (sec = 0; sec < 3; sec++) {
			const struct stk_op_section *s = section_of(p, sec);
			enum stk_mode mode = section_mode(s, p);

			for (j = 0; j < s->n; j++, idx++) {
				const struct stk_op_item *it = &s->items[j];
				struct stk_op_verdict *slot = slot_of(o, sec, it->which);
				const char *word = word_of(sec, it->which);

				/* Words are static strings: no copy needed. */
				rules[idx] = (struct stk_rule_ref){ name, word ? word : "?", p->alert };
				uint8_t byte = stk_action_byte(it->action, mode);

				if (slot)
					slot_take_worse(slot, byte, idx);
			}
		}
	}
	free(c->rules);
	c->rules = rules;
	c->n_rules = idx;
	return 0;
}
