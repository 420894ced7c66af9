/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * names.h - the words of the policy language, as tables for the parser.
 */
#ifndef STK_NAMES_H
#define STK_NAMES_H

#include "policy.h"

/*
 * Index: enum stk_file_access. A "files" rule may name the first
 * STK_FACC_FILES of them; "exec" is its own section.
 */
extern const char *const stk_access_words[STK_FACC_COUNT];
/* Index + STK_ACT_ALLOW: enum stk_action ("allow", "audit", "deny"). */
#define STK_N_ACTION_WORDS 3
extern const char *const stk_action_words[STK_N_ACTION_WORDS];
/* Index + STK_MODE_ENFORCE: enum stk_mode ("enforce", "complain"). */
#define STK_N_MODE_WORDS 2
extern const char *const stk_mode_words[STK_N_MODE_WORDS];

#endif /* STK_NAMES_H */
