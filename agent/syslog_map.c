// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * syslog_map.c - facilities and priorities of audit events (see syslog_map.h).
 */
#include <string.h>
#include <syslog.h>

#include "syslog_map.h"

static const struct {
	const char *name;
	int fac;
} facilities[] = {
	{ "auth", LOG_AUTH },	     { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "daemon", LOG_DAEMON },    { "ftp", LOG_FTP },	   { "kern", LOG_KERN },
	{ "lpr", LOG_LPR },	     { "mail", LOG_MAIL },	   { "news", LOG_NEWS },
	{ "syslog", LOG_SYSLOG },    { "user", LOG_USER },	   { "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 },    { "local1", LOG_LOCAL1 },	   { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 },    { "local4", LOG_LOCAL4 },	   { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 },    { "local7", LOG_LOCAL7 },
};

int stk_syslog_facility(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcmp(name, facilities[i].name))
			return facilities[i].fac;
	return -1;
}

const char *stk_syslog_facility_name(int fac)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (facilities[i].fac == fac)
			return facilities[i].name;
	return NULL;
}

int stk_syslog_priority(__u8 action, bool alert)
{
	if (alert)
		return LOG_ALERT;
	return (action & STK_ACT_MASK) == STK_ACT_DENY ? LOG_WARNING : LOG_NOTICE;
}
