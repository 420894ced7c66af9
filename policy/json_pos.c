/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * json_pos.c - strict JSON parsing with a position for every value.
 *
 * json-c checks the syntax and builds the values. The scanner below reads
 * the same text once more and records the nodes json-c does not describe:
 * where each value and each key starts. It is a complete RFC 8259 validator
 * of its own, because json-c's strict mode still lets NaN, Infinity, "1.",
 * "-01" and raw control characters through, and an index built on a guess
 * about such input would point at the wrong place. It never trusts that
 * json-c accepted the text: every read is bounds-checked, since it is fuzzed.
 *
 * Keys are decoded exactly as json-c decodes them (including its handling of
 * lone surrogates and its cut at the first NUL), so a key json-c hands out
 * finds its node, and keys json-c would merge are reported as duplicates.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"
#include "quote.h"

enum node_type {
	NODE_SCALAR = 0,
	NODE_OBJECT = 1,
	NODE_ARRAY = 2,
};

/* key_len of nodes that are not object members (the root, array elements). */
#define NO_KEY UINT32_MAX

struct node {
	int32_t parent;	     /* -1 for the root */
	uint32_t index;	     /* among the parent's children, in document order */
	uint32_t n_children; /* counted while scanning */
	uint32_t kids;	     /* containers: their children's start in kids[] and sorted[] */
	uint32_t key_off;    /* decoded key in stk_json_index.keys */
	uint32_t key_len;    /* NO_KEY unless a member */
	struct stk_pos pos;
	struct stk_pos key_pos;
	uint8_t type; /* enum node_type */
};

/*
 * Children live in two arrays, each container's in one stretch: kids[] in
 * document order (an array's element i is kids[off + i]), sorted[] by key,
 * then document order (an object's member is a binary search away, and
 * duplicate keys sit side by side). Lookups stay near the nodes the parser
 * is visiting anyway, which a hash table over the whole document would not.
 */
struct stk_json_index {
	struct node *nodes;
	size_t n;
	size_t cap;
	char *keys;
	size_t keys_len;
	size_t keys_cap;
	int32_t *kids;
	int32_t *sorted;
};

struct scan {
	const char *s;
	size_t len;
	size_t i;
	int line;
	size_t line_start;
	struct stk_json_index *ix;
	const char *msg; /* the syntax error, when one was found */
	char msg_buf[96];
	struct stk_pos err_pos;
};

static struct stk_pos here(const struct scan *sc)
{
	return (struct stk_pos){ sc->line, (int)(sc->i - sc->line_start + 1) };
}

static int fail(struct scan *sc, const char *msg)
{
	sc->msg = msg;
	sc->err_pos = here(sc);
	return -EINVAL;
}

/* "unexpected X, expected @expected", X being the byte at the scan position. */
static int fail_unexpected(struct scan *sc, const char *expected)
{
	unsigned char ch;

	if (sc->i >= sc->len) {
		snprintf(sc->msg_buf, sizeof(sc->msg_buf),
			 "unexpected end of document, expected %s", expected);
	} else {
		ch = (unsigned char)sc->s[sc->i];
		if (ch > 0x20 && ch < 0x7f)
			snprintf(sc->msg_buf, sizeof(sc->msg_buf),
				 "unexpected character '%c', expected %s", ch, expected);
		else
			snprintf(sc->msg_buf, sizeof(sc->msg_buf),
				 "unexpected byte 0x%02x, expected %s", ch, expected);
	}
	return fail(sc, sc->msg_buf);
}

static void skip_ws(struct scan *sc)
{
	while (sc->i < sc->len) {
		char ch = sc->s[sc->i];

		if (ch == '\n') {
			sc->i++;
			sc->line++;
			sc->line_start = sc->i;
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			sc->i++;
		} else {
			break;
		}
	}
}

static int peek(const struct scan *sc)
{
	return sc->i < sc->len ? (unsigned char)sc->s[sc->i] : -1;
}

static int key_append(struct scan *sc, const char *p, size_t n)
{
	struct stk_json_index *ix = sc->ix;

	if (ix->keys_cap - ix->keys_len < n) {
		size_t cap = ix->keys_cap ? ix->keys_cap : 256;
		char *k;

		while (cap - ix->keys_len < n)
			cap *= 2;
		k = realloc(ix->keys, cap);
		if (!k)
			return -ENOMEM;
		ix->keys = k;
		ix->keys_cap = cap;
	}
	memcpy(ix->keys + ix->keys_len, p, n);
	ix->keys_len += n;
	return 0;
}

