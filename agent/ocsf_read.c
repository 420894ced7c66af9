// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ocsf_read.c - OCSF events back to native ones (see ocsf_read.h); the
 * inverse of ocsf.c's mapping, documented in docs/audit.md ("OCSF").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ocsf_read.h"

/* The member at @path ("a.b.c") of @o, or NULL. */
static struct json_object *at(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	size_t n;

	while (o && *path) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (dot ? 1 : 0);
	}
	return o;
}

bool stk_ocsf_is_event(struct json_object *o)
{
	return at(o, "class_uid") && json_object_is_type(at(o, "metadata"), json_type_object);
}

/* @path of @o as the native field @key, as it is. */
static void take(struct json_object *out, const char *key, struct json_object *o, const char *path)
{
	struct json_object *v = at(o, path);

	if (v)
		json_object_object_add(out, key, json_object_get(v));
}

/* OCSF writes ids (uid) as strings where the native event has numbers. */
static void take_number(struct json_object *out, const char *key, struct json_object *o,
			const char *path)
{
	struct json_object *v = at(o, path);
	const char *s;
	char *end;
	long long n;

	if (!v || !json_object_is_type(v, json_type_string)) {
		take(out, key, o, path);
		return;
	}
	s = json_object_get_string(v);
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s && !*end && !errno)
		json_object_object_add(out, key, json_object_new_int64(n));
	else
		json_object_object_add(out, key, json_object_get(v));
}

struct json_object *stk_ocsf_to_native(struct json_object *o)
{
	struct json_object *out = json_object_new_object(), *u = at(o, "unmapped");

	if (!out)
		return NULL;
	take(out, "time", o, "time_dt");
	take(out, "seq", o, "metadata.sequence");
	take(out, "host", o, "device.hostname");
	/* ocsf.c puts every native field it maps nowhere else here, action and hook among them. */
	if (u && json_object_is_type(u, json_type_object)) {
		json_object_object_foreach(u, key, val)
			json_object_object_add(out, key, json_object_get(val));
	}
	take(out, "policy", o, "policy.name");
	take(out, "pid", o, "actor.process.pid");
	take(out, "tid", o, "actor.process.tid");
	take(out, "ppid", o, "actor.process.parent_process.pid");
	take_number(out, "uid", o, "actor.user.uid");
	take(out, "comm", o, "actor.process.name");
	take(out, "exe", o, "actor.process.file.name");
	take_number(out, "exe_inode", o, "actor.process.file.uid");
	take(out, "container", o, "container.uid");
	take(out, "runtime", o, "container.runtime");
	return out;
}
