// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_log.c - "stockade log": review the audit log. Filters, a table or
 * JSON lines, --follow, --summary, --against (what-if replay) and
 * --suggest. See docs/audit.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "log_against.h"
#include "log_filter.h"
#include "log_read.h"
#include "log_record.h"
#include "log_suggest.h"
#include "log_summary.h"
#include "log_table.h"
#include "policy_load.h"

#define FOLLOW_POLL_US 200000

enum mode { MODE_LIST, MODE_SUMMARY, MODE_AGAINST, MODE_SUGGEST };

struct log_opts {
	struct stk_log_files files;
	bool no_rotated, follow, json;
	bool changed_only; /* --against: print only the events whose outcome changes */
	enum mode mode;
	size_t top, dir_files;
	char **against;
	size_t n_against;
	struct stk_log_filter filter;
};

struct log_state {
	const struct log_opts *o;
	struct stk_log_table table;
	struct stk_log_summary summary;
	struct stk_suggest suggest;
	struct stk_policy_set *draft;
	struct stk_whatif_stats whatif;
	unsigned long bad_lines;
	unsigned long bad_files;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stockade log [OPTIONS]\n"
		"  Reads the audit log (default " STK_AUDIT_LOG_DEFAULT " and its rotated\n"
		"  .N and .N.gz siblings, oldest first) and prints the matching events.\n"
		"input:\n"
		"  --file PATH        read PATH (and its rotated siblings); may be repeated\n"
		"  --no-rotated       read only the files named, not their siblings\n"
		"  -f, --follow       keep printing new events, across rotation\n"
		"filters (all must match):\n"
		"  --since TIME, --until TIME   RFC 3339, 'YYYY-MM-DD[ HH:MM[:SS]]' (UTC),\n"
		"                     'now', or ago: 30s, 10m, 2h, 3d, 1w\n"
		"  --policy NAME, --rule [POLICY/]ID, --hook HOOK, --action deny|audit\n"
		"  --cgroup PATH (and below), --container ID-PREFIX|NAME, --pid N, --uid N\n"
		"  --exe PATH|NAME, --comm NAME, --path-prefix PATH\n"
		"output:\n"
		"  --output table|json  table by default on a terminal, else JSON lines\n"
		"  --json             the same as --output json: the records as they are\n"
		"  --summary          counts by rule, container/cgroup, hook, hour; top paths\n"
		"                     and binaries (--top N lines, default 10)\n"
		"  --against POLICY   replay the events against a draft policy (file or\n"
		"                     directory; may be repeated): per event, what the draft\n"
		"                     decides and which rule, then what would change\n"
		"  --changed          with --against, print only the events that change\n"
		"  --suggest          allow rules covering what complain-mode policies recorded\n"
		"                     (--dir-files N: files of a directory that suggest the\n"
		"                     whole directory, default %d)\n"
		"exit status: 0 every line read; 1 corrupt or truncated lines were skipped\n"
		"  or a file could not be read (each reported on stderr); 2 bad usage.\n",
		STK_SUGGEST_DIR_FILES);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int set_once(const char **slot, const char *val, const char *name)
{
	if (*slot) {
		fprintf(stderr, "stockade: log: %s given twice\n", name);
		return -EINVAL;
	}
	*slot = val;
	return 0;
}

