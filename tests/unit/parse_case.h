/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * parse_case.h - what the policy parser's unit tests share: parse a text
 * and keep its diagnostics, find where a diagnostic must point, and run a
 * table of cases that each yield exactly one diagnostic at its position.
 *
 * Included by one test file each (test_parse.c, test_ops.c,
 * test_network.c), so the helpers are static inline: a file that does not
 * use one gets no warning. Include after <cmocka.h>.
 */
#ifndef STK_PARSE_CASE_H
#define STK_PARSE_CASE_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

#define ERR STK_SEV_ERROR
#define WARN STK_SEV_WARNING

/* One parse: the policy (on success), its diagnostics and the return value. */
struct res {
	struct stk_policy *p;
	struct stk_diags d;
	int r;
	const char *text;
};

static inline void parse(struct res *res, const char *text)
{
	memset(res, 0, sizeof(*res));
	res->text = text;
	res->r = stk_policy_parse("p.json", text, strlen(text), &res->p, &res->d);
	/* ret_* is written only on success. */
	if (res->r)
		assert_null(res->p);
	else
		assert_non_null(res->p);
}

static inline void res_free(struct res *res)
{
	stk_policy_free(res->p);
	stk_diags_free(&res->d);
}

/* Parses @text, which must give no diagnostic at all; the caller frees the policy. */
static inline struct stk_policy *parse_ok(const char *text)
{
	struct stk_policy *p = NULL;
	struct stk_diags d = { 0 };
	int r = stk_policy_parse("p.json", text, strlen(text), &p, &d);

	if (r || d.n) {
		stk_diags_print(&d, stderr);
		fail_msg("parse: %d, %zu diagnostics, first: %s", r, d.n, d.n ? d.v[0].msg : "-");
	}
	stk_diags_free(&d);
	return p;
}

/* Line and column of the @nth (0-based) occurrence of @needle in @text. */
static inline struct stk_pos find(const char *text, const char *needle, int nth)
{
	const char *s = text, *line_start = text, *q;
	struct stk_pos pos = { 1, 1 };

	for (;;) {
		s = strstr(s, needle);
		if (!s)
			fail_msg("'%s' not in the text", needle);
		if (nth-- == 0)
			break;
		s++;
	}
	for (q = text; q < s; q++) {
		if (*q == '\n') {
			pos.line++;
			line_start = q + 1;
		}
	}
	pos.col = (int)(s - line_start) + 1;
	return pos;
}

/* Diagnostic @i is @msg, of severity @sev, at @pos of p.json. */
static inline void expect_at(const struct res *res, size_t i, enum stk_severity sev,
			     struct stk_pos pos, const char *msg)
{
	const struct stk_diag *d;

	if (i >= res->d.n)
		fail_msg("diagnostic %zu missing (%zu in all) for '%s'", i, res->d.n, msg);
	d = &res->d.v[i];
	if (d->line != pos.line || d->col != pos.col || d->severity != sev ||
	    strcmp(d->msg, msg) != 0)
		fail_msg("diagnostic %zu: got %d:%d %s '%s', want %d:%d %s '%s'", i, d->line, d->col,
			 d->severity ? "warning" : "error", d->msg, pos.line, pos.col,
			 sev ? "warning" : "error", msg);
	assert_string_equal(d->file, "p.json");
}

/* Diagnostic @i is @msg at the @nth occurrence of @needle. */
static inline void expect(const struct res *res, size_t i, enum stk_severity sev,
			  const char *needle, int nth, const char *msg)
{
	expect_at(res, i, sev, find(res->text, needle, nth), msg);
}

/* A document that gives exactly one diagnostic, @msg at the @nth @needle. */
struct one_case {
	const char *text;
	const char *needle;
	int nth;
	enum stk_severity sev;
	const char *msg;
};

static inline void run_cases(const struct one_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct one_case *c = &cases[i];
		struct res res;

		parse(&res, c->text);
		if (res.d.n != 1) {
			stk_diags_print(&res.d, stderr);
			fail_msg("case %zu (%s): %zu diagnostics, first: %s", i, c->msg, res.d.n,
				 res.d.n ? res.d.v[0].msg : "-");
		}
		expect(&res, 0, c->sev, c->needle, c->nth, c->msg);
		assert_int_equal(res.r, c->sev == ERR ? -EINVAL : 0);
		assert_int_equal(res.d.n_errors, c->sev == ERR ? 1 : 0);
		res_free(&res);
	}
}

#define RUN_CASES(cases) run_cases((cases), sizeof(cases) / sizeof((cases)[0]))

#endif /* STK_PARSE_CASE_H */
