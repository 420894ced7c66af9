/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * diag.c - collect errors and warnings with their positions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int stk_diags_addv(struct stk_diags *d, const char *file, int line, int col,
		   enum stk_severity sev, const char *fmt, va_list ap)
{
	struct stk_diag *dg;
	va_list aq;
	char *msg = NULL, *name = NULL;
	int len, r = -ENOMEM;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct stk_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0) {
		r = -EINVAL;
		goto cleanup;
	}
	msg = malloc((size_t)len + 1);
	name = strdup(file ? file : "<input>");
	if (!msg || !name)
		goto cleanup;
	vsnprintf(msg, (size_t)len + 1, fmt, ap);

	dg = &d->v[d->n++];
	dg->file = name;
	dg->line = line;
	dg->col = col;
	dg->severity = sev;
	dg->msg = msg;
	if (sev == STK_SEV_ERROR)
		d->n_errors++;
	return 0;

cleanup:
	free(msg);
	free(name);
	return r;
}

int stk_diags_add(struct stk_diags *d, const char *file, int line, int col,
		  enum stk_severity sev, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = stk_diags_addv(d, file, line, col, sev, fmt, ap);
	va_end(ap);
	return r;
}

static bool diag_before(const struct stk_diag *a, const struct stk_diag *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/*
 * A merge sort: it is stable, which qsort is not, and a generated policy
 * can carry enough warnings to rule out insertion sort.
 */
int stk_diags_sort(struct stk_diags *d, size_t from)
{
	struct stk_diag *v, *tmp;
	size_t n, width, lo;

	if (from >= d->n)
		return 0;
	v = d->v + from;
	n = d->n - from;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, o = lo;

			while (i < mid && j < hi)
				tmp[o++] = diag_before(&v[j], &v[i]) ? v[j++] : v[i++];
			while (i < mid)
				tmp[o++] = v[i++];
			while (j < hi)
				tmp[o++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
	free(tmp);
	return 0;
}

void stk_diags_print(const struct stk_diags *d, void *stdio_file)
{
	FILE *f = stdio_file;
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct stk_diag *dg = &d->v[i];

		fprintf(f, "%s:%d:%d: %s: %s\n", dg->file, dg->line, dg->col,
			dg->severity == STK_SEV_ERROR ? "error" : "warning", dg->msg);
	}
}

void stk_diags_free(struct stk_diags *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
	d->cap = 0;
	d->n_errors = 0;
}
