// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_reload.c - "stockade reload": check the running agent's policy files
 * and, if they are valid, have the agent switch to them (SIGHUP) and wait
 * for its answer. An invalid policy is reported here with its positions and
 * never reaches the agent; the agent checks again (the files may change in
 * between) and keeps the old policy on any error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "commands.h"
#include "pin.h"
#include "policy_load.h"
#include "policy_perm.h"
#include "status_file.h"

#define MAX_ARGS 64
#define WAIT_MS 120000 /* a reload verifies nothing, but TCG is slow */

static long long status_reloads(const char *pin_dir, char *msg, size_t len)
{
	struct json_object *o = stk_status_read(pin_dir), *v;
	long long n = -1;

	if (!o)
		return -1;
	if (json_object_object_get_ex(o, "reloads", &v))
		n = json_object_get_int64(v);
	if (msg && json_object_object_get_ex(o, "last_reload", &v))
		snprintf(msg, len, "%s", json_object_get_string(v));
	json_object_put(o);
	return n;
}

static int usage(int status)
{
	fprintf(status ? stderr : stdout, "usage: stockade reload [--pin-dir DIR]\n");
	return status;
}

int stk_cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *pin_dir = STK_PIN_DIR_DEFAULT;
	struct json_object *o, *v, *args;
	struct stk_policy_set *set = NULL;
	struct stk_diags diags = {};
	struct timespec ts = { .tv_nsec = 20 * 1000000 };
	char *paths[MAX_ARGS], msg[1024] = "";
	long long before;
	size_t n = 0, i;
	int opt, err, pid = 0, waited, status = STK_EXIT_FAIL;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'P')
			pin_dir = optarg;
		else
			return usage(opt == 'h' ? STK_EXIT_OK : STK_EXIT_USAGE);
	}
	if (optind != argc)
		return usage(STK_EXIT_USAGE);
	o = stk_status_read(pin_dir);
	if (!o) {
		fprintf(stderr, "stockade: reload: no agent is running for %s\n", pin_dir);
		return STK_EXIT_FAIL;
	}
	if (json_object_object_get_ex(o, "agent_pid", &v))
		pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "policy_args", &args))
		for (i = 0; i < json_object_array_length(args) && n < MAX_ARGS; i++)
			paths[n++] = (char *)json_object_get_string(json_object_array_get_idx(args, i));
	err = stk_policy_set_load(paths, n, &set, &diags);
	if (!err)
		err = stk_policy_perm_check(set, paths, n, &diags);
	stk_diags_print(&diags, stderr);
	if (err) {
		fprintf(stderr, "stockade: reload: not reloaded: %zu error(s); the old policy "
				"stays in force\n", diags.n_errors);
		status = STK_EXIT_USAGE;
		goto cleanup;
	}
	before = status_reloads(pin_dir, NULL, 0);
	if (pid <= 1 || kill(pid, SIGHUP)) {
		fprintf(stderr, "stockade: reload: agent %d is not running\n", pid);
		goto cleanup;
	}
	for (waited = 0; waited < WAIT_MS; waited += 20) {
		if (status_reloads(pin_dir, msg, sizeof(msg)) > before)
			break;
		nanosleep(&ts, NULL);
	}
	if (waited >= WAIT_MS) {
		fprintf(stderr, "stockade: reload: agent %d did not answer\n", pid);
	} else if (strcmp(msg, "ok")) {
		fprintf(stderr, "stockade: reload: the agent kept the old policy: %s\n", msg);
	} else {
		printf("stockade: reloaded\n");
		status = STK_EXIT_OK;
	}
cleanup:
	stk_policy_set_free(set);
	stk_diags_free(&diags);
	json_object_put(o);
	return status;
}
