/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * exec.h - the "exec" section of a policy: which files may be executed.
 */
#ifndef STK_EXEC_H
#define STK_EXEC_H

#include "schema.h"

/* Reads the "exec" object @v into the struct stk_policy @out. */
void stk_parse_exec(struct stk_pctx *c, const struct stk_jval *v, void *out);

/*
 * Checks across the exec rules of c->pol once all of it is read: the file
 * rules' checks (ids, conflicts, rules that change nothing) on the exec
 * rules, and rule ids unique across both sections.
 */
void stk_check_exec(struct stk_pctx *c);

#endif /* STK_EXEC_H */