static int parse_num(const char *s, const char *name, int64_t *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || !*s || *end || v < 0) {
		fprintf(stderr, "stockade: log: %s: not a number: '%s'\n", name, s);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* A --pid or --uid: given once. */
static int parse_id(const char *s, const char *name, int64_t *slot)
{
	if (*slot >= 0) {
		fprintf(stderr, "stockade: log: %s given twice\n", name);
		return -EINVAL;
	}
	return parse_num(s, name, slot);
}

static int parse_time_opt(const char *s, const char *name, bool *has, int64_t *ret)
{
	if (*has) {
		fprintf(stderr, "stockade: log: %s given twice\n", name);
		return -EINVAL;
	}
	if (stk_log_parse_time(s, now_ns(), ret)) {
		fprintf(stderr,
			"stockade: log: %s: bad time '%s' (use 2026-11-25T15:40:01Z, "
			"'2026-11-25 15:40:01', or 10m, 2h, 3d ago)\n",
			name, s);
		return -EINVAL;
	}
	*has = true;
	return 0;
}

static int set_mode(struct log_opts *o, enum mode m)
{
	if (o->mode != MODE_LIST && o->mode != m) {
		fprintf(stderr, "stockade: log: --summary, --against and --suggest exclude each "
				"other\n");
		return -EINVAL;
	}
	o->mode = m;
	return 0;
}

enum {
	OPT_FILE = 256, OPT_NO_ROTATED, OPT_SINCE, OPT_UNTIL, OPT_POLICY, OPT_RULE, OPT_HOOK,
	OPT_ACTION, OPT_CGROUP, OPT_CONTAINER, OPT_PID, OPT_UID, OPT_EXE, OPT_COMM, OPT_PATH,
	OPT_OUTPUT, OPT_JSON, OPT_SUMMARY, OPT_TOP, OPT_AGAINST, OPT_SUGGEST, OPT_DIR_FILES,
	OPT_CHANGED,
};

static int parse_args(int argc, char **argv, struct log_opts *o)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, OPT_FILE },
		{ "no-rotated", no_argument, NULL, OPT_NO_ROTATED },
		{ "follow", no_argument, NULL, 'f' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "rule", required_argument, NULL, OPT_RULE },
		{ "hook", required_argument, NULL, OPT_HOOK },
		{ "action", required_argument, NULL, OPT_ACTION },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "exe", required_argument, NULL, OPT_EXE },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "path-prefix", required_argument, NULL, OPT_PATH },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "against", required_argument, NULL, OPT_AGAINST },
		{ "changed", no_argument, NULL, OPT_CHANGED },
		{ "suggest", no_argument, NULL, OPT_SUGGEST },
		{ "dir-files", required_argument, NULL, OPT_DIR_FILES },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct stk_log_filter *f = &o->filter;
	char **files = NULL;
	size_t n_files = 0, i;
	int64_t v;
	int opt, err = 0;

	o->json = !isatty(STDOUT_FILENO);
	o->top = 10;
	o->dir_files = STK_SUGGEST_DIR_FILES;
	stk_log_filter_init(f);
	files = calloc(argc, sizeof(*files));
	o->against = calloc(argc, sizeof(*o->against));
	if (!files || !o->against) {
		free(files);
		return -ENOMEM;
	}
	while (!err && (opt = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_FILE:
			files[n_files++] = optarg;
			break;
		case OPT_NO_ROTATED:
			o->no_rotated = true;
			break;
		case 'f':
			o->follow = true;
			break;
		case OPT_SINCE:
			err = parse_time_opt(optarg, "--since", &f->has_since, &f->since_ns);
			break;
		case OPT_UNTIL:
			err = parse_time_opt(optarg, "--until", &f->has_until, &f->until_ns);
			break;
		case OPT_POLICY:
			err = set_once(&f->policy, optarg, "--policy");
			break;
		case OPT_RULE:
			err = set_once(&f->rule, optarg, "--rule");
			break;
		case OPT_HOOK:
			err = set_once(&f->hook, optarg, "--hook");
			break;
		case OPT_ACTION:
			if (strcmp(optarg, "deny") && strcmp(optarg, "audit")) {
				fprintf(stderr, "stockade: log: --action: 'deny' or 'audit', not "
						"'%s'\n", optarg);
				err = -EINVAL;
				break;
			}
			err = set_once(&f->action, optarg, "--action");
			break;
		case OPT_CGROUP:
			err = set_once(&f->cgroup, optarg, "--cgroup");
			break;
		case OPT_CONTAINER:
			err = set_once(&f->container, optarg, "--container");
			break;
		case OPT_PID:
			err = parse_id(optarg, "--pid", &f->pid);
			break;
		case OPT_UID:
			err = parse_id(optarg, "--uid", &f->uid);
			break;
		case OPT_EXE:
			err = set_once(&f->exe, optarg, "--exe");
			break;
		case OPT_COMM:
			err = set_once(&f->comm, optarg, "--comm");
			break;
		case OPT_PATH:
			err = set_once(&f->path_prefix, optarg, "--path-prefix");
			break;
		case OPT_OUTPUT:
			if (strcmp(optarg, "table") && strcmp(optarg, "json")) {
				fprintf(stderr, "stockade: log: --output: 'table' or 'json', not "
						"'%s'\n", optarg);
				err = -EINVAL;
				break;
			}
			o->json = !strcmp(optarg, "json");
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_SUMMARY:
			err = set_mode(o, MODE_SUMMARY);
			break;
		case OPT_TOP:
			err = parse_num(optarg, "--top", &v);
			o->top = v;
			break;
		case OPT_AGAINST:
			err = set_mode(o, MODE_AGAINST);
			o->against[o->n_against++] = optarg;
			break;
		case OPT_CHANGED:
			o->changed_only = true;
			break;
		case OPT_SUGGEST:
			err = set_mode(o, MODE_SUGGEST);
			break;
		case OPT_DIR_FILES:
			err = parse_num(optarg, "--dir-files", &v);
			if (!err && v < 1) {
				fprintf(stderr, "stockade: log: --dir-files must be at least 1\n");
				err = -EINVAL;
			}
			o->dir_files = v;
			break;
		case 'h':
			usage(stdout);
			free(files);
			return 1;
		default:
			err = -EINVAL;
		}
	}
	if (!err && optind < argc) {
		fprintf(stderr, "stockade: log: unexpected argument '%s'\n", argv[optind]);
		err = -EINVAL;
	}
	if (!err && o->changed_only && o->mode != MODE_AGAINST) {
		fprintf(stderr, "stockade: log: --changed goes with --against\n");
		err = -EINVAL;
	}
	if (!err && o->follow && (o->mode == MODE_SUMMARY || o->mode == MODE_SUGGEST ||
				  o->mode == MODE_AGAINST)) {
		fprintf(stderr, "stockade: log: --follow only lists events\n");
		err = -EINVAL;
	}
	if (!err && !n_files)
		err = stk_log_files_add(&o->files, STK_AUDIT_LOG_DEFAULT, !o->no_rotated);
	for (i = 0; !err && i < n_files; i++)
		err = stk_log_files_add(&o->files, files[i], !o->no_rotated);
	free(files);
	return err;
}

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

	err = recorded < 0 ? -EINVAL : stk_whatif_decide(s->draft->compiled, r, &w);
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
	case MODE_SUMMARY:
		return stk_log_summary_add(&s->summary, r);
	case MODE_SUGGEST:
		return stk_suggest_add(&s->suggest, r) < 0 ? -ENOMEM : 0;
	case MODE_AGAINST:
		do_against(s, r);
		return 0;
	case MODE_LIST:
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

