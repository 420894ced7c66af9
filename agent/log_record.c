// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_record.c - one audit-log line to a stk_log_rec (see log_record.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "container_of.h"
#include "log_record.h"
#include "ocsf_read.h"
#include "policy.h"

static const char *opt_str(struct json_object *o, const char *key, bool *bad)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*bad = true;
		return NULL;
	}
	return json_object_get_string(v);
}

static int64_t opt_int(struct json_object *o, const char *key, bool *bad)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	if (!json_object_is_type(v, json_type_int)) {
		*bad = true;
		return -1;
	}
	return json_object_get_int64(v);
}

static int read_access(struct json_object *o, uint32_t *ret)
{
	struct json_object *a;
	uint32_t mask = 0;
	size_t i, n;
	int acc;

	if (!json_object_object_get_ex(o, "access", &a)) {
		*ret = 0;
		return 0;
	}
	if (!json_object_is_type(a, json_type_array))
		return -EINVAL;
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_string))
			return -EINVAL;
		/* A kind this version does not know is skipped, not fatal. */
		acc = stk_file_access_from_name(json_object_get_string(e));
		if (acc >= 0)
			mask |= STK_FACC_BIT(acc);
	}
	*ret = mask;
	return 0;
}

const char *stk_log_container_of(const char *cgroup, char *buf, size_t len)
{
	struct stk_container_of sc;

	if (len < sizeof(sc.container))
		return NULL;
	stk_container_of(cgroup, &sc);
	if (!sc.container[0])
		return NULL;
	memcpy(buf, sc.container, sizeof(sc.container));
	return buf;
}

static int fail(char *err, size_t len, int ret, const char *fmt, const char *arg)
{
	if (err && len)
		snprintf(err, len, fmt, arg);
	return ret;
}

int stk_log_rec_parse(const char *line, size_t len, struct stk_log_rec *ret, char *err,
		      size_t err_len)
{
	struct json_tokener *tok;
	struct json_object *o, *v;
	struct stk_log_rec r = {};
	const char *time;
	bool bad = false;
	enum json_tokener_error jerr;
	size_t end;

	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o) {
		if (jerr == json_tokener_continue)
			return fail(err, err_len, -EINVAL, "%s",
				    "incomplete JSON (truncated line)");
		return fail(err, err_len, -EINVAL, "not JSON: %s", json_tokener_error_desc(jerr));
	}
	while (end < len && isspace((unsigned char)line[end]))
		end++;
	r.obj = o;
	if (end != len) {
		stk_log_rec_clear(&r);
		return fail(err, err_len, -EINVAL, "%s", "text after the JSON object");
	}
	if (!json_object_is_type(o, json_type_object)) {
		stk_log_rec_clear(&r);
		return fail(err, err_len, -EINVAL, "%s", "not a JSON object");
	}
	/* --audit-format ocsf: its events are read as the native events they were. */
	if (stk_ocsf_is_event(o)) {
		r.obj = stk_ocsf_to_native(o);
		json_object_put(o);
		o = r.obj;
		if (!o)
			return -ENOMEM;
	}
	time = opt_str(o, "time", &bad);
	if (!time || stk_log_parse_abs_time(time, &r.time_ns)) {
		stk_log_rec_clear(&r);
		return fail(err, err_len, -EINVAL, "%s", "missing or bad \"time\"");
	}
	r.type = opt_str(o, "type", &bad);
	if (r.type && !strcmp(r.type, "lost")) {
		/* Lost events were never seen: a count, nothing else. */
		r.count = (uint64_t)opt_int(o, "lost", &bad);
		r.action = "";
		r.hook = "";
	} else if (r.type && !strcmp(r.type, "suppressed")) {
		r.count = (uint64_t)opt_int(o, "suppressed", &bad);
	} else if (r.type) {
		/* r.type lives in the JSON object: format before freeing it. */
		fail(err, err_len, -EINVAL, "unknown \"type\" %s", r.type);
		stk_log_rec_clear(&r);
		return -EINVAL;
	}
	if (!r.action)
		r.action = opt_str(o, "action", &bad);
	if (!r.hook)
		r.hook = opt_str(o, "hook", &bad);
	if (bad || (r.type && (int64_t)r.count < 0)) {
		stk_log_rec_clear(&r);
		return fail(err, err_len, -EINVAL, "%s", "a field has the wrong type");
	}
	if (!r.action || !r.hook ||
	    (r.hook[0] && (!json_object_object_get_ex(o, "enforced", &v) ||
			   !json_object_is_type(v, json_type_boolean)))) {
		stk_log_rec_clear(&r);
		return fail(err, err_len, -EINVAL, "%s",
			    "missing or mistyped \"action\", \"hook\" or \"enforced\"");
	}
	r.enforced = r.hook[0] && json_object_get_boolean(v);
	r.seq = (uint64_t)opt_int(o, "seq", &bad);
	r.host = opt_str(o, "host", &bad);
	r.policy = opt_str(o, "policy", &bad);
	r.rule = opt_str(o, "rule", &bad);
	r.pid = opt_int(o, "pid", &bad);
	r.tid = opt_int(o, "tid", &bad);
	r.ppid = opt_int(o, "ppid", &bad);
	r.uid = opt_int(o, "uid", &bad);
	r.gid = opt_int(o, "gid", &bad);
	r.comm = opt_str(o, "comm", &bad);
	r.exe = opt_str(o, "exe", &bad);
	r.cgroup = opt_str(o, "cgroup", &bad);
	r.container = opt_str(o, "container", &bad);
	r.path = opt_str(o, "path", &bad);
	if (json_object_object_get_ex(o, "path_truncated", &v))
		r.path_truncated = json_object_get_boolean(v);
	if (bad || read_access(o, &r.access)) {
		stk_log_rec_clear(&r);
		return fail(err, err_len, -EINVAL, "%s", "a field has the wrong type");
	}
	if (!r.host)
		r.host = "";
	if (!r.policy)
		r.policy = "";
	if (!r.rule)
		r.rule = "";
	if (!r.comm)
		r.comm = "";
	stk_log_container_of(r.cgroup, r.container_id, sizeof(r.container_id));
	*ret = r;
	return 0;
}

void stk_log_rec_clear(struct stk_log_rec *r)
{
	if (r->obj)
		json_object_put(r->obj);
	r->obj = NULL;
}
