/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_fixture.h - for tests/unit/test_log_*.c only: read a recorded log
 * (tests/fixtures/log, written by make-fixtures.py) the way "stockade log"
 * does, keeping the good records and where the bad lines were. Static
 * functions: each test program includes it once.
 */
#ifndef STK_TEST_LOG_FIXTURE_H
#define STK_TEST_LOG_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "log_read.h"
#include "log_record.h"

#define FIXTURES "tests/fixtures/log/"
#define FIXTURE_LOG FIXTURES "audit.log"

struct fixture {
	struct stk_log_rec *recs;
	size_t n;
	char bad[8][256]; /* "file:line complete|truncated" of each bad line */
	size_t n_bad;
};

static void fixture_load(struct fixture *f, const char *path, bool rotated)
{
	struct stk_log_files files = {};
	struct stk_log_reader *rd;
	struct stk_log_line l;
	struct stk_log_rec r;
	int n;

	memset(f, 0, sizeof(*f));
	assert_int_equal(stk_log_files_add(&files, path, rotated), 0);
	rd = stk_log_reader_new(&files, false);
	assert_non_null(rd);
	while ((n = stk_log_reader_next(rd, &l)) > 0) {
		if (stk_log_rec_parse(l.text, l.len, &r, NULL, 0)) {
			assert_true(f->n_bad < 8);
			snprintf(f->bad[f->n_bad++], sizeof(f->bad[0]), "%s:%lu %s", l.file,
				 l.lineno, l.complete ? "complete" : "truncated");
			continue;
		}
		f->recs = realloc(f->recs, (f->n + 1) * sizeof(*f->recs));
		assert_non_null(f->recs);
		f->recs[f->n++] = r;
	}
	assert_int_equal(n, 0);
	stk_log_reader_free(rd);
	stk_log_files_free(&files);
}

static void fixture_free(struct fixture *f)
{
	for (size_t i = 0; i < f->n; i++)
		stk_log_rec_clear(&f->recs[i]);
	free(f->recs);
	memset(f, 0, sizeof(*f));
}

/* The whole recorded log, for a cmocka group's setup and teardown. */
static struct fixture fx __attribute__((unused));

static __attribute__((unused)) int fx_setup(void **state)
{
	(void)state;
	fixture_load(&fx, FIXTURE_LOG, true);
	return fx.n == 16 ? 0 : -1;
}

static __attribute__((unused)) int fx_teardown(void **state)
{
	(void)state;
	fixture_free(&fx);
	return 0;
}

#endif /* STK_TEST_LOG_FIXTURE_H */
