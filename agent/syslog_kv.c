// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * syslog_kv.c - native events to key=value text (see syslog_kv.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#include "syslog_kv.h"

struct kv_out {
	char *buf;
	size_t cap, len;
	bool overflow;
};

static void put(struct kv_out *o, const char *s, size_t n)
{
	if (o->overflow || n >= o->cap - o->len) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static bool plain(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("_./:@+,-", *s)))
			return false;
	return true;
}

static void put_value(struct kv_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char e[4];

	if (plain(s)) {
		put(o, s, strlen(s));
		return;
	}
	put(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			put(o, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			put(o, e, 4);
		} else {
			put(o, s, 1);
		}
	}
	put(o, "\"", 1);
}

static void put_json(struct kv_out *o, struct json_object *v)
{
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		put(o, "null", 4);
		break;
	case json_type_array: {
		/* The elements are access kinds and the like: plain words. */
		char list[1024];
		size_t len = 0;

		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(v, i));
			size_t sl = strlen(s);

			if (len + sl + 2 > sizeof(list))
				break;
			if (i)
				list[len++] = ',';
			memcpy(list + len, s, sl);
			len += sl;
		}
		list[len] = '\0';
		put_value(o, list);
		break;
	}
	default:
		put_value(o, json_object_get_string(v));
	}
}

long stk_kv_convert(const char *line, size_t len, char *out, size_t cap)
{
	struct json_tokener *tok = json_tokener_new();
	struct kv_out o = { .buf = out, .cap = cap };
	struct json_object *ev;
	bool first = true;

	if (!tok)
		return -ENOMEM;
	ev = json_tokener_parse_ex(tok, line, (int)len);
	json_tokener_free(tok);
	if (!ev || !json_object_is_type(ev, json_type_object)) {
		json_object_put(ev);
		return -EINVAL;
	}
	json_object_object_foreach(ev, key, val)
	{
		if (!first)
			put(&o, " ", 1);
		first = false;
		put(&o, key, strlen(key));
		put(&o, "=", 1);
		put_json(&o, val);
	}
	json_object_put(ev);
	if (o.overflow || !cap)
		return -ENOSPC;
	out[o.len] = '\0';
	return (long)o.len;
}
