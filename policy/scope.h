/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * scope.h - the "scope" section (scope.c) and compiling per scope
 * (compile_scope.c).
 */
#ifndef STK_SCOPE_H
#define STK_SCOPE_H

#include "policy.h"
#include "schema.h"

/* Reads the "scope" object @v into the struct stk_policy @out. */
void stk_parse_scope(struct stk_pctx *c, const struct stk_jval *v, void *out);
void stk_scope_free(struct stk_scope *s);

/* stk_compile() of the policies as one scope (compile.c). */
int stk_compile_flat(struct stk_policy *const *pols, size_t n_pols, struct stk_compiled **ret,
		     struct stk_diags *diags);

#endif /* STK_SCOPE_H */
