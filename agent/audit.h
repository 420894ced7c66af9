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
 * @use_syslog: also send every event to syslog (LOG_AUTHPRIV unless
 *	stk_audit_set_facility() says otherwise). A file that does not end in
 *	a newline (a writer died mid-line) gets one first.
 *
 * Return: 0 or a negative errno.
 */
int stk_audit_open(struct stk_audit **ret, const char *path, bool use_syslog);
/*
 * Queues one event (a JSON object without newline). Lines are written
 * whole: a crash never leaves half a line in the file.
 */
int stk_audit_write(struct stk_audit *a, const char *json, size_t len, bool denied);
/*
 * stk_audit_write_msg() - queues @line (NULL: none) for the file and sends
 * @msg (NULL: @line) to syslog at @priority (a LOG_* level; the facility is
 * the sink's).
 */
int stk_audit_write_msg(struct stk_audit *a, const char *line, size_t len, const char *msg,
			size_t msg_len, int priority);
/* The syslog facility of the events (LOG_AUTHPRIV unless set). */
void stk_audit_set_facility(struct stk_audit *a, int facility);
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
