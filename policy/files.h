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
 * stk_parse_rule_list() - reads the "rules" array @v of the files section
 * (@exec false) or of the exec section (@exec true: rules without "access",
 * whose one access kind is exec) into @ret_rules and @ret_n, noting where
 * each rule's id is in @ret_id_pos for the checks.
 */
void stk_parse_rule_list(struct stk_pctx *c, const struct stk_jval *v, bool exec,
			 struct stk_file_rule **ret_rules, size_t *ret_n,
			 struct stk_pos **ret_id_pos);

/*
 * Checks across the file rules of c->pol, once all of it is read: unique
 * ids, conflicting and redundant rules, rules that change nothing.
 */
void stk_check_files(struct stk_pctx *c);

#endif /* STK_FILES_H */
