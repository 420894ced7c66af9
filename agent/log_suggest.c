// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_suggest.c - allow rules from complain-mode records (see
 * log_suggest.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log_suggest.h"
#include "policy.h"

int stk_suggest_add(struct stk_suggest *s, const struct stk_log_rec *r)
{
	struct stk_suggest_ent *e;

	if (strcmp(r->action, "deny") || r->enforced || strcmp(r->hook, "file_open") ||
	    !r->path || r->path[0] != '/' || r->path_truncated || !r->access || !r->policy[0]) {
		s->ignored++;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		void *v = realloc(s->v, cap * sizeof(*s->v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	e = &s->v[s->n];
	e->policy = strdup(r->policy);
	e->path = strdup(r->path);
	e->access = r->access;
	if (!e->policy || !e->path) {
		free(e->policy);
		free(e->path);
		return -ENOMEM;
	}
	s->n++;
	s->used++;
	return 1;
}

/* Length of @path's directory part ("/etc/x" -> 4, "/x" -> 1). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash == path ? 1 : (size_t)(slash - path);
}

static int cmp_ent(const void *a, const void *b)
{
	const struct stk_suggest_ent *x = a, *y = b;
	size_t dx = dir_len(x->path), dy = dir_len(y->path);
	int c = strcmp(x->policy, y->policy);

	if (c)
		return c;
	c = strncmp(x->path, y->path, dx < dy ? dx : dy);
	if (c)
		return c;
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->path, y->path);
}

static struct json_object *access_json(uint32_t mask)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; a && i < STK_FACC_COUNT; i++)
		if (mask & STK_FACC_BIT(i))
			json_object_array_add(a, json_object_new_string(stk_file_access_name(i)));
	return a;
}

/* A rule id from the directory: "allow-etc-nginx", unique in @rules. */
static void make_id(const char *dir, size_t dlen, struct json_object *rules, char *id,
		    size_t len)
{
	char base[40];
	size_t i, n = 0, k;
	int suffix = 1;
	bool dup;

	for (i = 0; i < dlen && n < sizeof(base) - 1; i++) {
		char c = dir[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_';

		if (ok)
			base[n++] = c;
		else if (n && base[n - 1] != '-')
			base[n++] = '-';
	}
	while (n && base[n - 1] == '-')
		n--;
	base[n] = '\0';
	snprintf(id, len, "allow-%s", n ? base : "root");
	do {
		dup = false;
		for (k = 0; k < json_object_array_length(rules); k++) {
			struct json_object *r = json_object_array_get_idx(rules, k), *v;

			if (json_object_object_get_ex(r, "id", &v) &&
			    !strcmp(json_object_get_string(v), id)) {
				dup = true;
				snprintf(id, len, "allow-%s-%d", n ? base : "root", ++suffix);
				break;
			}
		}
	} while (dup);
}

static struct json_object *new_rule(struct json_object *rules, const char *dir, size_t dlen,
				    uint32_t access)
{
	struct json_object *r = json_object_new_object();
	char id[STK_ID_MAX + 1];

	if (!r)
		return NULL;
	make_id(dir, dlen, rules, id, sizeof(id));
	json_object_object_add(r, "id", json_object_new_string(id));
	json_object_object_add(r, "paths", json_object_new_array());
	json_object_object_add(r, "access", access_json(access));
	json_object_object_add(r, "action", json_object_new_string("allow"));
	json_object_array_add(rules, r);
	return r;
}

static void add_path(struct json_object *rule, const char *path, size_t len)
{
	struct json_object *paths;

	if (!rule || !json_object_object_get_ex(rule, "paths", &paths))
		return;
	json_object_array_add(paths, json_object_new_string_len(path, (int)len));
}

/* Rules for one directory's entries v[0..n) (sorted, one policy). */
static int suggest_dir(struct json_object *rules, const struct stk_suggest_ent *v, size_t n,
		       size_t dir_files)
{
	struct {
		const char *path;
		uint32_t access;
		bool done;
	} *uniq;
	size_t dl = dir_len(v[0].path), files = 0, i, j, u;
	uint32_t all = 0;
	char sub[4096 + 2];

	for (i = 0; i < n; i++) {
		all |= v[i].access;
		if (!i || strcmp(v[i].path, v[i - 1].path))
			files++;
	}
	/* Never suggest all of "/": that would be no policy at all. */
	if (files >= dir_files && dl > 1 && dl + 1 < sizeof(sub)) {
		memcpy(sub, v[0].path, dl);
		sub[dl] = '/';
		add_path(new_rule(rules, v[0].path, dl, all), sub, dl + 1);
		return 0;
	}
	/* Per distinct file, the union of its access kinds; one rule per union. */
	uniq = calloc(files, sizeof(*uniq));
	if (!uniq)
		return -ENOMEM;
	for (i = 0, u = 0; i < n; i = j) {
		uniq[u].path = v[i].path;
		for (j = i; j < n && !strcmp(v[j].path, v[i].path); j++)
			uniq[u].access |= v[j].access;
		u++;
	}
	for (i = 0; i < u; i++) {
		struct json_object *rule;

		if (uniq[i].done)
			continue;
		rule = new_rule(rules, v[0].path, dl, uniq[i].access);
		for (j = i; j < u; j++) {
			if (uniq[j].done || uniq[j].access != uniq[i].access)
				continue;
			add_path(rule, uniq[j].path, strlen(uniq[j].path));
			uniq[j].done = true;
		}
	}
	free(uniq);
	return 0;
}

int stk_suggest_print(struct stk_suggest *s, FILE *out, size_t dir_files)
{
	struct json_object *all = json_object_new_object();
	size_t i, j, k;

	if (!all)
		return -ENOMEM;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_ent);
	for (i = 0; i < s->n; i = j) {
		struct json_object *rules = json_object_new_array();

		if (!rules) {
			json_object_put(all);
			return -ENOMEM;
		}
		for (j = i; j < s->n && !strcmp(s->v[j].policy, s->v[i].policy); j++)
			;
		for (k = i; k < j;) {
			size_t dl = dir_len(s->v[k].path), m = k;

			while (m < j && dir_len(s->v[m].path) == dl &&
			       !strncmp(s->v[m].path, s->v[k].path, dl))
				m++;
			if (suggest_dir(rules, s->v + k, m - k, dir_files)) {
				json_object_put(rules);
				json_object_put(all);
				return -ENOMEM;
			}
			k = m;
		}
		json_object_object_add(all, s->v[i].policy, rules);
	}
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
	return 0;
}

void stk_suggest_free(struct stk_suggest *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].policy);
		free(s->v[i].path);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
