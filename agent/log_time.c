// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_time.c - the times "stockade log" reads: record times (RFC 3339) and
 * the user's --since/--until, absolute or relative (see log_record.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log_record.h"

#define NS 1000000000LL

/* Reads exactly @n digits; returns the pointer after them, or NULL. */
static const char *digits(const char *s, int n, int *ret)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return NULL;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return s + n;
}

static int parse_relative(const char *s, int64_t now_ns, int64_t *ret_ns)
{
	static const struct {
		char unit;
		int64_t sec;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
	unsigned long long v;
	char *end;
	size_t i;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end[0] == '\0' || end[1] != '\0')
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (*end != units[i].unit)
			continue;
		/* Older than the epoch makes no sense for a log; refuse overflow. */
		if (v > (unsigned long long)(now_ns / NS / units[i].sec))
			return -EINVAL;
		*ret_ns = now_ns - (int64_t)v * units[i].sec * NS;
		return 0;
	}
	return -EINVAL;
}

/* "[T ]HH:MM[:SS[.frac]]" after a date; fills @tm and @frac_ns. */
static const char *parse_clock(const char *p, struct tm *tm, int64_t *frac_ns)
{
	int h, m, s = 0, n;

	if (!(p = digits(p, 2, &h)) || *p++ != ':' || !(p = digits(p, 2, &m)))
		return NULL;
	if (*p == ':') {
		if (!(p = digits(p + 1, 2, &s)))
			return NULL;
		if (*p == '.' || *p == ',') {
			int64_t scale = NS / 10;

			p++;
			if (!isdigit((unsigned char)*p))
				return NULL;
			for (n = 0; isdigit((unsigned char)*p); p++, n++) {
				*frac_ns += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (h > 23 || m > 59 || s > 60)
		return NULL;
	tm->tm_hour = h;
	tm->tm_min = m;
	tm->tm_sec = s;
	return p;
}

int stk_log_parse_time(const char *s, int64_t now_ns, int64_t *ret_ns)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "now")) {
		*ret_ns = now_ns;
		return 0;
	}
	if (!parse_relative(s, now_ns, ret_ns))
		return 0;
	return stk_log_parse_abs_time(s, ret_ns);
}

int stk_log_parse_abs_time(const char *s, int64_t *ret_ns)
{
	struct tm tm = {};
	int64_t frac = 0, off = 0, t;
	int y, mo, d, oh, om;
	const char *p;
	time_t sec;

	p = digits(s, 4, &y);
	if (!p || *p++ != '-' || !(p = digits(p, 2, &mo)) || *p++ != '-' ||
	    !(p = digits(p, 2, &d)))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p = parse_clock(p + 1, &tm, &frac);
		if (!p)
			return -EINVAL;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1;
			const char *q = digits(p + 1, 2, &oh);

			if (!q || *q++ != ':' || !(q = digits(q, 2, &om)) || oh > 23 || om > 59)
				return -EINVAL;
			off = sign * (oh * 3600LL + om * 60LL);
			p = q;
		}
	}
	if (*p)
		return -EINVAL;
	sec = timegm(&tm);
	/* timegm() normalises 2026-02-31 into March: refuse such dates. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -EINVAL;
	/* Nanoseconds in 64 bits end in 2262: refuse what does not fit. */
	if (__builtin_mul_overflow((int64_t)sec - off, NS, &t) ||
	    __builtin_add_overflow(t, frac, &t))
		return -EINVAL;
	*ret_ns = t;
	return 0;
}
