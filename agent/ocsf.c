// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ocsf.c - native audit events to OCSF 1.1 (see ocsf.h).
 *
 * Built from the native line rather than the kernel record so that both
 * outputs say the same thing by construction; json-c decodes the native
 * escapes (a raw non-UTF-8 byte is U+00XX there) and writes valid UTF-8.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ocsf.h"

#ifndef STK_VERSION
#define STK_VERSION "0.0.0"
#endif

struct ocsf_class {
	int class_uid;
	const char *class_name;
	int activity_id;
	const char *activity_name;
};

/* hook -> class and activity. Activities are the class's own enumeration. */
static const struct {
	const char *hook;
	struct ocsf_class c;
} hook_classes[] = {
	{ "file_open", { 1001, "File System Activity", 14, "Open" } },
	{ "file_receive", { 1001, "File System Activity", 14, "Open" } },
	{ "path_mknod", { 1001, "File System Activity", 1, "Create" } },
	{ "path_mkdir", { 1001, "File System Activity", 1, "Create" } },
	{ "path_symlink", { 1001, "File System Activity", 1, "Create" } },
	{ "path_link", { 1001, "File System Activity", 1, "Create" } },
	{ "path_unlink", { 1001, "File System Activity", 4, "Delete" } },
	{ "path_rmdir", { 1001, "File System Activity", 4, "Delete" } },
	{ "path_rename", { 1001, "File System Activity", 5, "Rename" } },
	{ "path_truncate", { 1001, "File System Activity", 3, "Update" } },
	{ "path_chmod", { 1001, "File System Activity", 6, "Set Attributes" } },
	{ "path_chown", { 1001, "File System Activity", 6, "Set Attributes" } },
	{ "inode_setxattr", { 1001, "File System Activity", 6, "Set Attributes" } },
	{ "inode_removexattr", { 1001, "File System Activity", 6, "Set Attributes" } },
	{ "inode_setattr", { 1001, "File System Activity", 6, "Set Attributes" } },
	{ "unix_stream_connect", { 1001, "File System Activity", 99, "Other" } },
	{ "unix_may_send", { 1001, "File System Activity", 99, "Other" } },
	{ "sb_mount", { 1001, "File System Activity", 12, "Mount" } },
	{ "move_mount", { 1001, "File System Activity", 12, "Mount" } },
	{ "sb_remount", { 1001, "File System Activity", 12, "Mount" } },
	{ "sb_umount", { 1001, "File System Activity", 13, "Unmount" } },
	{ "bprm_check_security", { 1007, "Process Activity", 1, "Launch" } },
	{ "mmap_file", { 1007, "Process Activity", 99, "Other" } },
	{ "file_mprotect", { 1007, "Process Activity", 99, "Other" } },
	{ "ptrace_access_check", { 1007, "Process Activity", 3, "Open" } },
	{ "ptrace_traceme", { 1007, "Process Activity", 99, "Other" } },
	{ "capable", { 1007, "Process Activity", 99, "Other" } },
	{ "kernel_module_request", { 1002, "Kernel Extension Activity", 1, "Load" } },
	{ "kernel_load_data", { 1002, "Kernel Extension Activity", 1, "Load" } },
	{ "kernel_read_file", { 1002, "Kernel Extension Activity", 1, "Load" } },
	{ "bpf", { 1003, "Kernel Activity", 99, "Other" } },
	{ "connect4", { 4001, "Network Activity", 1, "Open" } },
	{ "connect6", { 4001, "Network Activity", 1, "Open" } },
	{ "sendmsg4", { 4001, "Network Activity", 6, "Traffic" } },
	{ "sendmsg6", { 4001, "Network Activity", 6, "Traffic" } },
	{ "egress4", { 4001, "Network Activity", 6, "Traffic" } },
	{ "egress6", { 4001, "Network Activity", 6, "Traffic" } },
	{ "bind4", { 4001, "Network Activity", 99, "Other" } },
	{ "bind6", { 4001, "Network Activity", 99, "Other" } },
	{ "socket_create", { 4001, "Network Activity", 99, "Other" } },
};

static const struct ocsf_class unknown_class = { 1007, "Process Activity", 99, "Other" };

