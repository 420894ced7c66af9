/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * path.h - policy paths: what a valid one is, and sorted tables of them.
 *
 * A rule path is absolute and normalised; a trailing '/' makes it a subtree
 * ("/" alone is the subtree of everything). Tables hold paths without that
 * '/' ("/etc/" and "/etc" are both "/etc"; "/" stays "/"), as (pointer,
 * length) pairs sorted in strcmp() order, so a parent is found by cutting
 * the last component and searching again.
 */
#ifndef STK_PATH_H
#define STK_PATH_H

#include <stdbool.h>
#include <stddef.h>

enum stk_path_problem {
	STK_PATH_OK = 0,
	STK_PATH_EMPTY,
	STK_PATH_NUL,
	STK_PATH_RELATIVE,
	STK_PATH_TOO_LONG,	 /* STK_PATH_MAX bytes or more */
	STK_PATH_NOT_NORMAL,	 /* "//", "." or ".." */
	STK_PATH_NAME_TOO_LONG, /* a component over STK_NAME_MAX bytes */
};

/*
 * stk_path_check() - is @s (@len bytes) a valid rule path?
 * @ret_off, @ret_len: for NOT_NORMAL and NAME_TOO_LONG, the offending
 *	component ("" for "//"); may be NULL.
 */
enum stk_path_problem stk_path_check(const char *s, size_t len, size_t *ret_off, size_t *ret_len);

/*
 * Whether @s is absolute and normalised (no "//", ".", ".."; a trailing '/'
 * is fine), whatever its length: what stk_explain_file() accepts.
 */
bool stk_path_is_normal(const char *s, size_t len);
/* Whether a valid rule path names a subtree (ends with '/'). */
bool stk_path_is_tree(const char *s, size_t len);
/* Length of a valid rule path without its trailing '/' ("/" keeps it). */
size_t stk_path_norm_len(const char *s, size_t len);
/*
 * Length of the parent of a table path: "/a/b" -> 2 ("/a"), "/a" -> 1 ("/"),
 * "/" -> 0 (none).
 */
size_t stk_path_parent_len(const char *s, size_t len);

struct stk_path_key {
	const char *s;
	size_t len;
};

/* strcmp() order on (pointer, length) strings without NUL bytes. */
int stk_path_cmp(const char *a, size_t alen, const char *b, size_t blen);
/* Index of @s in the sorted, duplicate-free @v, or -1. */
long stk_path_find(const struct stk_path_key *v, size_t n, const char *s, size_t len);
/*
 * For every path of the sorted, duplicate-free @v, the index of its nearest
 * ancestor in @v, or -1: @ret_parent[i] < i always, because an ancestor is a
 * prefix and sorts first.
 */
void stk_path_parents(const struct stk_path_key *v, size_t n, long *ret_parent);

#endif /* STK_PATH_H */
