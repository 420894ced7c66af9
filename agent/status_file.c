// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * status_file.c - the agent's status file (see status_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "canary.h"
#include "pin.h"
#include "status_file.h"

int stk_run_path(const char *pin_dir, const char *stem, const char *ext, char *buf, size_t len)
{
	const char *base = strrchr(pin_dir, '/');
	int n;

	if (!strcmp(pin_dir, STK_PIN_DIR_DEFAULT))
		n = snprintf(buf, len, "%s/%s%s", STK_STATUS_DIR, stem, ext);
	else
		n = snprintf(buf, len, "%s/%s-%s%s", STK_STATUS_DIR, stem, base ? base + 1 : pin_dir,
			     ext);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int stk_status_path(const char *pin_dir, char *buf, size_t len)
{
	return stk_run_path(pin_dir, "status", ".json", buf, len);
}

static struct json_object *policies_json(const struct stk_policy_set *set)
{
	struct json_object *arr = json_object_new_array(), *p;
	size_t i;

	for (i = 0; arr && i < set->n_pols; i++) {
		p = json_object_new_object();
		json_object_object_add(p, "name", json_object_new_string(set->pols[i]->name));
		json_object_object_add(p, "file", json_object_new_string(set->pols[i]->file));
		json_object_object_add(p, "rules",
				       json_object_new_int64(set->pols[i]->files.n_rules));
		json_object_array_add(arr, p);
	}
	return arr;
}

int stk_status_write(const struct stk_status_info *info)
{
	struct json_object *o = json_object_new_object(), *args;
	char path[512], tmp[520];
	size_t i;
	const char *text;
	int fd, err = 0;
	ssize_t n;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "agent_pid", json_object_new_int(info->agent_pid));
	json_object_object_add(o, "reader_pid", json_object_new_int(info->reader_pid));
	json_object_object_add(o, "reader_user", json_object_new_string(info->user));
	json_object_object_add(o, "pin_dir", json_object_new_string(info->pin_dir));
	json_object_object_add(o, "adopted", json_object_new_boolean(info->adopted));
	json_object_object_add(o, "persist", json_object_new_boolean(info->persist));
	json_object_object_add(o, "file_cache", json_object_new_boolean(info->file_cache));
	json_object_object_add(o, "started",
			       json_object_new_int64(info->started ? info->started : time(NULL)));
	json_object_object_add(o, "rules", json_object_new_int64(info->set->n_rules));
	json_object_object_add(o, "policies", policies_json(info->set));
	args = json_object_new_array();
	for (i = 0; args && i < info->n_policy_args; i++)
		json_object_array_add(args, json_object_new_string(info->policy_args[i]));
	json_object_object_add(o, "policy_args", args);
	json_object_object_add(o, "reloads", json_object_new_int64(info->reloads));
	if (info->last_reload)
		json_object_object_add(o, "last_reload",
				       json_object_new_string(info->last_reload));
	if (info->decisions)
		json_object_object_add(o, "decisions", json_object_get(info->decisions));
	if (info->canary) {
		json_object_object_add(o, "canary", stk_canary_json(info->canary));
		json_object_object_add(o, "enforcement_active",
				       json_object_new_boolean(info->canary->result ==
							       STK_CANARY_PASSED));
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);

	if (mkdir(STK_STATUS_DIR, 0755) && errno != EEXIST) {
		err = -errno;
		goto cleanup;
	}
	err = stk_status_path(info->pin_dir, path, sizeof(path));
	if (err)
		goto cleanup;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text) || write(fd, "\n", 1) != 1)
		err = n < 0 ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
cleanup:
	json_object_put(o);
	return err;
}

struct json_object *stk_status_read(const char *pin_dir)
{
	char path[512];
	struct json_object *o;

	if (stk_status_path(pin_dir, path, sizeof(path))) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (access(path, R_OK))
		return NULL;
	o = json_object_from_file(path);
	if (!o)
		errno = EINVAL;
	return o;
}

void stk_status_remove(const char *pin_dir)
{
	char path[512];

	if (stk_status_path(pin_dir, path, sizeof(path)) == 0)
		unlink(path);
}
