/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_suggest.h - "stockade log --suggest": allow rules that would cover
 * what complain-mode policies recorded (denials with "enforced": false),
 * like aa-logprof, for the user to review before enforcing.
 */
#ifndef STK_LOG_SUGGEST_H
#define STK_LOG_SUGGEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_record.h"

/* Files of one directory from which the directory's subtree is suggested. */
#define STK_SUGGEST_DIR_FILES 3

struct stk_suggest_ent {
	char *policy;
	char *path;
	uint32_t access; /* STK_FACC_BIT mask */
};

struct stk_suggest {
	struct stk_suggest_ent *v;
	size_t n, cap;
	uint64_t used;	  /* records taken */
	uint64_t ignored; /* records of other kinds */
};

/*
 * stk_suggest_add() - take @r if it is a complain-mode file denial with a
 * whole path. Return: 1 taken, 0 ignored, -ENOMEM.
 */
int stk_suggest_add(struct stk_suggest *s, const struct stk_log_rec *r);
/*
 * stk_suggest_print() - one JSON object, pretty-printed: for each policy
 * name, an array of rules for its "files"."rules". In a directory where at
 * least @dir_files distinct files were accessed, one subtree rule ("dir/")
 * covers them all; other files get exact rules, grouped by access kinds.
 * Return: 0 or -ENOMEM.
 */
int stk_suggest_print(struct stk_suggest *s, FILE *out, size_t dir_files);
void stk_suggest_free(struct stk_suggest *s);

#endif /* STK_LOG_SUGGEST_H */
