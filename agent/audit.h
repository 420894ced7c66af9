/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * audit.h - the audit sinks: a JSON-lines file and syslog.
 */
#ifndef STK_AUDIT_H
#define STK_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#define STK_AUDIT_LOG_DEFAULT "/var/log/stockade/audit.log"

struct stk_audit;

/*
 * stk_audit_open() - open (create 0600, append) the audit log at @path,
 * creating its directory (0750) if needed; @path NULL means no file sink.
 * @use_syslog: also send every event to syslog (LOG_AUTHPRIV).
 *
 * Return: 0 or a negative errno.
 */
int stk_audit_open(struct stk_audit **ret, const char *path, bool use_syslog);
/*
 * Queues one event (a JSON object without newline). Lines are written
 * whole: a crash never leaves half a line in the file.
 */
int stk_audit_write(struct stk_audit *a, const char *json, size_t len, bool denied);
/* Writes what is queued. */
int stk_audit_flush(struct stk_audit *a);
/* Reopens the file at its path (after rotation). */
int stk_audit_reopen(struct stk_audit *a);
/*
 * For a reader that can no longer open the file itself (privsep.h): the
 * privileged side opens it with stk_audit_open_file() and hands the fd over;
 * stk_audit_use_fd() writes what is queued to the old file, then switches.
 */
int stk_audit_open_file(const char *path);
const char *stk_audit_path(const struct stk_audit *a);
void stk_audit_use_fd(struct stk_audit *a, int fd);
void stk_audit_close(struct stk_audit *a);

#endif /* STK_AUDIT_H */
