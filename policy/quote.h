/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * quote.h - make untrusted text safe to show in a diagnostic.
 */
#ifndef STK_QUOTE_H
#define STK_QUOTE_H

#include <stddef.h>

/* Room for a quoted string of any length: STK_QUOTE_KEEP bytes, escapes, "...". */
#define STK_QUOTE_KEEP 80
#define STK_QUOTE_SIZE (STK_QUOTE_KEEP * 4 + 4)

/*
 * stk_quote() - copy @len bytes of @s into @buf (STK_QUOTE_SIZE bytes) for a
 * message: control bytes become \xNN and text past STK_QUOTE_KEEP bytes is
 * cut with "...". Policies come from users, diagnostics go to terminals.
 *
 * Return: @buf.
 */
const char *stk_quote(char buf[STK_QUOTE_SIZE], const char *s, size_t len);

#endif /* STK_QUOTE_H */
