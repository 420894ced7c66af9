/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_table.h - audit records as an aligned table for people.
 *
 * Records hold what hostile processes chose (file names, command names):
 * every cell is made terminal-safe first, so a name cannot move the
 * cursor, retitle the window or hide a line.
 */
#ifndef STK_LOG_TABLE_H
#define STK_LOG_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "log_record.h"

/*
 * stk_log_safe() - @s with control characters (C0, DEL, C1) and '\'
 * written as "\xNN" / "\\". Returns a new string (NULL on ENOMEM).
 */
char *stk_log_safe(const char *s);
/* Columns @s takes on a terminal (UTF-8 code points). */
size_t stk_log_width(const char *s);
/* "2026-11-25 15:40:01" (UTC) into @buf (at least 20 bytes). */
void stk_log_format_time(int64_t ns, char *buf, size_t len);
/* What the event was about: "path (read,write)", or "-". New string or NULL. */
char *stk_log_target(const struct stk_log_rec *r);

#define STK_LOG_TABLE_COLS 7

struct stk_log_table {
	FILE *out;
	char *(*rows)[STK_LOG_TABLE_COLS];
	size_t n, cap;
	size_t width[STK_LOG_TABLE_COLS];
	bool header_done;
};

void stk_log_table_init(struct stk_log_table *t, FILE *out);
/* Buffers one row; rows are printed by batches so that columns line up. */
int stk_log_table_add(struct stk_log_table *t, const struct stk_log_rec *r);
/* Prints the buffered rows (columns only ever widen between batches). */
void stk_log_table_flush(struct stk_log_table *t);
void stk_log_table_free(struct stk_log_table *t);

#endif /* STK_LOG_TABLE_H */
