/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * syslog_kv.h - audit events as key=value text (--syslog-format kv).
 *
 * Pure code: a native event line in, "key=value key=value ..." out, in the
 * native field order. Values that are not plain words are double-quoted
 * with \" \\ and \xNN escapes, so a hostile path can neither end the
 * message nor forge a field; arrays become comma-separated lists.
 */
#ifndef STK_SYSLOG_KV_H
#define STK_SYSLOG_KV_H

#include <stddef.h>

/* Return: the length written to @out (NUL-terminated), -EINVAL, -ENOSPC or -ENOMEM. */
long stk_kv_convert(const char *line, size_t len, char *out, size_t cap);

#endif /* STK_SYSLOG_KV_H */
