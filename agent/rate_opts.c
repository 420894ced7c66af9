// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rate_opts.c - parsing --rate-limit (see rate_opts.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rate_opts.h"

#define NS_PER_S 1000000000ull

int stk_parse_rate(const char *s, uint64_t *interval_ns)
{
	uint64_t per_ns = NS_PER_S, n;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (!strcmp(end, "/m") || !strcmp(end, "/min"))
		per_ns = 60 * NS_PER_S;
	else if (*end && strcmp(end, "/s"))
		return -EINVAL;
	/* More than one event per ns is no limit worth the name. */
	if (n > NS_PER_S)
		return -EINVAL;
	*interval_ns = n ? per_ns / n : 0;
	return 0;
}

uint64_t stk_rate_default_burst(uint64_t interval_ns)
{
	if (!interval_ns || interval_ns >= NS_PER_S)
		return 1;
	return NS_PER_S / interval_ns;
}
