/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * ops.h - the "capabilities", "kernel" and "sockets" sections: lists of
 * names to deny or audit, compiled into one verdict per name.
 */
#ifndef STK_OPS_H
#define STK_OPS_H

#include "schema.h"

/* Socket words: "raw" (SOCK_RAW in any family), then one per address family. */
#define STK_SOCK_WORD_RAW 0
#define STK_N_SOCK_WORDS 31
extern const char *const stk_sock_words[STK_N_SOCK_WORDS];
/* The address family of socket word @i (i > STK_SOCK_WORD_RAW). */
extern const unsigned char stk_sock_word_family[STK_N_SOCK_WORDS];

/* Capability names of capabilities(7), indexed by number. */
#define STK_N_CAPS 41
extern const char *const stk_cap_words[STK_N_CAPS];
extern const char *const stk_kernel_op_words[STK_KOP_COUNT];

/* Read the section @v into the struct stk_policy @out. */
void stk_parse_caps(struct stk_pctx *c, const struct stk_jval *v, void *out);
void stk_parse_kernel(struct stk_pctx *c, const struct stk_jval *v, void *out);
void stk_parse_sockets(struct stk_pctx *c, const struct stk_jval *v, void *out);

/*
 * Checks across sections once all of c->pol is read: a listed name is the
 * rule id of its events, so no file rule may have it as id.
 */
void stk_check_ops(struct stk_pctx *c);

/* Frees what the three sections of @p hold. */
void stk_ops_free(struct stk_policy *p);

/*
 * stk_compile_ops() - fill c->ops from the sections of @pols and append one
 * rule per listed name to c->rules (policy name, the name as id). Runs after
 * the file rules are compiled: indexes already in c->rules stay valid.
 * Return: 0, -E2BIG (too many rules) or -ENOMEM.
 */
int stk_compile_ops(struct stk_compiled *c, struct stk_policy *const *pols, size_t n_pols);

#endif /* STK_OPS_H */
