/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * files.h - the "files" section of a policy.
 */
#ifndef STK_FILES_H
#define STK_FILES_H

#include "schema.h"

/* Reads the "files" object @v into the struct stk_policy @out. */
void stk_parse_files(struct stk_pctx *c, const struct stk_jval *v, void *out);

/*
 * Reads one rule of the "exec" section into @r (the keys of a file rule but
 * "access", which is exec), noting where its id is in @id_pos.
 */
void stk_parse_exec_rule(struct stk_pctx *c, const struct stk_jval *v, const char *what,
			 struct stk_file_rule *r, struct stk_pos *id_pos);

/*
 * Checks across the file rules of c->pol, once all of it is read: unique
 * ids, conflicting and redundant rules, rules that change nothing.
 */
void stk_check_files(struct stk_pctx *c);

#endif /* STK_FILES_H */
