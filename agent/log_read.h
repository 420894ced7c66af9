/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_read.h - read audit-log lines from plain, rotated and gzip files,
 * oldest first, and optionally follow the live file across rotation.
 */
#ifndef STK_LOG_READ_H
#define STK_LOG_READ_H

#include <stdbool.h>
#include <stddef.h>

/* Where "stockade run" writes by default. */
#define STK_AUDIT_LOG_DEFAULT "/var/log/stockade/audit.log"

struct stk_log_files {
	char **v;
	size_t n;
};

/*
 * stk_log_files_add() - append @path, preceded (when @rotated) by its
 * rotated siblings that exist: PATH.N and PATH.N.gz, highest N (oldest)
 * first, as logrotate names them. Return: 0 or -ENOMEM.
 */
int stk_log_files_add(struct stk_log_files *f, const char *path, bool rotated);
void stk_log_files_free(struct stk_log_files *f);

struct stk_log_line {
	const char *text; /* not NUL-terminated where it ends; valid until the next call */
	size_t len;	  /* without the '\n' */
	const char *file;
	unsigned long lineno; /* 1-based, within @file */
	bool complete;	      /* false: the file ended without a '\n' (truncated) */
};

struct stk_log_reader;

/*
 * stk_log_reader_new() - read @files in order (a name ending in ".gz" is
 * decompressed). With @follow, the last file is then followed like
 * "tail -F": when it is replaced (rotated) or truncated it is reopened
 * from its start. The reader keeps pointers to @files' strings.
 */
struct stk_log_reader *stk_log_reader_new(const struct stk_log_files *files, bool follow);
/*
 * stk_log_reader_next() - the next line.
 *
 * Return: 1 with @ret filled, 0 at the end (never when following),
 * -EAGAIN when following and nothing new was written yet (call again
 * later), or a negative errno for a file that cannot be read; the
 * reader then goes on with the next file. stk_log_reader_file() names it.
 */
int stk_log_reader_next(struct stk_log_reader *r, struct stk_log_line *ret);
const char *stk_log_reader_file(const struct stk_log_reader *r);
void stk_log_reader_free(struct stk_log_reader *r);

#endif /* STK_LOG_READ_H */
