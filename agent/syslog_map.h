/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * syslog_map.h - how audit events map onto syslog(3): facility names for
 * --syslog-facility, and the priority of an event.
 */
#ifndef STK_SYSLOG_MAP_H
#define STK_SYSLOG_MAP_H

#include <stdbool.h>
#include <syslog.h>

#include "stk_abi.h"

/* Default facility of audit events: readable only where auth logs are. */
#define STK_SYSLOG_FACILITY_DEFAULT LOG_AUTHPRIV

/*
 * stk_syslog_facility() - the LOG_* facility named @name ("authpriv",
 * "auth", "daemon", "user", "local0" .. "local7", ...), or -1.
 */
int stk_syslog_facility(const char *name);
/* The name of facility @fac, or NULL. */
const char *stk_syslog_facility_name(int fac);
/*
 * stk_syslog_priority() - an event's priority: LOG_ALERT for an alert,
 * else LOG_WARNING for a deny (enforced or not), LOG_NOTICE for an audit.
 * @action: the event's action byte (enum stk_action | STK_ACT_COMPLAIN).
 */
int stk_syslog_priority(__u8 action, bool alert);

#endif /* STK_SYSLOG_MAP_H */
