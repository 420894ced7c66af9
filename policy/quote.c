/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * quote.c - make untrusted text safe to show in a diagnostic.
 */
#include "quote.h"

const char *stk_quote(char buf[STK_QUOTE_SIZE], const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0, keep = len;

	if (keep > STK_QUOTE_KEEP) {
		/* Cut before a UTF-8 sequence, not inside it. */
		keep = STK_QUOTE_KEEP;
		while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
			keep--;
	}
	for (i = 0; i < keep; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 0xf];
		} else {
			buf[o++] = (char)ch;
		}
	}
	if (keep < len) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}
