/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * event_format_ops.h - the fields of capability, kernel-operation and
 * socket events (docs/audit.md). Pure code, called by event_format.c.
 */
#ifndef STK_EVENT_FORMAT_OPS_H
#define STK_EVENT_FORMAT_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "json_out.h"

/* The name of one of the hooks 30-50 or 70-79, or NULL. */
const char *stk_ops_hook_name(uint32_t hook);

/*
 * Write the event-specific fields of a record of type STK_EV_CAP,
 * STK_EV_KERNEL, or STK_EV_NET from hook socket_create.
 * Return: 0, or -EINVAL when @size is too small for the record.
 */
int stk_format_cap(const void *data, size_t size, struct json_out *j);
int stk_format_kernel(const void *data, size_t size, struct json_out *j);
int stk_format_sock(const void *data, size_t size, struct json_out *j);
/* The fields of an STK_EV_GUARD record (self-protection, hooks 70-79). */
int stk_format_guard(const void *data, size_t size, struct json_out *j);

#endif /* STK_EVENT_FORMAT_OPS_H */