static const struct ocsf_class *class_of(const char *hook)
{
	size_t i;

	for (i = 0; hook && i < sizeof(hook_classes) / sizeof(hook_classes[0]); i++)
		if (!strcmp(hook, hook_classes[i].hook))
			return &hook_classes[i].c;
	return &unknown_class;
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static const char *get_str(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Moves a native field under @key of @dst (a copy; the source is freed later). */
static void copy(struct json_object *dst, const char *key, struct json_object *src, const char *k)
{
	struct json_object *v = get(src, k);

	if (v)
		json_object_object_add(dst, key, json_object_get(v));
}

/* OCSF ids are strings (uid) where the native event has numbers. */
static void copy_as_str(struct json_object *dst, const char *key, struct json_object *src,
			const char *k)
{
	struct json_object *v = get(src, k);

	if (v && !json_object_is_type(v, json_type_null))
		json_object_object_add(dst, key, json_object_new_string(json_object_get_string(v)));
}

static struct json_object *obj(struct json_object *parent, const char *key)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(parent, key, o);
	return o;
}

/* RFC 3339 with nanoseconds (the native "time") to milliseconds since the epoch. */
static bool time_ms(const char *t, long long *ret)
{
	struct tm tm = {};
	long long ms;
	int frac = 0, n = 0;

	if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac, &n) != 7 || !n)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	ms = (long long)timegm(&tm) * 1000 + frac;
	*ret = ms;
	return true;
}

/* The process that acted: actor.process (and actor.user). */
static void add_actor(struct json_object *out, struct json_object *ev)
{
	struct json_object *actor = obj(out, "actor"), *proc = obj(actor, "process"), *f, *u;

	copy(proc, "pid", ev, "pid");
	copy(proc, "tid", ev, "tid");
	copy(proc, "name", ev, "comm");
	if (get_str(ev, "exe")) {
		f = obj(proc, "file");
		copy(f, "name", ev, "exe");
		json_object_object_add(f, "type_id", json_object_new_int(1)); /* Regular File */
		copy_as_str(f, "uid", ev, "exe_inode");
	}
	if (get(ev, "ppid"))
		copy(obj(proc, "parent_process"), "pid", ev, "ppid");
	u = obj(proc, "user");
	copy_as_str(u, "uid", ev, "uid");
	copy_as_str(obj(actor, "user"), "uid", ev, "uid");
}

/* The object acted on, by class. */
static void add_target(struct json_object *out, struct json_object *ev, int class_uid)
{
	const char *path = get_str(ev, "path"), *slash;
	struct json_object *f, *ep, *ci;

	if (path && (class_uid == 1001 || class_uid == 1007 || class_uid == 1002)) {
		/* Process Activity names the executed file as process.file. */
		f = class_uid == 1007 ? obj(obj(out, "process"), "file") : obj(out, "file");
		json_object_object_add(f, "path", json_object_new_string(path));
		slash = strrchr(path, '/');
		json_object_object_add(f, "name", json_object_new_string(slash ? slash + 1 : path));
		copy_as_str(f, "uid", ev, "inode");
		json_object_object_add(f, "type_id", json_object_new_int(0)); /* Unknown */
	}
	if (class_uid == 1002 && get_str(ev, "module"))
		copy(obj(obj(out, "driver"), "file"), "name", ev, "module");
	if (class_uid == 4001 && get(ev, "address")) {
		bool bind = get_str(ev, "direction") && !strcmp(get_str(ev, "direction"), "bind");

		ep = obj(out, bind ? "src_endpoint" : "dst_endpoint");
		copy(ep, "ip", ev, "address");
		copy(ep, "port", ev, "port");
		ci = obj(out, "connection_info");
		copy(ci, "protocol_name", ev, "protocol");
		json_object_object_add(ci, "direction_id", json_object_new_int(bind ? 1 : 2));
		json_object_object_add(ci, "direction",
				       json_object_new_string(bind ? "Inbound" : "Outbound"));
		copy(ci, "protocol_ver", ev, "family");
	}
}

/* A one-line human summary: "denied file_open of /etc/shadow by cat (demo/no-shadow)". */
static void add_message(struct json_object *out, struct json_object *ev, bool enforced)
{
	const char *action = get_str(ev, "action"), *what = get_str(ev, "path");
	char msg[512], addr[128];

	if (!what && get_str(ev, "address")) {
		snprintf(addr, sizeof(addr), "%s port %lld", get_str(ev, "address"),
			 (long long)json_object_get_int64(get(ev, "port")));
		what = addr;
	}
	if (!what)
		what = get_str(ev, "capability") ?: get_str(ev, "operation") ?: "?";
	snprintf(msg, sizeof(msg), "%s %s of %.200s by %.16s (%.64s/%.64s)",
		 action && !strcmp(action, "deny") ? (enforced ? "denied" : "would deny") :
						     "audited",
		 get_str(ev, "hook") ?: "?", what, get_str(ev, "comm") ?: "?",
		 get_str(ev, "policy") ?: "", get_str(ev, "rule") ?: "");
	json_object_object_add(out, "message", json_object_new_string(msg));
}

/* The native fields OCSF has no place for, under "unmapped". */
static void add_unmapped(struct json_object *out, struct json_object *ev)
{
	static const char *const mapped[] = { "time", "host", "pid", "tid", "ppid", "uid",
					      "comm", "exe", "exe_inode", "container", "runtime",
					      "policy", "seq" };
	struct json_object *u = obj(out, "unmapped");
	size_t i;

	json_object_object_foreach(ev, key, val)
	{
		for (i = 0; i < sizeof(mapped) / sizeof(mapped[0]); i++)
			if (!strcmp(key, mapped[i]))
				break;
		if (i == sizeof(mapped) / sizeof(mapped[0]))
			json_object_object_add(u, key, json_object_get(val));
	}
}

