/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * status_file.h - what a running agent tells "stockade status" and
 * "stockade unload": a small JSON file under /run/stockade.
 *
 * The pins say what is enforced; this file adds what only the agent knows
 * (its pids, its user, the policies' names and rule counts).
 */
#ifndef STK_STATUS_FILE_H
#define STK_STATUS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <json-c/json.h>

#include "policy_load.h"

struct stk_canary_state;

#define STK_STATUS_DIR "/run/stockade"

struct stk_status_info {
	const struct stk_policy_set *set;
	const char *pin_dir;
	const char *user;
	pid_t agent_pid;
	pid_t reader_pid;
	bool adopted;
	bool persist;
	bool file_cache; /* the file walk's caches work (kernel addresses were readable at load) */
	char *const *policy_args; /* --policy arguments, for "stockade reload" */
	size_t n_policy_args;
	unsigned int reloads;     /* reload attempts so far */
	const char *last_reload;  /* "ok" or why the last one failed; NULL before any */
	struct json_object *decisions; /* the kernel's decision counters, or NULL (borrowed) */
	time_t started;           /* when the current reader started; 0: now */
	const struct stk_canary_state *canary; /* proof of enforcement (canary.h); may be NULL */
};

/* STK_STATUS_DIR/<stem><ext> for the default @pin_dir, <stem>-<base of pin_dir><ext> otherwise. */
int stk_run_path(const char *pin_dir, const char *stem, const char *ext, char *buf, size_t len);
/* The status file for @pin_dir: status.json for the default, status-<base>.json otherwise. */
int stk_status_path(const char *pin_dir, char *buf, size_t len);
/* Writes the file atomically (write, then rename). */
int stk_status_write(const struct stk_status_info *info);
/* Reads the file for @pin_dir; NULL (errno set) if there is none. */
struct json_object *stk_status_read(const char *pin_dir);
void stk_status_remove(const char *pin_dir);

#endif /* STK_STATUS_FILE_H */
