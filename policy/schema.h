/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * schema.h - what every part of the policy parser shares: reporting at a
 * position, type checks, and walking an object against a table of keys.
 *
 * A section of the language is one function that takes the section's value
 * and fills its part of the policy; the tables of keys below say which
 * function reads which key, so adding a section adds a function and a line.
 */
#ifndef STK_SCHEMA_H
#define STK_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "json_pos.h"
#include "policy.h"

struct stk_pctx {
	const char *file;
	const struct stk_json_index *ix;
	struct stk_diags *diags;
	int err; /* -ENOMEM once something could not be allocated */
	struct stk_policy *pol;
	struct stk_pos *rule_id_pos; /* where each rule's id is, for the checks */
	struct stk_pos *exec_id_pos; /* the same for the exec rules */
};

/* A JSON value with where it is. */
struct stk_jval {
	struct json_object *obj;
	int node;	    /* in the index, or -1 */
	struct stk_pos pos; /* of the value (its parent's, if the index lacks it) */
};

void stk_perror(struct stk_pctx *c, struct stk_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void stk_pwarn(struct stk_pctx *c, struct stk_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Notes an allocation failure; returns false, for "if (!x) return stk_nomem(c);". */
bool stk_nomem(struct stk_pctx *c);

struct stk_jval stk_jval_member(const struct stk_pctx *c, const struct stk_jval *parent,
				const char *key, struct json_object *val);
struct stk_jval stk_jval_element(const struct stk_pctx *c, const struct stk_jval *parent,
				 size_t i, struct json_object *val);
struct stk_pos stk_jval_key_pos(const struct stk_pctx *c, const struct stk_jval *member);

/* "object", "array", "string", "integer", "number", "boolean" or "null". */
const char *stk_jtype_name(struct json_object *o);
/* Reports "wrong type for @what: expected X, got Y" unless @v has type @t. */
bool stk_want_type(struct stk_pctx *c, const struct stk_jval *v, enum json_type t,
		   const char *what);

/* The string of @v, a json string, as a new C string, or NULL (noted in @c). */
char *stk_jval_strdup(struct stk_pctx *c, const struct stk_jval *v);

struct stk_member {
	const char *key;
	/* NULL: a key of the language this version does not read yet. */
	void (*parse)(struct stk_pctx *c, const struct stk_jval *v, void *out);
	bool required;
};

/*
 * stk_parse_object() - check that @obj is an object and hand each member to
 * the function its key names in @m (at most 64 keys); report unknown keys
 * (at the key, with the allowed ones) and missing required keys (at the
 * object's brace).
 * @what: the object in messages ("'files'", "rules[2]"), NULL at top level
 */
void stk_parse_object(struct stk_pctx *c, const struct stk_jval *obj, const char *what,
		      const struct stk_member *m, size_t n, void *out);

/*
 * stk_parse_name() - check an identifier: a non-empty string of at most
 * @max bytes from [A-Za-z0-9._-]. Returns a copy, or NULL (error reported).
 */
char *stk_parse_name(struct stk_pctx *c, const struct stk_jval *v, const char *what, size_t max);

/*
 * stk_parse_word() - the string @v must be one of @words (n of them); returns
 * its index, or -1 after reporting "unknown @what 'x' (expected a, b or c)".
 */
int stk_parse_word(struct stk_pctx *c, const struct stk_jval *v, const char *what,
		   const char *const *words, size_t n);

/* A "mode" value: STK_MODE_ENFORCE or STK_MODE_COMPLAIN, or -1 (reported). */
int stk_parse_mode(struct stk_pctx *c, const struct stk_jval *v);

/*
 * stk_parse_list() - @v must be a non-empty array; returns its length, or 0
 * after reporting the wrong type or "@what must not be empty".
 */
size_t stk_parse_list(struct stk_pctx *c, const struct stk_jval *v, const char *what);

#endif /* STK_SCHEMA_H */