static int load_draft(struct log_state *s, struct log_opts *o)
{
	struct stk_diags diags = {};
	int err;

	err = stk_policy_set_load(o->against, o->n_against, &s->draft, &diags);
	stk_diags_print(&diags, stderr);
	if (err)
		fprintf(stderr, "stockade: log: --against: %zu error(s) in the draft policy\n",
			diags.n_errors);
	stk_diags_free(&diags);
	return err;
}

int stk_cmd_log(int argc, char **argv)
{
	struct log_opts o = {};
	struct log_state s = { .o = &o };
	int err, status = STK_EXIT_OK;

	err = parse_args(argc, argv, &o);
	if (err) {
		if (err < 0)
			usage(stderr);
		status = err > 0 ? STK_EXIT_OK : STK_EXIT_USAGE;
		goto out;
	}
	if (o.mode == MODE_AGAINST && load_draft(&s, &o)) {
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
	case MODE_SUMMARY:
		if (o.json)
			err = stk_log_summary_json(&s.summary, stdout);
		else
			stk_log_summary_print(&s.summary, stdout, o.top);
		break;
	case MODE_SUGGEST:
		err = stk_suggest_print(&s.suggest, stdout, o.dir_files);
		fprintf(stderr, "stockade: log: %llu complain-mode denials covered; review before "
				"use: these rules allow what was recorded, nothing more is known.\n",
			(unsigned long long)s.suggest.used);
		break;
	case MODE_AGAINST:
		/* With JSON lines on stdout, the summary goes where people read. */
		stk_whatif_stats_print(&s.whatif, o.json ? stderr : stdout);
		break;
	case MODE_LIST:
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
	stk_policy_set_free(s.draft);
	stk_log_files_free(&o.files);
	free(o.against);
	return status;
}