static int key_put_cp(struct scan *sc, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		b[0] = (char)cp;
		return key_append(sc, b, 1);
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		return key_append(sc, b, 2);
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return key_append(sc, b, 3);
	}
	b[0] = (char)(0xf0 | ((cp >> 18) & 0x07));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return key_append(sc, b, 4);
}

#define IS_HIGH_SURROGATE(u) ((u) >= 0xd800 && (u) <= 0xdbff)
#define IS_LOW_SURROGATE(u) ((u) >= 0xdc00 && (u) <= 0xdfff)

/* Flushes a high surrogate no low one followed: json-c writes U+FFFD for it. */
static int key_flush(struct scan *sc, uint32_t *high)
{
	if (!*high)
		return 0;
	*high = 0;
	return key_put_cp(sc, 0xfffd);
}

/* One \uXXXX escape of a key, decoded as json-c 0.16 does. */
static int key_put_u(struct scan *sc, uint32_t *high, uint32_t u)
{
	if (*high && IS_LOW_SURROGATE(u)) {
		u = (((*high & 0x3ff) << 10) | (u & 0x3ff)) + 0x10000;
		*high = 0;
		return key_put_cp(sc, u);
	}
	if (key_flush(sc, high))
		return -ENOMEM;
	if (IS_HIGH_SURROGATE(u)) {
		*high = u;
		return 0;
	}
	return key_put_cp(sc, IS_LOW_SURROGATE(u) ? 0xfffd : u);
}

/* Length of the well-formed UTF-8 sequence at @p (RFC 3629), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 1;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 2;
		if (p[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 3;
		if (p[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (avail <= need || p[1] < lo || p[1] > hi)
		return 0;
	for (k = 2; k <= need; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return need + 1;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static char simple_escape(char e)
{
	switch (e) {
	case '"':
	case '\\':
	case '/':
		return e;
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return 0;
	}
}

/*
 * Scans the string whose opening quote is at the scan position. With @key,
 * appends its decoded bytes to the key store and returns where they are.
 * Raw newlines are not allowed in strings, so the line cannot change here.
 */
static int scan_string(struct scan *sc, bool key, uint32_t *ret_off, uint32_t *ret_len)
{
	const unsigned char *s = (const unsigned char *)sc->s;
	size_t off = sc->ix->keys_len;
	uint32_t high = 0;
	const char *nul;

	sc->i++;
	for (;;) {
		size_t n;

		if (sc->i >= sc->len)
			return fail(sc, "unterminated string");
		if (s[sc->i] == '"')
			break;
		if (s[sc->i] == '\\') {
			uint32_t u = 0;
			size_t k;
			char e;

			if (sc->len - sc->i < 2)
				return fail(sc, "unterminated string");
			if (s[sc->i + 1] != 'u') {
				e = simple_escape((char)s[sc->i + 1]);
				if (!e)
					return fail(sc, "invalid escape in string");
				if (key && (key_flush(sc, &high) || key_append(sc, &e, 1)))
					return -ENOMEM;
				sc->i += 2;
				continue;
			}
			if (sc->len - sc->i < 6)
				return fail(sc, "invalid \\u escape in string");
			for (k = 2; k < 6; k++) {
				int d = hex_digit((char)s[sc->i + k]);

				if (d < 0)
					return fail(sc, "invalid \\u escape in string");
				u = u << 4 | (uint32_t)d;
			}
			if (key && key_put_u(sc, &high, u))
				return -ENOMEM;
			sc->i += 6;
			continue;
		}
		if (s[sc->i] < 0x20)
			return fail(sc, "control character in string (write it as an escape)");
		n = utf8_len(s + sc->i, sc->len - sc->i);
		if (!n)
			return fail(sc, "invalid UTF-8 in string");
		if (key && (key_flush(sc, &high) || key_append(sc, sc->s + sc->i, n)))
			return -ENOMEM;
		sc->i += n;
	}
	sc->i++;
	if (!key)
		return 0;
	if (key_flush(sc, &high))
		return -ENOMEM;
	/* json-c copies keys with strdup(): they end at the first NUL. */
	*ret_off = (uint32_t)off;
	*ret_len = (uint32_t)(sc->ix->keys_len - off);
	if (*ret_len) {
		nul = memchr(sc->ix->keys + off, '\0', *ret_len);
		if (nul)
			*ret_len = (uint32_t)(nul - (sc->ix->keys + off));
	}
	return 0;
}