static struct json_object *convert(struct json_object *ev)
{
	const struct ocsf_class *c = class_of(get_str(ev, "hook"));
	struct json_object *out = json_object_new_object(), *md, *prod, *enf_v = get(ev, "enforced");
	const char *action = get_str(ev, "action");
	bool deny = action && !strcmp(action, "deny");
	bool enforced = enf_v && json_object_get_boolean(enf_v);
	bool alert = get(ev, "alert") && json_object_get_boolean(get(ev, "alert"));
	long long ms;
	int sev = alert ? 4 : deny ? (enforced ? 3 : 2) : 1;
	static const char *const sev_names[] = { "Unknown", "Informational", "Low", "Medium",
						 "High" };

	json_object_object_add(out, "class_uid", json_object_new_int(c->class_uid));
	json_object_object_add(out, "class_name", json_object_new_string(c->class_name));
	json_object_object_add(out, "category_uid", json_object_new_int(c->class_uid / 1000));
	json_object_object_add(out, "category_name",
			       json_object_new_string(c->class_uid / 1000 == 4 ?
							      "Network Activity" :
							      "System Activity"));
	json_object_object_add(out, "activity_id", json_object_new_int(c->activity_id));
	json_object_object_add(out, "activity_name", json_object_new_string(c->activity_name));
	json_object_object_add(out, "type_uid",
			       json_object_new_int64((int64_t)c->class_uid * 100 + c->activity_id));
	if (time_ms(get_str(ev, "time"), &ms))
		json_object_object_add(out, "time", json_object_new_int64(ms));
	copy(out, "time_dt", ev, "time");
	json_object_object_add(out, "severity_id", json_object_new_int(sev));
	json_object_object_add(out, "severity", json_object_new_string(sev_names[sev]));
	/* Security control profile: what the control did. */
	json_object_object_add(out, "action_id", json_object_new_int(enforced ? 2 : 1));
	json_object_object_add(out, "action", json_object_new_string(enforced ? "Denied" : "Allowed"));
	json_object_object_add(out, "disposition_id", json_object_new_int(enforced ? 2 : 17));
	json_object_object_add(out, "disposition",
			       json_object_new_string(enforced ? "Blocked" : "Logged"));
	json_object_object_add(out, "status_id", json_object_new_int(enforced ? 2 : 1));
	json_object_object_add(out, "status", json_object_new_string(enforced ? "Failure" : "Success"));
	if (enforced)
		json_object_object_add(out, "status_detail",
				       json_object_new_string("Operation not permitted (EPERM)"));
	add_message(out, ev, enforced);
	md = obj(out, "metadata");
	json_object_object_add(md, "version", json_object_new_string(STK_OCSF_VERSION));
	prod = obj(md, "product");
	json_object_object_add(prod, "name", json_object_new_string("stockade"));
	json_object_object_add(prod, "vendor_name", json_object_new_string("stockade"));
	json_object_object_add(prod, "version", json_object_new_string(STK_VERSION));
	copy(md, "sequence", ev, "seq");
	json_object_object_add(md, "profiles", json_object_new_array());
	json_object_array_add(get(md, "profiles"), json_object_new_string("security_control"));
	copy(obj(out, "device"), "hostname", ev, "host");
	add_actor(out, ev);
	if (get_str(ev, "container")) {
		struct json_object *ct = obj(out, "container");

		copy(ct, "uid", ev, "container");
		copy(ct, "runtime", ev, "runtime");
		json_object_array_add(get(md, "profiles"), json_object_new_string("container"));
	}
	copy(obj(out, "policy"), "name", ev, "policy");
	add_target(out, ev, c->class_uid);
	add_unmapped(out, ev);
	return out;
}

long stk_ocsf_convert(const char *line, size_t len, char *out, size_t cap)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *ev, *o;
	const char *s;
	size_t n;
	long ret;

	if (!tok)
		return -ENOMEM;
	ev = json_tokener_parse_ex(tok, line, (int)len);
	json_tokener_free(tok);
	if (!ev || !json_object_is_type(ev, json_type_object) || !get_str(ev, "hook")) {
		json_object_put(ev);
		return -EINVAL;
	}
	o = convert(ev);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	n = s ? strlen(s) : 0;
	if (!s) {
		ret = -ENOMEM;
	} else if (n + 1 > cap) {
		ret = -ENOSPC;
	} else {
		memcpy(out, s, n + 1);
		ret = (long)n;
	}
	json_object_put(o);
	json_object_put(ev);
	return ret;
}
