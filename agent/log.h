/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log.h - the agent's own diagnostics (not the audit log).
 *
 * Messages go to stderr, prefixed "stockade: <feature>: ", and, once
 * stk_log_use_syslog() was called, to syslog as well. libbpf's output is
 * routed here so verifier errors land in the same place.
 */
#ifndef STK_LOG_H
#define STK_LOG_H

#include <syslog.h>

void stk_log_init(int verbose);
void stk_log_use_syslog(void);
void stk_log(int prio, const char *feature, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define stk_err(feat, ...) stk_log(LOG_ERR, feat, __VA_ARGS__)
#define stk_warn(feat, ...) stk_log(LOG_WARNING, feat, __VA_ARGS__)
#define stk_info(feat, ...) stk_log(LOG_INFO, feat, __VA_ARGS__)
#define stk_debug(feat, ...) stk_log(LOG_DEBUG, feat, __VA_ARGS__)

#endif /* STK_LOG_H */
