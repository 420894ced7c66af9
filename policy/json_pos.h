/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * json_pos.h - strict JSON parsing with a position for every value.
 *
 * json-c builds the values but knows no positions, and silently keeps the
 * last of duplicate keys. The index built here scans the same text once and
 * records, for every value, where it starts and (for object members) where
 * its key starts, so every later error can name a line and column.
 *
 * Nodes are numbered in document order; the root value is node 0. Functions
 * taking a node accept -1 (meaning "not found") and then find nothing.
 */
#ifndef STK_JSON_POS_H
#define STK_JSON_POS_H

#include <stddef.h>

#include <json-c/json.h>

#include "policy.h"

/* Deepest nesting of objects and arrays accepted; policies need about 5. */
#define STK_JSON_MAX_DEPTH 32

struct stk_json_index;

/*
 * stk_json_parse() - parse @text strictly with json-c and index it.
 * @file: name used in diagnostics
 * @ret_root, @ret_index: on success, the document (json_object_put() it)
 *	and its index (stk_json_index_free() it)
 *
 * Syntax errors (json-c's, an empty document, anything after the document,
 * and whatever the index scanner finds stricter than json-c: NaN, 1., -01,
 * raw control characters, invalid UTF-8) are reported at the byte where
 * parsing stopped. Duplicate keys are reported as errors but the document
 * is still returned, so the caller can go on checking it.
 *
 * Return: 0, -EINVAL (syntax error, in @diags), -ENOMEM.
 */
int stk_json_parse(const char *file, const char *text, size_t len, struct json_object **ret_root,
		   struct stk_json_index **ret_index, struct stk_diags *diags);

/*
 * stk_json_index_build() - the scanner alone; @text must be strict JSON
 * (RFC 8259) or -EINVAL is returned with one error in @diags. Duplicate keys
 * are errors in @diags with a 0 return. Safe on any input.
 */
int stk_json_index_build(const char *file, const char *text, size_t len,
			 struct stk_json_index **ret, struct stk_diags *diags);
void stk_json_index_free(struct stk_json_index *ix);

size_t stk_json_node_count(const struct stk_json_index *ix);

/*
 * The member @key (@key_len bytes, as json-c decodes it) of object @node:
 * with duplicate keys, the last one, as json-c keeps it. -1 if none.
 */
int stk_json_member(const struct stk_json_index *ix, int node, const char *key, size_t key_len);
/* Element @i of array @node, or -1. */
int stk_json_element(const struct stk_json_index *ix, int node, size_t i);
/*
 * The node at a JSON pointer (RFC 6901: "" is the root, "/files/rules/0",
 * "~1" stands for '/' and "~0" for '~' in keys), or -1.
 */
int stk_json_find(const struct stk_json_index *ix, const char *pointer);

/* Where the value of @node starts; {0, 0} for -1. */
struct stk_pos stk_json_pos(const struct stk_json_index *ix, int node);
/* Where the key of member @node starts (its opening quote); the value's position otherwise. */
struct stk_pos stk_json_key_pos(const struct stk_json_index *ix, int node);

/* Line and column of byte @off of @text (@off == @len: just past the end). */
struct stk_pos stk_json_offset_pos(const char *text, size_t len, size_t off);

#endif /* STK_JSON_POS_H */
