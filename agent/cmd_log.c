// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_log.c - "stockade log": review the audit log. Filters, a table or
 * JSON lines, --follow, --summary, --against (what-if replay) and
 * --suggest. See docs/audit.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log_against.h"
#include "log_args.h"
#include "log_record.h"
#include "log_suggest.h"
#include "log_summary.h"
#include "log_table.h"
#include "policy_load.h"

#define FOLLOW_POLL_US 200000

struct log_state {
	const struct stk_log_opts *o;
	struct stk_log_table table;
	struct stk_log_summary summary;
	struct stk_suggest suggest;
	struct stk_policy_set *draft;
	struct stk_whatif_draft whatif_draft;
	struct stk_whatif_stats whatif;
	unsigned long bad_lines;
	unsigned long bad_files;
};

static void report_bad(struct log_state *s, const struct stk_log_line *l, const char *why)
{
	s->bad_lines++;
	fprintf(stderr, "stockade: log: %s:%lu: %s, skipped: %s\n", l->file, l->lineno,
		l->complete ? "corrupt line" : "truncated last line (no newline)", why);
}

static void do_against(struct log_state *s, const struct stk_log_rec *r)
{
	struct stk_whatif w;
	int recorded = stk_outcome_recorded(r), err;

	err = recorded < 0 ? -EINVAL : stk_whatif_decide(&s->whatif_draft, r, &w);
	if (err == -EOPNOTSUPP) {
		s->whatif.unknown_hook++;
		return;
	}
	if (err) {
		s->whatif.unreplayable++;
		return;
	}
	stk_whatif_stats_add(&s->whatif, recorded, w.outcome);
	if (s->o->changed_only && (int)w.outcome == recorded)
		return;
	if (s->o->json)
		stk_whatif_print_json(r, recorded, &w, stdout);
	else
		stk_whatif_print_line(r, recorded, &w, stdout);
}

static int handle(struct log_state *s, const struct stk_log_line *l, const struct stk_log_rec *r)
{
	if (!stk_log_filter_match(&s->o->filter, r))
		return 0;
	switch (s->o->mode) {
	case STK_LOG_SUMMARY:
		return stk_log_summary_add(&s->summary, r);
	case STK_LOG_SUGGEST:
		/* Summaries name no path or operation to suggest or replay. */
		if (r->type)
			return 0;
		return stk_suggest_add(&s->suggest, r) < 0 ? -ENOMEM : 0;
	case STK_LOG_AGAINST:
		if (!r->type)
			do_against(s, r);
		return 0;
	case STK_LOG_LIST:
		break;
	}
	if (s->o->json) {
		/* The record exactly as written: no re-encoding. */
		fwrite(l->text, 1, l->len, stdout);
		putchar('\n');
		return 0;
	}
	return stk_log_table_add(&s->table, r);
}

/* Reads every line; returns 0 or a negative errno that stops the run. */
static int read_all(struct log_state *s)
{
	struct stk_log_reader *rd = stk_log_reader_new(&s->o->files, s->o->follow);
	struct stk_log_line l;
	struct stk_log_rec r;
	char why[128];
	int n, err = 0;

	if (!rd)
		return -ENOMEM;
	while (!err && (n = stk_log_reader_next(rd, &l)) != 0) {
		if (n == -EAGAIN) {
			stk_log_table_flush(&s->table);
			fflush(stdout);
			usleep(FOLLOW_POLL_US);
			continue;
		}
		if (n < 0) {
			if (n == -ENOMEM) {
				err = n;
				break;
			}
			s->bad_files++;
			fprintf(stderr, "stockade: log: cannot read %s: %s\n",
				stk_log_reader_file(rd), strerror(-n));
			continue;
		}
		if (stk_log_rec_parse(l.text, l.len, &r, why, sizeof(why))) {
			report_bad(s, &l, l.len ? why : "empty line");
			continue;
		}
		err = handle(s, &l, &r);
		stk_log_rec_clear(&r);
	}
	stk_log_reader_free(rd);
	return err;
}

static int load_draft(struct log_state *s, const struct stk_log_opts *o)
{
	struct stk_diags diags = {};
	int err;

	err = stk_policy_set_load(o->against, o->n_against, &s->draft, &diags);
	stk_diags_print(&diags, stderr);
	if (err)
		fprintf(stderr, "stockade: log: --against: %zu error(s) in the draft policy\n",
			diags.n_errors);
	stk_diags_free(&diags);
	if (err)
		return err;
	err = stk_whatif_draft_init(&s->whatif_draft, s->draft->pols, s->draft->n_pols,
				    s->draft->compiled);
	if (err)
		fprintf(stderr, "stockade: log: --against: %s\n", strerror(-err));
	return err;
}

int stk_cmd_log(int argc, char **argv)
{
	struct stk_log_opts o = {};
	struct log_state s = { .o = &o };
	int err, status = STK_EXIT_OK;

	err = stk_log_args_parse(argc, argv, &o);
	if (err) {
		if (err < 0)
			stk_log_args_usage(stderr);
		status = err > 0 ? STK_EXIT_OK : STK_EXIT_USAGE;
		goto out;
	}
	if (o.mode == STK_LOG_AGAINST && load_draft(&s, &o)) {
		status = STK_EXIT_USAGE;
		goto out;
	}
	stk_log_table_init(&s.table, stdout);
	err = read_all(&s);
	stk_log_table_flush(&s.table);
	if (err) {
		fprintf(stderr, "stockade: log: %s\n", strerror(-err));
		status = STK_EXIT_FAIL;
		goto out;
	}
	switch (o.mode) {
	case STK_LOG_SUMMARY:
		if (o.json)
			err = stk_log_summary_json(&s.summary, stdout);
		else
			stk_log_summary_print(&s.summary, stdout, o.top);
		break;
	case STK_LOG_SUGGEST:
		err = stk_suggest_print(&s.suggest, stdout, o.dir_files);
		fprintf(stderr,
			"stockade: log: %llu complain-mode denials covered; review before use: "
			"these rules allow what was recorded, nothing more is known.\n",
			(unsigned long long)s.suggest.used);
		break;
	case STK_LOG_AGAINST:
		/* With JSON lines on stdout, the summary goes where people read. */
		stk_whatif_stats_print(&s.whatif, o.json ? stderr : stdout);
		break;
	case STK_LOG_LIST:
		break;
	}
	if (err) {
		fprintf(stderr, "stockade: log: %s\n", strerror(-err));
		status = STK_EXIT_FAIL;
	} else if (s.bad_lines || s.bad_files) {
		fprintf(stderr, "stockade: log: %lu corrupt or truncated line(s) skipped, %lu "
				"file(s) unreadable\n",
			s.bad_lines, s.bad_files);
		status = STK_EXIT_FAIL;
	}
out:
	stk_log_table_free(&s.table);
	stk_log_summary_free(&s.summary);
	stk_suggest_free(&s.suggest);
	stk_whatif_draft_free(&s.whatif_draft);
	stk_policy_set_free(s.draft);
	stk_log_args_free(&o);
	return status;
}
