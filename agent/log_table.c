// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_table.c - audit records as an aligned, terminal-safe table (see
 * log_table.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log_table.h"
#include "policy.h"

#define BATCH 256

static const char *const headers[STK_LOG_TABLE_COLS] = {
	"TIME (UTC)", "ACTION", "ENFORCED", "POLICY/RULE", "PID", "COMM", "TARGET",
};

char *stk_log_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	char *out = malloc(4 * n + 1), *o = out;

	if (!out)
		return NULL;
	for (; *p; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;

		if (*p < 0x20 || *p == 0x7f || c1) {
			o += sprintf(o, "\\x%02x", c1 ? *++p : *p);
		} else if (*p == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else {
			*o++ = (char)*p;
		}
	}
	*o = '\0';
	return out;
}

size_t stk_log_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void stk_log_format_time(int64_t ns, char *buf, size_t len)
{
	time_t sec = ns / 1000000000;
	struct tm tm;

	if (ns < 0 && ns % 1000000000)
		sec--;
	gmtime_r(&sec, &tm);
	if (!strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) && len)
		buf[0] = '\0';
}

char *stk_log_target(const struct stk_log_rec *r)
{
	char acc[64] = "", *raw = NULL, *safe;
	size_t n = 0;
	int i;

	if (r->type) {
		if (asprintf(&raw, "(%llu %s)", (unsigned long long)r->count,
			     strcmp(r->type, "lost") ? "more like this suppressed" :
						       "events lost") < 0)
			return NULL;
		return raw;
	}
	if (!r->path)
		return strdup("-");
	for (i = 0; i < STK_FACC_COUNT; i++)
		if (r->access & STK_FACC_BIT(i))
			n += snprintf(acc + n, sizeof(acc) - n, "%s%s", n ? "," : "",
				      stk_file_access_name(i));
	safe = stk_log_safe(r->path);
	if (!safe)
		return NULL;
	if (asprintf(&raw, "%s%s%s%s%s", safe, r->path_truncated ? "... (truncated)" : "",
		     n ? " (" : "", acc, n ? ")" : "") < 0)
		raw = NULL;
	free(safe);
	return raw;
}

void stk_log_table_init(struct stk_log_table *t, FILE *out)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->out = out;
	for (i = 0; i < STK_LOG_TABLE_COLS; i++)
		t->width[i] = strlen(headers[i]);
}

static void free_row(char **row)
{
	int i;

	for (i = 0; i < STK_LOG_TABLE_COLS; i++)
		free(row[i]);
}

int stk_log_table_add(struct stk_log_table *t, const struct stk_log_rec *r)
{
	char ts[32], pr[2 * 64 + 2], pid[24];
	char **row;
	int i;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : BATCH;
		void *v = realloc(t->rows, cap * sizeof(*t->rows));

		if (!v)
			return -ENOMEM;
		t->rows = v;
		t->cap = cap;
	}
	stk_log_format_time(r->time_ns, ts, sizeof(ts));
	snprintf(pr, sizeof(pr), "%s/%s", r->policy, r->rule[0] ? r->rule : "-");
	if (r->pid >= 0)
		snprintf(pid, sizeof(pid), "%lld", (long long)r->pid);
	else
		strcpy(pid, "-");
	row = t->rows[t->n];
	row[0] = strdup(ts);
	row[1] = stk_log_safe(r->action);
	row[2] = strdup(r->enforced ? "yes" : "no");
	row[3] = stk_log_safe(pr);
	row[4] = strdup(pid);
	row[5] = stk_log_safe(r->comm);
	row[6] = stk_log_target(r);
	for (i = 0; i < STK_LOG_TABLE_COLS; i++) {
		if (!row[i]) {
			free_row(row);
			return -ENOMEM;
		}
	}
	t->n++;
	if (t->n >= BATCH)
		stk_log_table_flush(t);
	return 0;
}

static void print_row(const struct stk_log_table *t, const char *const *cells)
{
	int i;

	for (i = 0; i < STK_LOG_TABLE_COLS; i++) {
		/* The last column is never padded: no trailing blanks. */
		if (i == STK_LOG_TABLE_COLS - 1) {
			fprintf(t->out, "%s\n", cells[i]);
			break;
		}
		fprintf(t->out, "%s%*s", cells[i], (int)(t->width[i] - stk_log_width(cells[i]) + 2),
			"");
	}
}

void stk_log_table_flush(struct stk_log_table *t)
{
	size_t r, w;
	int i;

	for (r = 0; r < t->n; r++)
		for (i = 0; i < STK_LOG_TABLE_COLS; i++) {
			w = stk_log_width(t->rows[r][i]);
			if (w > t->width[i])
				t->width[i] = w;
		}
	if (!t->header_done && t->n) {
		print_row(t, headers);
		t->header_done = true;
	}
	for (r = 0; r < t->n; r++) {
		print_row(t, (const char *const *)t->rows[r]);
		free_row(t->rows[r]);
	}
	t->n = 0;
}

void stk_log_table_free(struct stk_log_table *t)
{
	size_t r;

	for (r = 0; r < t->n; r++)
		free_row(t->rows[r]);
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}
