/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * schema.c - what every part of the policy parser shares.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "quote.h"
#include "schema.h"

static void report(struct stk_pctx *c, struct stk_pos pos, enum stk_severity sev,
		   const char *fmt, va_list ap)
{
	if (stk_diags_addv(c->diags, c->file, pos.line, pos.col, sev, fmt, ap))
		c->err = -ENOMEM;
}

void stk_perror(struct stk_pctx *c, struct stk_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, pos, STK_SEV_ERROR, fmt, ap);
	va_end(ap);
}

void stk_pwarn(struct stk_pctx *c, struct stk_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, pos, STK_SEV_WARNING, fmt, ap);
	va_end(ap);
}

bool stk_nomem(struct stk_pctx *c)
{
	c->err = -ENOMEM;
	return false;
}

static struct stk_jval child(const struct stk_pctx *c, const struct stk_jval *parent, int node,
			     struct json_object *val)
{
	struct stk_jval v = { .obj = val, .node = node, .pos = parent->pos };

	/* The index knows every node json-c returns; falling back is only a guard. */
	if (node >= 0)
		v.pos = stk_json_pos(c->ix, node);
	return v;
}

struct stk_jval stk_jval_member(const struct stk_pctx *c, const struct stk_jval *parent,
				const char *key, struct json_object *val)
{
	return child(c, parent, stk_json_member(c->ix, parent->node, key, strlen(key)), val);
}

struct stk_jval stk_jval_element(const struct stk_pctx *c, const struct stk_jval *parent,
				 size_t i, struct json_object *val)
{
	return child(c, parent, stk_json_element(c->ix, parent->node, i), val);
}

struct stk_pos stk_jval_key_pos(const struct stk_pctx *c, const struct stk_jval *member)
{
	return member->node >= 0 ? stk_json_key_pos(c->ix, member->node) : member->pos;
}

static const char *type_name(enum json_type t)
{
	switch (t) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_double:
		return "number";
	case json_type_int:
		return "integer";
	case json_type_object:
		return "object";
	case json_type_array:
		return "array";
	case json_type_string:
		return "string";
	}
	return "unknown";
}

const char *stk_jtype_name(struct json_object *o)
{
	return type_name(json_object_get_type(o));
}

bool stk_want_type(struct stk_pctx *c, const struct stk_jval *v, enum json_type t,
		   const char *what)
{
	if (json_object_get_type(v->obj) == t)
		return true;
	stk_perror(c, v->pos, "wrong type for %s: expected %s, got %s", what, type_name(t),
		   stk_jtype_name(v->obj));
	return false;
}

char *stk_jval_strdup(struct stk_pctx *c, const struct stk_jval *v)
{
	const char *s = json_object_get_string(v->obj);
	size_t len = (size_t)json_object_get_string_len(v->obj);
	char *copy = malloc(len + 1);

	if (!copy) {
		stk_nomem(c);
		return NULL;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* "a, b, c" for the keys @m can read, to tell the user what is allowed. */
static void allowed_keys(char *buf, size_t size, const struct stk_member *m, size_t n)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o < size; i++) {
		if (!m[i].parse)
			continue;
		o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "", m[i].key);
	}
}

void stk_parse_object(struct stk_pctx *c, const struct stk_jval *obj, const char *what,
		      const struct stk_member *m, size_t n, void *out)
{
	uint64_t seen = 0;
	size_t i;

	if (!stk_want_type(c, obj, json_type_object, what ? what : "the policy"))
		return;

	json_object_object_foreach(obj->obj, key, val) {
		struct stk_jval v = stk_jval_member(c, obj, key, val);
		char q[STK_QUOTE_SIZE];

		for (i = 0; i < n && strcmp(m[i].key, key) != 0; i++)
			;
		if (i == n) {
			char allowed[256];

			stk_quote(q, key, strlen(key));
			allowed_keys(allowed, sizeof(allowed), m, n);
			stk_perror(c, stk_jval_key_pos(c, &v), "unknown key '%s'%s%s (allowed: %s)",
				   q, what ? " in " : "", what ? what : "", allowed);
			continue;
		}
		if (!m[i].parse) {
			stk_quote(q, key, strlen(key));
			stk_perror(c, stk_jval_key_pos(c, &v),
				   "section '%s' is not supported yet by this version", q);
			continue;
		}
		seen |= 1ull << i;
		m[i].parse(c, &v, out);
	}

	for (i = 0; i < n; i++)
		if (m[i].required && !(seen & (1ull << i)))
			stk_perror(c, obj->pos, "missing required key '%s'%s%s", m[i].key,
				   what ? " in " : "", what ? what : "");
}

char *stk_parse_name(struct stk_pctx *c, const struct stk_jval *v, const char *what, size_t max)
{
	const char *s;
	size_t len, i;

	if (!stk_want_type(c, v, json_type_string, what))
		return NULL;
	s = json_object_get_string(v->obj);
	len = (size_t)json_object_get_string_len(v->obj);
	if (len == 0) {
		stk_perror(c, v->pos, "%s must not be empty", what);
		return NULL;
	}
	if (len > max) {
		stk_perror(c, v->pos, "%s is longer than %zu characters", what, max);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-')) {
			char q[STK_QUOTE_SIZE];

			stk_perror(c, v->pos,
				   "%s '%s' may contain only letters, digits, '.', '_' and '-'",
				   what, stk_quote(q, s, len));
			return NULL;
		}
	}
	return stk_jval_strdup(c, v);
}

int stk_parse_mode(struct stk_pctx *c, const struct stk_jval *v)
{
	int i = stk_parse_word(c, v, "mode", stk_mode_words, STK_N_MODE_WORDS);

	return i < 0 ? -1 : i + STK_MODE_ENFORCE;
}

size_t stk_parse_list(struct stk_pctx *c, const struct stk_jval *v, const char *what)
{
	size_t n;

	if (!stk_want_type(c, v, json_type_array, what))
		return 0;
	n = json_object_array_length(v->obj);
	if (n == 0)
		stk_perror(c, v->pos, "%s must not be empty", what);
	return n;
}

int stk_parse_word(struct stk_pctx *c, const struct stk_jval *v, const char *what,
		   const char *const *words, size_t n)
{
	char q[STK_QUOTE_SIZE], expected[256];
	const char *s;
	size_t len, i, o = 0;

	if (!stk_want_type(c, v, json_type_string, what))
		return -1;
	s = json_object_get_string(v->obj);
	len = (size_t)json_object_get_string_len(v->obj);
	for (i = 0; i < n; i++)
		if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
			return (int)i;

	expected[0] = '\0';
	for (i = 0; i < n && o < sizeof(expected); i++)
		o += (size_t)snprintf(expected + o, sizeof(expected) - o, "%s%s",
				      i == 0 ? "" : i + 1 == n ? " or " : ", ", words[i]);
	stk_perror(c, v->pos, "unknown %s '%s' (expected %s)", what, stk_quote(q, s, len),
		   expected);
	return -1;
}
