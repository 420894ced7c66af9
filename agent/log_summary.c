// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_summary.c - counts over audit records (see log_summary.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "log_summary.h"
#include "log_table.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct stk_tally_ent *slot(const struct stk_tally *t, const char *key)
{
	size_t i = hash(key) & (t->cap - 1);

	while (t->v[i].key && strcmp(t->v[i].key, key))
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

static int grow(struct stk_tally *t)
{
	struct stk_tally old = *t;
	size_t i;

	t->cap = old.cap ? old.cap * 2 : 64;
	t->v = calloc(t->cap, sizeof(*t->v));
	if (!t->v) {
		*t = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++)
		if (old.v[i].key)
			*slot(t, old.v[i].key) = old.v[i];
	free(old.v);
	return 0;
}

int stk_tally_add(struct stk_tally *t, const char *key, uint64_t n)
{
	struct stk_tally_ent *e;

	if ((t->n + 1) * 4 > t->cap * 3 && grow(t))
		return -ENOMEM;
	e = slot(t, key);
	if (!e->key) {
		e->key = strdup(key);
		if (!e->key)
			return -ENOMEM;
		t->n++;
	}
	e->count += n;
	return 0;
}

uint64_t stk_tally_get(const struct stk_tally *t, const char *key)
{
	return t->cap ? slot(t, key)->count : 0;
}

static int by_count(const void *a, const void *b)
{
	const struct stk_tally_ent *x = *(const struct stk_tally_ent *const *)a;
	const struct stk_tally_ent *y = *(const struct stk_tally_ent *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
	const struct stk_tally_ent *x = *(const struct stk_tally_ent *const *)a;
	const struct stk_tally_ent *y = *(const struct stk_tally_ent *const *)b;

	return strcmp(x->key, y->key);
}

const struct stk_tally_ent **stk_tally_sorted(const struct stk_tally *t, bool key_order)
{
	const struct stk_tally_ent **v;
	size_t i, n = 0;

	if (!t->n)
		return NULL;
	v = malloc(t->n * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < t->cap; i++)
		if (t->v[i].key)
			v[n++] = &t->v[i];
	qsort(v, n, sizeof(*v), key_order ? by_key : by_count);
	return v;
}

void stk_tally_free(struct stk_tally *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->v[i].key);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int stk_log_summary_add(struct stk_log_summary *s, const struct stk_log_rec *r)
{
	char key[2 * 64 + 2], hour[32];
	const char *scope;
	time_t sec = r->time_ns / 1000000000;
	struct tm tm;
	int err = 0;

	/* A "suppressed" summary stands for its count of events; paths and binaries are unknown. */
	uint64_t n = r->type ? r->count : 1;

	if (r->type && !strcmp(r->type, "lost")) {
		s->lost += r->count;
		return 0;
	}
	if (!s->events || r->time_ns < s->first_ns)
		s->first_ns = r->time_ns;
	if (!s->events || r->time_ns > s->last_ns)
		s->last_ns = r->time_ns;
	s->events += n;
	if (r->type)
		s->suppressed += n;
	if (!strcmp(r->action, "deny")) {
		if (r->enforced)
			s->denied += n;
		else
			s->complain += n;
	} else if (!strcmp(r->action, "audit")) {
		s->audited += n;
	}
	snprintf(key, sizeof(key), "%s/%s", r->policy, r->rule[0] ? r->rule : "-");
	gmtime_r(&sec, &tm);
	strftime(hour, sizeof(hour), "%Y-%m-%d %H:00", &tm);
	err = err ?: stk_tally_add(&s->by_rule, key, n);
	scope = stk_log_rec_container(r);
	if (!scope)
		scope = r->cgroup ? r->cgroup : "-";
	err = err ?: stk_tally_add(&s->by_scope, scope, n);
	err = err ?: stk_tally_add(&s->by_hook, r->hook, n);
	err = err ?: stk_tally_add(&s->by_hour, hour, n);
	if (r->type)
		return err;
	if (r->path)
		err = err ?: stk_tally_add(&s->by_path, r->path, 1);
	err = err ?: stk_tally_add(&s->by_binary, r->exe ? r->exe : r->comm, 1);
	return err;
}

static void section(FILE *out, const char *title, const struct stk_tally *t, bool key_order,
		    size_t top)
{
	const struct stk_tally_ent **v = stk_tally_sorted(t, key_order);
	size_t i, shown = top && top < t->n ? top : t->n;
	char *safe;

	fprintf(out, "\n%s:\n", title);
	if (!v) {
		fprintf(out, "  (none)\n");
		return;
	}
	for (i = 0; i < shown; i++) {
		safe = stk_log_safe(v[i]->key);
		fprintf(out, "  %8llu  %s\n", (unsigned long long)v[i]->count, safe ? safe : "?");
		free(safe);
	}
	if (shown < t->n)
		fprintf(out, "  (%zu more)\n", t->n - shown);
	free(v);
}

void stk_log_summary_print(const struct stk_log_summary *s, FILE *out, size_t top)
{
	char a[32], b[32];

	if (s->lost)
		fprintf(out, "%llu events lost (the agent's ring buffer was full): counts below "
			     "miss them\n",
			(unsigned long long)s->lost);
	if (!s->events) {
		fprintf(out, "No events.\n");
		return;
	}
	stk_log_format_time(s->first_ns, a, sizeof(a));
	stk_log_format_time(s->last_ns, b, sizeof(b));
	fprintf(out, "%llu events from %s to %s UTC\n", (unsigned long long)s->events, a, b);
	fprintf(out, "  denied: %llu, would be denied (complain mode): %llu, audited: %llu\n",
		(unsigned long long)s->denied, (unsigned long long)s->complain,
		(unsigned long long)s->audited);
	if (s->suppressed)
		fprintf(out, "  of which the rate limit suppressed: %llu (counted, not logged one by "
			     "one: not in the top paths and binaries)\n",
			(unsigned long long)s->suppressed);
	section(out, "By rule (policy/rule)", &s->by_rule, false, 0);
	section(out, "By container or cgroup", &s->by_scope, false, top);
	section(out, "By hook", &s->by_hook, false, 0);
	section(out, "By hour (UTC)", &s->by_hour, true, 0);
	section(out, "Top paths", &s->by_path, false, top);
	section(out, "Top binaries (exe or comm)", &s->by_binary, false, top);
}

static struct json_object *tally_json(const struct stk_tally *t)
{
	const struct stk_tally_ent **v = stk_tally_sorted(t, false);
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; o && v && i < t->n; i++)
		json_object_object_add(o, v[i]->key, json_object_new_int64((int64_t)v[i]->count));
	free(v);
	return o;
}

int stk_log_summary_json(const struct stk_log_summary *s, FILE *out)
{
	struct json_object *o = json_object_new_object();
	char a[64], b[64];

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "events", json_object_new_int64((int64_t)s->events));
	json_object_object_add(o, "denied", json_object_new_int64((int64_t)s->denied));
	json_object_object_add(o, "complain", json_object_new_int64((int64_t)s->complain));
	json_object_object_add(o, "audited", json_object_new_int64((int64_t)s->audited));
	json_object_object_add(o, "suppressed", json_object_new_int64((int64_t)s->suppressed));
	json_object_object_add(o, "lost", json_object_new_int64((int64_t)s->lost));
	if (s->events) {
		stk_log_format_time(s->first_ns, a, sizeof(a));
		stk_log_format_time(s->last_ns, b, sizeof(b));
		json_object_object_add(o, "first", json_object_new_string(a));
		json_object_object_add(o, "last", json_object_new_string(b));
	}
	json_object_object_add(o, "by_rule", tally_json(&s->by_rule));
	json_object_object_add(o, "by_scope", tally_json(&s->by_scope));
	json_object_object_add(o, "by_hook", tally_json(&s->by_hook));
	json_object_object_add(o, "by_hour", tally_json(&s->by_hour));
	json_object_object_add(o, "by_path", tally_json(&s->by_path));
	json_object_object_add(o, "by_binary", tally_json(&s->by_binary));
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

void stk_log_summary_free(struct stk_log_summary *s)
{
	stk_tally_free(&s->by_rule);
	stk_tally_free(&s->by_scope);
	stk_tally_free(&s->by_hook);
	stk_tally_free(&s->by_hour);
	stk_tally_free(&s->by_path);
	stk_tally_free(&s->by_binary);
}
