/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_args.h - the command line of "stockade log" (see docs/audit.md).
 */
#ifndef STK_LOG_ARGS_H
#define STK_LOG_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "log_filter.h"
#include "log_read.h"

enum stk_log_mode { STK_LOG_LIST, STK_LOG_SUMMARY, STK_LOG_AGAINST, STK_LOG_SUGGEST };

struct stk_log_opts {
	struct stk_log_files files;
	bool no_rotated, follow, json;
	bool changed_only; /* --against: print only the events whose outcome changes */
	enum stk_log_mode mode;
	size_t top, dir_files;
	char **against; /* the draft policy paths */
	size_t n_against;
	struct stk_log_filter filter;
};

/*
 * stk_log_args_parse() - fill @o from the command line; problems are
 * printed on stderr.
 *
 * Return: 0, 1 when --help was printed, -EINVAL for bad usage, -ENOMEM.
 * Release with stk_log_args_free() in every case.
 */
int stk_log_args_parse(int argc, char **argv, struct stk_log_opts *o);
void stk_log_args_usage(FILE *f);
void stk_log_args_free(struct stk_log_opts *o);

#endif /* STK_LOG_ARGS_H */
