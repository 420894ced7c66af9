// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * json_out.c - streaming JSON writer (see json_out.h).
 */
#include <string.h>

#include "json_out.h"

void json_out_init(struct json_out *j, char *buf, size_t cap)
{
	j->buf = buf;
	j->cap = cap;
	j->len = 0;
	j->overflow = false;
	j->need_comma = false;
}

static void put(struct json_out *j, const char *s, size_t n)
{
	if (j->overflow || j->cap - j->len < n) {
		j->overflow = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void putc_(struct json_out *j, char c)
{
	put(j, &c, 1);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Bytes that cannot be copied as they are: controls, '"', '\\', non-ASCII. */
static const unsigned char needs_care[256] = {
	[0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

static void put_escaped(struct json_out *j, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, n;
	char esc[6];

	putc_(j, '"');
	while (i < len) {
		/* Copy the longest run that needs no escaping in one go. */
		for (run = i; run < len && !needs_care[p[run]]; run++)
			;
		put(j, s + i, run - i);
		i = run;
		if (i >= len)
			break;
		switch (p[i]) {
		case '"':
			put(j, "\\\"", 2);
			break;
		case '\\':
			put(j, "\\\\", 2);
			break;
		case '\n':
			put(j, "\\n", 2);
			break;
		case '\t':
			put(j, "\\t", 2);
			break;
		case '\r':
			put(j, "\\r", 2);
			break;
		default:
			n = p[i] >= 0x80 ? utf8_seq_len(p + i, len - i) : 0;
			if (n) {
				put(j, s + i, n);
				i += n;
				continue;
			}
			/* Control character or a byte that is not UTF-8. */
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			put(j, esc, 6);
		}
		i++;
	}
	putc_(j, '"');
}

void json_out_key(struct json_out *j, const char *key)
{
	size_t n;

	if (j->need_comma)
		putc_(j, ',');
	j->need_comma = true;
	if (!key)
		return;
	/* Keys are the program's own literals: plain ASCII, nothing to escape. */
	n = strlen(key);
	if (j->overflow || j->cap - j->len < n + 3) {
		j->overflow = true;
		return;
	}
	j->buf[j->len] = '"';
	memcpy(j->buf + j->len + 1, key, n);
	j->buf[j->len + 1 + n] = '"';
	j->buf[j->len + 2 + n] = ':';
	j->len += n + 3;
}

void json_out_begin_object(struct json_out *j)
{
	putc_(j, '{');
	j->need_comma = false;
}

void json_out_end_object(struct json_out *j)
{
	putc_(j, '}');
	j->need_comma = true;
}

void json_out_begin_array(struct json_out *j, const char *key)
{
	json_out_key(j, key);
	putc_(j, '[');
	j->need_comma = false;
}

void json_out_end_array(struct json_out *j)
{
	putc_(j, ']');
	j->need_comma = true;
}

void json_out_strn(struct json_out *j, const char *key, const char *s, size_t len)
{
	json_out_key(j, key);
	put_escaped(j, s, len);
}

void json_out_str(struct json_out *j, const char *key, const char *s)
{
	json_out_strn(j, key, s, strlen(s));
}

static void put_u64(struct json_out *j, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	put(j, tmp + sizeof(tmp) - n, n);
}

void json_out_u64(struct json_out *j, const char *key, uint64_t v)
{
	json_out_key(j, key);
	put_u64(j, v);
}

void json_out_i64(struct json_out *j, const char *key, int64_t v)
{
	json_out_key(j, key);
	if (v < 0) {
		putc_(j, '-');
		put_u64(j, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(j, (uint64_t)v);
	}
}

void json_out_bool(struct json_out *j, const char *key, bool v)
{
	json_out_key(j, key);
	if (v)
		put(j, "true", 4);
	else
		put(j, "false", 5);
}

void json_out_null(struct json_out *j, const char *key)
{
	json_out_key(j, key);
	put(j, "null", 4);
}

void json_out_raw(struct json_out *j, const char *key, const char *raw, size_t len)
{
	json_out_key(j, key);
	put(j, raw, len);
}
