// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_args.c - the command line of "stockade log" (see log_args.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log_args.h"
#include "log_record.h"
#include "log_suggest.h"

void stk_log_args_usage(FILE *f)
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

static int set_mode(struct stk_log_opts *o, enum stk_log_mode m)
{
	if (o->mode != STK_LOG_LIST && o->mode != m) {
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

int stk_log_args_parse(int argc, char **argv, struct stk_log_opts *o)
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
			err = set_mode(o, STK_LOG_SUMMARY);
			break;
		case OPT_TOP:
			err = parse_num(optarg, "--top", &v);
			o->top = v;
			break;
		case OPT_AGAINST:
			err = set_mode(o, STK_LOG_AGAINST);
			o->against[o->n_against++] = optarg;
			break;
		case OPT_CHANGED:
			o->changed_only = true;
			break;
		case OPT_SUGGEST:
			err = set_mode(o, STK_LOG_SUGGEST);
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
			stk_log_args_usage(stdout);
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
	if (!err && o->changed_only && o->mode != STK_LOG_AGAINST) {
		fprintf(stderr, "stockade: log: --changed goes with --against\n");
		err = -EINVAL;
	}
	if (!err && o->follow && (o->mode == STK_LOG_SUMMARY || o->mode == STK_LOG_SUGGEST ||
				  o->mode == STK_LOG_AGAINST)) {
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

void stk_log_args_free(struct stk_log_opts *o)
{
	stk_log_files_free(&o->files);
	free(o->against);
	o->against = NULL;
}