static bool is_digit_at(const struct scan *sc, size_t i)
{
	return i < sc->len && sc->s[i] >= '0' && sc->s[i] <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(struct scan *sc)
{
	if (sc->s[sc->i] == '-')
		sc->i++;
	if (!is_digit_at(sc, sc->i))
		return fail(sc, "invalid number: expected a digit");
	if (sc->s[sc->i] == '0') {
		sc->i++;
		if (is_digit_at(sc, sc->i))
			return fail(sc, "invalid number: leading zero");
	}
	while (is_digit_at(sc, sc->i))
		sc->i++;
	if (sc->i < sc->len && sc->s[sc->i] == '.') {
		sc->i++;
		if (!is_digit_at(sc, sc->i))
			return fail(sc, "invalid number: expected a digit after '.'");
		while (is_digit_at(sc, sc->i))
			sc->i++;
	}
	if (sc->i < sc->len && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->len && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
			sc->i++;
		if (!is_digit_at(sc, sc->i))
			return fail(sc, "invalid number: expected a digit in the exponent");
		while (is_digit_at(sc, sc->i))
			sc->i++;
	}
	return 0;
}

static int scan_literal(struct scan *sc, const char *lit)
{
	size_t n = strlen(lit);

	if (sc->len - sc->i < n || memcmp(sc->s + sc->i, lit, n) != 0)
		return fail_unexpected(sc, "a value");
	sc->i += n;
	return 0;
}

static int add_node(struct scan *sc, int32_t parent, uint32_t key_off, uint32_t key_len,
		    struct stk_pos key_pos, int32_t *ret)
{
	struct stk_json_index *ix = sc->ix;
	struct node *nd;

	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 64;
		struct node *v;

		if (cap > INT32_MAX)
			return fail(sc, "too many values");
		v = realloc(ix->nodes, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		ix->nodes = v;
		ix->cap = cap;
	}
	nd = &ix->nodes[ix->n];
	nd->parent = parent;
	nd->index = parent >= 0 ? ix->nodes[parent].n_children++ : 0;
	nd->n_children = 0;
	nd->key_off = key_off;
	nd->key_len = key_len;
	nd->pos = here(sc);
	nd->key_pos = key_len == NO_KEY ? nd->pos : key_pos;
	nd->type = NODE_SCALAR;
	*ret = (int32_t)ix->n++;
	return 0;
}

/* Scans one value; a container is only opened (its type set), not read. */
static int scan_value(struct scan *sc, int32_t node)
{
	switch (peek(sc)) {
	case '{':
		sc->ix->nodes[node].type = NODE_OBJECT;
		sc->i++;
		return 0;
	case '[':
		sc->ix->nodes[node].type = NODE_ARRAY;
		sc->i++;
		return 0;
	case '"':
		return scan_string(sc, false, NULL, NULL);
	case 't':
		return scan_literal(sc, "true");
	case 'f':
		return scan_literal(sc, "false");
	case 'n':
		return scan_literal(sc, "null");
	case '-':
	case '0' ... '9':
		return scan_number(sc);
	default:
		return fail_unexpected(sc, "a value");
	}
}

enum expect {
	EXP_VALUE,
	EXP_VALUE_OR_CLOSE, /* just after '[' */
	EXP_MEMBER,
	EXP_MEMBER_OR_CLOSE, /* just after '{' */
	EXP_NEXT,	     /* after a value: ',', a closing bracket, or the end */
};

/*
 * The scanner keeps no stack: the open container is a node, and closing it
 * moves to that node's parent. Depth is still limited, like json-c's.
 */
static int scan_doc(struct scan *sc)
{
	struct stk_json_index *ix = sc->ix;
	int32_t parent = -1, node;
	uint32_t key_off = 0, key_len = NO_KEY;
	struct stk_pos key_pos = { 0, 0 };
	enum expect exp = EXP_VALUE;
	int depth = 0, r;

	skip_ws(sc);
	if (sc->i == sc->len) {
		sc->i = 0;
		sc->line = 1;
		sc->line_start = 0;
		return fail(sc, "empty document");
	}
	for (;;) {
		bool in_object;

		skip_ws(sc);
		switch (exp) {
		case EXP_VALUE_OR_CLOSE:
			if (peek(sc) == ']')
				goto close_container;
			/* fallthrough */
		case EXP_VALUE:
			if ((peek(sc) == '{' || peek(sc) == '[') && depth == STK_JSON_MAX_DEPTH)
				return fail(sc, "nested too deeply");
			r = add_node(sc, parent, key_off, key_len, key_pos, &node);
			if (r)
				return r;
			key_len = NO_KEY;
			r = scan_value(sc, node);
			if (r)
				return r;
			exp = EXP_NEXT;
			if (ix->nodes[node].type != NODE_SCALAR) {
				depth++;
				parent = node;
				exp = ix->nodes[node].type == NODE_OBJECT ? EXP_MEMBER_OR_CLOSE :
									    EXP_VALUE_OR_CLOSE;
			}
			break;
		case EXP_MEMBER_OR_CLOSE:
			if (peek(sc) == '}')
				goto close_container;
			/* fallthrough */
		case EXP_MEMBER:
			if (peek(sc) != '"')
				return fail_unexpected(sc, "a member name in double quotes");
			key_pos = here(sc);
			r = scan_string(sc, true, &key_off, &key_len);
			if (r)
				return r;
			skip_ws(sc);
			if (peek(sc) != ':')
				return fail_unexpected(sc, "':'");
			sc->i++;
			exp = EXP_VALUE;
			break;
		case EXP_NEXT:
			if (parent < 0) {
				if (sc->i != sc->len)
					return fail_unexpected(sc, "the end of the document");
				return 0;
			}
			in_object = ix->nodes[parent].type == NODE_OBJECT;
			if (peek(sc) == ',') {
				sc->i++;
				exp = in_object ? EXP_MEMBER : EXP_VALUE;
				break;
			}
			if (peek(sc) == (in_object ? '}' : ']'))
				goto close_container;
			return fail_unexpected(sc, in_object ? "',' or '}'" : "',' or ']'");
		}
		continue;
close_container:
		sc->i++;
		depth--;
		parent = ix->nodes[parent].parent;
		exp = EXP_NEXT;
	}
}

/* The key of member @nd; "" when empty, as the key store may not exist then. */
static const char *key_of(const struct stk_json_index *ix, const struct node *nd)
{
	return nd->key_len ? ix->keys + nd->key_off : "";
}

static int key_cmp(const struct stk_json_index *ix, const struct node *a, const char *key,
		   uint32_t len)
{
	uint32_t n = a->key_len < len ? a->key_len : len;
	int c = n ? memcmp(key_of(ix, a), key, n) : 0;

	if (c)
		return c;
	return (a->key_len > len) - (a->key_len < len);
}

/* Orders members by key, then document order (node ids grow with it). */
static int member_cmp(const struct stk_json_index *ix, int32_t a, int32_t b)
{
	const struct node *y = &ix->nodes[b];
	int c = key_cmp(ix, &ix->nodes[a], key_of(ix, y), y->key_len);

	return c ? c : (a > b) - (a < b);
}

/* Insertion sort for the usual handful of members, merge sort past that. */
static void sort_members(const struct stk_json_index *ix, int32_t *v, size_t n, int32_t *tmp)
{
	size_t width, lo, i, j;

	if (n <= 16) {
		for (i = 1; i < n; i++) {
			int32_t x = v[i];

			for (j = i; j > 0 && member_cmp(ix, v[j - 1], x) > 0; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t o = lo;

			i = lo;
			j = mid;
			while (i < mid && j < hi)
				tmp[o++] = member_cmp(ix, v[j], v[i]) < 0 ? v[j++] : v[i++];
			while (i < mid)
				tmp[o++] = v[i++];
			while (j < hi)
				tmp[o++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

static int report_duplicates(struct stk_json_index *ix, const struct node *obj, const char *file,
			     struct stk_diags *diags)
{
	const int32_t *v = ix->sorted + obj->kids;
	uint32_t i;

	for (i = 1; i < obj->n_children; i++) {
		const struct node *prev = &ix->nodes[v[i - 1]], *nd = &ix->nodes[v[i]];
		char q[STK_QUOTE_SIZE];

		if (key_cmp(ix, prev, key_of(ix, nd), nd->key_len) != 0)
			continue;
		if (stk_diags_add(diags, file, nd->key_pos.line, nd->key_pos.col, STK_SEV_ERROR,
				  "duplicate key '%s' (already at %d:%d)",
				  stk_quote(q, key_of(ix, nd), nd->key_len), prev->key_pos.line,
				  prev->key_pos.col))
			return -ENOMEM;
	}
	return 0;
}

static int build_children(struct stk_json_index *ix, const char *file, struct stk_diags *diags)
{
	size_t i, off = 0, most = 0;
	int32_t *tmp;
	int r = 0;

	ix->kids = malloc(ix->n * sizeof(*ix->kids));
	ix->sorted = malloc(ix->n * sizeof(*ix->sorted));
	if (!ix->kids || !ix->sorted)
		return -ENOMEM;
	for (i = 0; i < ix->n; i++) {
		ix->nodes[i].kids = (uint32_t)off;
		off += ix->nodes[i].n_children;
		if (ix->nodes[i].type == NODE_OBJECT && ix->nodes[i].n_children > most)
			most = ix->nodes[i].n_children;
	}
	for (i = 1; i < ix->n; i++) {
		const struct node *nd = &ix->nodes[i];

		ix->kids[ix->nodes[nd->parent].kids + nd->index] = (int32_t)i;
	}
	memcpy(ix->sorted, ix->kids, ix->n * sizeof(*ix->kids));

	tmp = malloc((most ? most : 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < ix->n && !r; i++) {
		const struct node *nd = &ix->nodes[i];

		if (nd->type != NODE_OBJECT || nd->n_children < 2)
			continue;
		sort_members(ix, ix->sorted + nd->kids, nd->n_children, tmp);
		r = report_duplicates(ix, nd, file, diags);
	}
	free(tmp);
	return r;
}

void stk_json_index_free(struct stk_json_index *ix)
{
	if (!ix)
		return;
	free(ix->nodes);
	free(ix->keys);
	free(ix->kids);
	free(ix->sorted);
	free(ix);
}

int stk_json_index_build(const char *file, const char *text, size_t len,
			 struct stk_json_index **ret, struct stk_diags *diags)
{
	struct stk_json_index *ix;
	struct scan sc = { .s = text, .len = len, .line = 1 };
	int r;

	if (!text && len)
		return -EINVAL;
	/* Positions are ints. */
	if (len >= INT32_MAX)
		return stk_diags_add(diags, file, 1, 1, STK_SEV_ERROR,
				     "invalid JSON: document larger than 2 GiB") ? -ENOMEM : -EINVAL;
	ix = calloc(1, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	sc.ix = ix;
	r = scan_doc(&sc);
	if (r == -EINVAL && stk_diags_add(diags, file, sc.err_pos.line, sc.err_pos.col,
					  STK_SEV_ERROR, "invalid JSON: %s", sc.msg))
		r = -ENOMEM;
	if (!r)
		r = build_children(ix, file, diags);
	if (r) {
		stk_json_index_free(ix);
		return r;
	}
	*ret = ix;
	return 0;
}

size_t stk_json_node_count(const struct stk_json_index *ix)
{
	return ix ? ix->n : 0;
}

static bool valid_node(const struct stk_json_index *ix, int node)
{
	return ix && node >= 0 && (size_t)node < ix->n;
}

int stk_json_member(const struct stk_json_index *ix, int node, const char *key, size_t key_len)
{
	const struct node *obj;
	const int32_t *v;
	size_t lo = 0, hi;

	if (!valid_node(ix, node) || ix->nodes[node].type != NODE_OBJECT || !key ||
	    key_len >= NO_KEY)
		return -1;
	obj = &ix->nodes[node];
	v = ix->sorted + obj->kids;
	/* The last member with the key: json-c keeps the last of duplicates. */
	hi = obj->n_children;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(ix, &ix->nodes[v[mid]], key, (uint32_t)key_len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || key_cmp(ix, &ix->nodes[v[lo - 1]], key, (uint32_t)key_len) != 0)
		return -1;
	return v[lo - 1];
}

int stk_json_element(const struct stk_json_index *ix, int node, size_t i)
{
	if (!valid_node(ix, node) || ix->nodes[node].type != NODE_ARRAY ||
	    i >= ix->nodes[node].n_children)
		return -1;
	return ix->kids[ix->nodes[node].kids + i];
}

/* One reference token of a JSON pointer, looked up under @node. */
static int find_token(const struct stk_json_index *ix, int node, const char *tok, size_t n)
{
	size_t i, o = 0, index = 0;
	char *key;
	int r;

	if (ix->nodes[node].type == NODE_ARRAY) {
		if (n == 0 || n > 10 || (n > 1 && tok[0] == '0'))
			return -1;
		for (i = 0; i < n; i++) {
			if (tok[i] < '0' || tok[i] > '9')
				return -1;
			index = index * 10 + (size_t)(tok[i] - '0');
		}
		return stk_json_element(ix, node, index);
	}
	key = malloc(n + 1);
	if (!key)
		return -1;
	for (i = 0; i < n; i++) {
		if (tok[i] != '~') {
			key[o++] = tok[i];
		} else if (i + 1 < n && (tok[i + 1] == '0' || tok[i + 1] == '1')) {
			key[o++] = tok[i + 1] == '0' ? '~' : '/';
			i++;
		} else {
			free(key);
			return -1;
		}
	}
	r = stk_json_member(ix, node, key, o);
	free(key);
	return r;
}

int stk_json_find(const struct stk_json_index *ix, const char *pointer)
{
	int node = 0;

	if (!ix || !pointer || ix->n == 0)
		return -1;
	while (*pointer && node >= 0) {
		const char *end;

		if (*pointer != '/')
			return -1;
		pointer++;
		end = strchr(pointer, '/');
		if (!end)
			end = pointer + strlen(pointer);
		node = find_token(ix, node, pointer, (size_t)(end - pointer));
		pointer = end;
	}
	return node;
}

struct stk_pos stk_json_pos(const struct stk_json_index *ix, int node)
{
	return valid_node(ix, node) ? ix->nodes[node].pos : (struct stk_pos){ 0, 0 };
}

struct stk_pos stk_json_key_pos(const struct stk_json_index *ix, int node)
{
	return valid_node(ix, node) ? ix->nodes[node].key_pos : (struct stk_pos){ 0, 0 };
}

struct stk_pos stk_json_offset_pos(const char *text, size_t len, size_t off)
{
	struct stk_pos pos = { 1, 1 };
	size_t i, line_start = 0;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			pos.line++;
			line_start = i + 1;
		}
	}
	pos.col = (int)(off - line_start + 1);
	return pos;
}

static bool all_ws(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			return false;
	return true;
}

static int syntax_error(struct stk_diags *diags, const char *file, const char *text, size_t len,
			size_t off, const char *msg)
{
	struct stk_pos pos = stk_json_offset_pos(text, len, off);

	if (stk_diags_add(diags, file, pos.line, pos.col, STK_SEV_ERROR, "invalid JSON: %s", msg))
		return -ENOMEM;
	return -EINVAL;
}

int stk_json_parse(const char *file, const char *text, size_t len, struct json_object **ret_root,
		   struct stk_json_index **ret_index, struct stk_diags *diags)
{
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;
	struct stk_json_index *ix = NULL;
	enum json_tokener_error jerr;
	size_t end;
	int r;

	if (!text && len)
		return -EINVAL;
	/* json_tokener_parse_ex() takes an int length; columns are ints too. */
	if (len >= INT32_MAX)
		return syntax_error(diags, file, text, 0, 0, "document larger than 2 GiB");
	if (all_ws(text, len))
		return syntax_error(diags, file, text, 0, 0, "empty document");

	tok = json_tokener_new_ex(STK_JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/*
		 * json-c waits for more input (a number may go on, an object
		 * is open). A NUL byte tells it there is none.
		 */
		root = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
		if (jerr != json_tokener_success) {
			r = syntax_error(diags, file, text, len, end, "unexpected end of document");
			goto cleanup;
		}
	}
	if (jerr != json_tokener_success) {
		r = syntax_error(diags, file, text, len, end, json_tokener_error_desc(jerr));
		goto cleanup;
	}
	/* json-c stops quietly at a NUL byte; anything after the document is an error. */
	if (end < len) {
		r = syntax_error(diags, file, text, len, end, "unexpected data after the document");
		goto cleanup;
	}

	r = stk_json_index_build(file, text, len, &ix, diags);
	if (r)
		goto cleanup;

	*ret_root = root;
	*ret_index = ix;
	root = NULL;
	ix = NULL;
cleanup:
	json_object_put(root);
	stk_json_index_free(ix);
	json_tokener_free(tok);
	return r;
}
