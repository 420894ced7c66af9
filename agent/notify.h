/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * notify.h - service manager readiness (the sd_notify protocol).
 */
#ifndef STK_NOTIFY_H
#define STK_NOTIFY_H

/*
 * Sends @state (e.g. "READY=1") to $NOTIFY_SOCKET if it is set.
 * Return: 1 sent, 0 no socket configured, or a negative errno.
 */
int stk_notify(const char *state);

#endif /* STK_NOTIFY_H */
