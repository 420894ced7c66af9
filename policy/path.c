/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * path.c - policy paths: what a valid one is, and sorted tables of them.
 */
#include <string.h>

#include "path.h"
#include "stk_abi.h"

/*
 * The first component that is empty (inside the path: "//"), "." or "..",
 * as an offset and length; false if none. A trailing '/' is allowed.
 */
static bool find_unnormal(const char *s, size_t len, size_t *ret_off, size_t *ret_len)
{
	size_t i, start, n;

	/* Each component runs from after a '/' to the next '/' or the end. */
	for (start = 1; start < len; start = i + 1) {
		for (i = start; i < len && s[i] != '/'; i++)
			;
		n = i - start;
		if ((n == 0 && i < len) || (n == 1 && s[start] == '.') ||
		    (n == 2 && s[start] == '.' && s[start + 1] == '.')) {
			*ret_off = start;
			*ret_len = n;
			return true;
		}
	}
	return false;
}

static bool find_long_name(const char *s, size_t len, size_t *ret_off, size_t *ret_len)
{
	size_t i, start;

	for (start = 1; start < len; start = i + 1) {
		for (i = start; i < len && s[i] != '/'; i++)
			;
		if (i - start > STK_NAME_MAX) {
			*ret_off = start;
			*ret_len = i - start;
			return true;
		}
	}
	return false;
}

enum stk_path_problem stk_path_check(const char *s, size_t len, size_t *ret_off, size_t *ret_len)
{
	size_t off = 0, n = 0;
	enum stk_path_problem r = STK_PATH_OK;

	if (len == 0)
		return STK_PATH_EMPTY;
	if (memchr(s, '\0', len))
		return STK_PATH_NUL;
	if (s[0] != '/')
		return STK_PATH_RELATIVE;
	if (find_unnormal(s, len, &off, &n))
		r = STK_PATH_NOT_NORMAL;
	else if (len >= STK_PATH_MAX)
		r = STK_PATH_TOO_LONG;
	else if (find_long_name(s, len, &off, &n))
		r = STK_PATH_NAME_TOO_LONG;
	if (ret_off)
		*ret_off = off;
	if (ret_len)
		*ret_len = n;
	return r;
}

bool stk_path_is_normal(const char *s, size_t len)
{
	size_t off, n;

	return len > 0 && s[0] == '/' && !memchr(s, '\0', len) && !find_unnormal(s, len, &off, &n);
}

bool stk_path_is_tree(const char *s, size_t len)
{
	return len > 0 && s[len - 1] == '/';
}

size_t stk_path_norm_len(const char *s, size_t len)
{
	return len > 1 && s[len - 1] == '/' ? len - 1 : len;
}

size_t stk_path_parent_len(const char *s, size_t len)
{
	if (len <= 1)
		return 0;
	while (len > 1 && s[len - 1] != '/')
		len--;
	/* "/a" -> "/": keep the root's slash; "/a/b" -> "/a": drop the separator. */
	return len > 1 ? len - 1 : len;
}

int stk_path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

long stk_path_find(const struct stk_path_key *v, size_t n, const char *s, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = stk_path_cmp(v[mid].s, v[mid].len, s, len);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void stk_path_parents(const struct stk_path_key *v, size_t n, long *ret_parent)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = stk_path_parent_len(v[i].s, v[i].len);
		long p = -1;

		/*
		 * Siblings sort next to each other: when the previous path is
		 * the parent, or has the same parent, the answer is known.
		 */
		if (i > 0 && len > 0 && v[i - 1].len >= len &&
		    memcmp(v[i - 1].s, v[i].s, len) == 0) {
			if (v[i - 1].len == len) {
				ret_parent[i] = (long)i - 1;
				continue;
			}
			if (stk_path_parent_len(v[i - 1].s, v[i - 1].len) == len) {
				ret_parent[i] = ret_parent[i - 1];
				continue;
			}
		}
		/* Search only the part before i: ancestors sort first. */
		while (len > 0) {
			p = stk_path_find(v, i, v[i].s, len);
			if (p >= 0)
				break;
			len = stk_path_parent_len(v[i].s, len);
		}
		ret_parent[i] = p;
	}
}
