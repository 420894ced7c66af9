/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_json_pos.c - strict JSON parsing with positions: where values and
 * keys are, duplicate keys, every kind of syntax error at its byte, and
 * agreement with json-c on what a key is.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_pos.h"

struct doc {
	struct json_object *root;
	struct stk_json_index *ix;
	struct stk_diags d;
	int r;
};

static void parse_len(struct doc *doc, const char *text, size_t len)
{
	memset(doc, 0, sizeof(*doc));
	doc->r = stk_json_parse("t.json", text, len, &doc->root, &doc->ix, &doc->d);
}

static void parse(struct doc *doc, const char *text)
{
	parse_len(doc, text, strlen(text));
}

static void doc_free(struct doc *doc)
{
	json_object_put(doc->root);
	stk_json_index_free(doc->ix);
	stk_diags_free(&doc->d);
}

#define assert_pos(pos, l, c)                    \
	do {                                     \
		struct stk_pos p_ = (pos);       \
		assert_int_equal(p_.line, (l));  \
		assert_int_equal(p_.col, (c));   \
	} while (0)

static struct stk_pos at(const struct doc *doc, const char *pointer)
{
	int node = stk_json_find(doc->ix, pointer);

	if (node < 0)
		fail_msg("no node at '%s'", pointer);
	return stk_json_pos(doc->ix, node);
}

static struct stk_pos key_at(const struct doc *doc, const char *pointer)
{
	int node = stk_json_find(doc->ix, pointer);

	if (node < 0)
		fail_msg("no node at '%s'", pointer);
	return stk_json_key_pos(doc->ix, node);
}

static const char policy_text[] =
	"{\n"
	"  \"stockade\": 1,\n"
	"  \"files\": {\n"
	"    \"rules\": [\n"
	"      { \"id\": \"x\", \"paths\": [\"/a\", \"/b/\"] },\n"
	"\t{\"id\":\"y\",\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null}\n"
	"    ]\n"
	"  }\n"
	"}\n";

static void value_and_key_positions(void **state)
{
	struct doc doc;

	(void)state;
	parse(&doc, policy_text);
	assert_int_equal(doc.r, 0);
	assert_int_equal(doc.d.n, 0);
	assert_int_equal(stk_json_node_count(doc.ix), 15);

	assert_pos(at(&doc, ""), 1, 1);
	assert_pos(at(&doc, "/stockade"), 2, 15);
	assert_pos(key_at(&doc, "/stockade"), 2, 3);
	assert_pos(at(&doc, "/files"), 3, 12);
	assert_pos(at(&doc, "/files/rules"), 4, 14);
	assert_pos(key_at(&doc, "/files/rules"), 4, 5);
	assert_pos(at(&doc, "/files/rules/0"), 5, 7);
	assert_pos(at(&doc, "/files/rules/0/id"), 5, 15);
	assert_pos(key_at(&doc, "/files/rules/0/id"), 5, 9);
	assert_pos(at(&doc, "/files/rules/0/paths"), 5, 29);
	assert_pos(at(&doc, "/files/rules/0/paths/0"), 5, 30);
	assert_pos(at(&doc, "/files/rules/0/paths/1"), 5, 36);
	/* A tab is one byte: one column. */
	assert_pos(at(&doc, "/files/rules/1"), 6, 2);
	assert_pos(key_at(&doc, "/files/rules/1/id"), 6, 3);
	assert_pos(at(&doc, "/files/rules/1/id"), 6, 8);
	assert_pos(at(&doc, "/files/rules/1/n"), 6, 16);
	assert_pos(at(&doc, "/files/rules/1/t"), 6, 27);
	assert_pos(at(&doc, "/files/rules/1/f"), 6, 36);
	assert_pos(at(&doc, "/files/rules/1/z"), 6, 46);
	/* Array elements and the root have no key: the key position is the value's. */
	assert_pos(key_at(&doc, "/files/rules/0"), 5, 7);
	assert_pos(key_at(&doc, ""), 1, 1);
	doc_free(&doc);
}

static void lookups_that_find_nothing(void **state)
{
	struct doc doc;
	int rules;

	(void)state;
	parse(&doc, policy_text);
	assert_int_equal(doc.r, 0);
	rules = stk_json_find(doc.ix, "/files/rules");
	assert_true(rules > 0);
	assert_int_equal(stk_json_element(doc.ix, rules, 0),
			 stk_json_find(doc.ix, "/files/rules/0"));
	assert_int_equal(stk_json_element(doc.ix, rules, 2), -1);
	assert_int_equal(stk_json_member(doc.ix, rules, "0", 1), -1); /* not an object */
	assert_int_equal(stk_json_element(doc.ix, 0, 0), -1);	       /* not an array */
	assert_int_equal(stk_json_member(doc.ix, 0, "nope", 4), -1);
	assert_int_equal(stk_json_member(doc.ix, 0, "stockad", 7), -1);
	assert_int_equal(stk_json_member(doc.ix, -1, "stockade", 8), -1);
	assert_int_equal(stk_json_member(doc.ix, 999, "stockade", 8), -1);
	assert_int_equal(stk_json_member(NULL, 0, "stockade", 8), -1);
	assert_int_equal(stk_json_find(doc.ix, "stockade"), -1);	/* no leading '/' */
	assert_int_equal(stk_json_find(doc.ix, "/files/rules/00"), -1); /* leading zero */
	assert_int_equal(stk_json_find(doc.ix, "/files/rules/-1"), -1);
	assert_int_equal(stk_json_find(doc.ix, "/files/rules/"), -1);
	assert_int_equal(stk_json_find(doc.ix, "/stockade/x"), -1); /* into a scalar */
	assert_int_equal(stk_json_find(doc.ix, "/files/rules/99999999999"), -1);
	assert_int_equal(stk_json_find(NULL, ""), -1);
	assert_pos(stk_json_pos(doc.ix, -1), 0, 0);
	assert_pos(stk_json_key_pos(doc.ix, 12345), 0, 0);
	doc_free(&doc);
}

static void pointer_escapes_and_odd_keys(void **state)
{
	struct doc doc;

	(void)state;
	parse(&doc, "{\"a/b\": 1, \"c~d\": 2, \"\": 3, \"\\u00e9\\n\": 4, \"x\": {\"\": [5]}}");
	assert_int_equal(doc.r, 0);
	assert_pos(at(&doc, "/a~1b"), 1, 9);
	assert_pos(at(&doc, "/c~0d"), 1, 19);
	assert_pos(at(&doc, "/"), 1, 26);
	assert_pos(at(&doc, "/\xc3\xa9\n"), 1, 41);
	assert_pos(at(&doc, "/x//0"), 1, 55);
	assert_int_equal(stk_json_find(doc.ix, "/c~2d"), -1);
	assert_int_equal(stk_json_find(doc.ix, "/c~"), -1);
	doc_free(&doc);
}

static void duplicate_keys(void **state)
{
	struct doc doc;
	struct json_object *v;
	int node;

	(void)state;
	parse(&doc, "{\"a\": 1,\n \"b\": {\"a\": 2},\n \"a\": 3,\n \"a\": [4]}");
	/* Still a document: the caller goes on to report everything else. */
	assert_int_equal(doc.r, 0);
	assert_non_null(doc.root);
	assert_int_equal(doc.d.n, 2);
	assert_int_equal(doc.d.n_errors, 2);
	assert_int_equal(doc.d.v[0].line, 3);
	assert_int_equal(doc.d.v[0].col, 2);
	assert_string_equal(doc.d.v[0].msg, "duplicate key 'a' (already at 1:2)");
	assert_int_equal(doc.d.v[1].line, 4);
	assert_int_equal(doc.d.v[1].col, 2);
	assert_string_equal(doc.d.v[1].msg, "duplicate key 'a' (already at 3:2)");
	/* json-c keeps the last value; the index points at the same one. */
	assert_true(json_object_object_get_ex(doc.root, "a", &v));
	assert_true(json_object_is_type(v, json_type_array));
	node = stk_json_member(doc.ix, 0, "a", 1);
	assert_pos(stk_json_pos(doc.ix, node), 4, 7);
	/* The same key in another object is no duplicate. */
	assert_pos(at(&doc, "/b/a"), 2, 13);
	doc_free(&doc);
}

struct syntax_case {
	const char *text;
	size_t len; /* 0: strlen */
	int line, col;
	const char *msg;
};

static void syntax_errors_at_their_byte(void **state)
{
	static const struct syntax_case cases[] = {
		/* json-c's own errors, at the byte it stopped on. */
		{ "{\"a\" 1}", 0, 1, 6, "invalid JSON: object property name separator ':' expected" },
		{ "{\n  \"a\": 1,\n}", 0, 3, 1, "invalid JSON: unexpected character" },
		{ "[1,]", 0, 1, 4, "invalid JSON: unexpected character" },
		{ "{\"a\": tru}", 0, 1, 10, "invalid JSON: boolean expected" },
		/* json-c's strict mode still takes single-quoted keys; the scanner does not. */
		{ "{'a': 1}", 0, 1, 2,
		  "invalid JSON: unexpected character ''', expected a member name in double quotes" },
		{ "{\"a\": 1 /* c */}", 0, 1, 9, "invalid JSON: object value separator ',' expected" },
		{ "{\"a\": \"\\x\"}", 0, 1, 9, "invalid JSON: invalid string sequence" },
		{ "{} x", 0, 1, 4, "invalid JSON: unexpected character" },
		{ "{}\n\n  ]", 0, 3, 3, "invalid JSON: unexpected character" },
		/* Unfinished documents: at the end. */
		{ "{\"a\": [1, 2", 0, 1, 12, "invalid JSON: unexpected end of document" },
		{ "{\n\"a\": \"x", 0, 2, 8, "invalid JSON: unexpected end of document" },
		/* Nothing at all. */
		{ "", 0, 1, 1, "invalid JSON: empty document" },
		{ " \n\t\r\n ", 0, 1, 1, "invalid JSON: empty document" },
		/* json-c stops quietly at a NUL byte. */
		{ "{}\0{}", 5, 1, 3, "invalid JSON: unexpected data after the document" },
		/* What json-c's strict mode still lets through. */
		{ "{\"a\": NaN}", 0, 1, 7, "invalid JSON: unexpected character 'N', expected a value" },
		{ "[-Infinity]", 0, 1, 3, "invalid JSON: invalid number: expected a digit" },
		{ "[1.]", 0, 1, 4, "invalid JSON: invalid number: expected a digit after '.'" },
		{ "[-01]", 0, 1, 4, "invalid JSON: invalid number: leading zero" },
		{ "[1e]", 0, 1, 4, "invalid JSON: number expected" },
		{ "[\"a\tb\"]", 0, 1, 4,
		  "invalid JSON: control character in string (write it as an escape)" },
		{ "[\"a\nb\"]", 0, 1, 4,
		  "invalid JSON: control character in string (write it as an escape)" },
		{ "[\"\xc0\xaf\"]", 0, 1, 3, "invalid JSON: invalid UTF-8 in string" },
		{ "[\"\xed\xa0\x80\"]", 0, 1, 3, "invalid JSON: invalid UTF-8 in string" },
		{ "[\"ab\xe2\x82\"]", 0, 1, 5, "invalid JSON: invalid UTF-8 in string" },
		{ "[\"\xf4\x90\x80\x80\"]", 0, 1, 3, "invalid JSON: invalid UTF-8 in string" },
		{ "[\"\xff\"]", 0, 1, 3, "invalid JSON: invalid UTF-8 in string" },
		{ "{\"\x80\": 1}", 0, 1, 3, "invalid JSON: invalid UTF-8 in string" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct syntax_case *c = &cases[i];
		struct doc doc;

		parse_len(&doc, c->text, c->len ? c->len : strlen(c->text));
		if (doc.r != -EINVAL || doc.d.n != 1)
			fail_msg("case %zu: r=%d n=%zu", i, doc.r, doc.d.n);
		assert_null(doc.root);
		assert_null(doc.ix);
		if (doc.d.v[0].line != c->line || doc.d.v[0].col != c->col ||
		    strcmp(doc.d.v[0].msg, c->msg) != 0)
			fail_msg("case %zu: got %d:%d %s", i, doc.d.v[0].line, doc.d.v[0].col,
				 doc.d.v[0].msg);
		assert_string_equal(doc.d.v[0].file, "t.json");
		assert_int_equal(doc.d.v[0].severity, STK_SEV_ERROR);
		doc_free(&doc);
	}
}

static void valid_edge_documents(void **state)
{
	static const char *const ok[] = {
		"{}", " {}\n", "[]", "0", "-0.5E+10", "\"\\ud83d\\ude00\"", "null",
		"{\"a\":[[],{},\"\",0,true,false,null]}", "\"\xf0\x9f\x98\x80\"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct doc doc;

		parse(&doc, ok[i]);
		if (doc.r != 0 || doc.d.n != 0)
			fail_msg("'%s': r=%d n=%zu", ok[i], doc.r, doc.d.n);
		assert_pos(at(&doc, ""), 1, (int)strspn(ok[i], " ") + 1);
		doc_free(&doc);
	}
}

static void nesting_limit_same_as_json_c(void **state)
{
	char text[2 * (STK_JSON_MAX_DEPTH + 1) + 1];
	struct doc doc;
	int n;

	(void)state;
	for (n = STK_JSON_MAX_DEPTH; n <= STK_JSON_MAX_DEPTH + 1; n++) {
		memset(text, '[', (size_t)n);
		memset(text + n, ']', (size_t)n);
		text[2 * n] = '\0';
		parse(&doc, text);
		if (n == STK_JSON_MAX_DEPTH) {
			assert_int_equal(doc.r, 0);
		} else {
			assert_int_equal(doc.r, -EINVAL);
			assert_int_equal(doc.d.v[0].col, n);
		}
		doc_free(&doc);
	}
}

/* The scanner alone applies the same limit, for text json-c never saw. */
static void index_alone(void **state)
{
	struct stk_json_index *ix = NULL;
	struct stk_diags d = { 0 };
	char text[200];

	(void)state;
	memset(text, '{', sizeof(text));
	assert_int_equal(stk_json_index_build("f", text, sizeof(text), &ix, &d), -EINVAL);
	assert_null(ix);
	assert_string_equal(
		d.v[0].msg,
		"invalid JSON: unexpected character '{', expected a member name in double quotes");
	stk_diags_free(&d);

	memset(text, '[', sizeof(text));
	assert_int_equal(stk_json_index_build("f", text, sizeof(text), &ix, &d), -EINVAL);
	assert_string_equal(d.v[0].msg, "invalid JSON: nested too deeply");
	assert_int_equal(d.v[0].col, STK_JSON_MAX_DEPTH + 1);
	stk_diags_free(&d);

	assert_int_equal(stk_json_index_build("f", "[1] [2]", 7, &ix, &d), -EINVAL);
	assert_string_equal(d.v[0].msg,
			    "invalid JSON: unexpected character '[', expected the end of the document");
	assert_int_equal(d.v[0].col, 5);
	stk_diags_free(&d);

	/* json-c catches bad exponents first; the scanner's own check, alone. */
	assert_int_equal(stk_json_index_build("f", "[1e+]", 5, &ix, &d), -EINVAL);
	assert_string_equal(d.v[0].msg, "invalid JSON: invalid number: expected a digit in the exponent");
	assert_int_equal(d.v[0].col, 5);
	stk_diags_free(&d);

	assert_int_equal(stk_json_index_build("f", "{\"a\":1}", 7, &ix, &d), 0);
	assert_int_equal(stk_json_node_count(ix), 2);
	stk_json_index_free(ix);
	stk_diags_free(&d);
}

/* The scanner's own syntax errors, where json-c would have spoken first. */
static void scanner_errors_alone(void **state)
{
	static const struct syntax_case cases[] = {
		{ "", 0, 1, 1, "invalid JSON: empty document" },
		{ "\n\n", 0, 1, 1, "invalid JSON: empty document" },
		{ "[\"ab", 0, 1, 5, "invalid JSON: unterminated string" },
		{ "[\"ab\\", 0, 1, 5, "invalid JSON: unterminated string" },
		{ "[\"\\q\"]", 0, 1, 3, "invalid JSON: invalid escape in string" },
		{ "[\"\\u12\"]", 0, 1, 3, "invalid JSON: invalid \\u escape in string" },
		{ "[\"\\u12g4\"]", 0, 1, 3, "invalid JSON: invalid \\u escape in string" },
		{ "{\"a\" 1}", 0, 1, 6, "invalid JSON: unexpected character '1', expected ':'" },
		{ "{\"a\":1 \"b\"}", 0, 1, 8,
		  "invalid JSON: unexpected character '\"', expected ',' or '}'" },
		{ "[1\n 2]", 0, 2, 2, "invalid JSON: unexpected character '2', expected ',' or ']'" },
		{ "[1,", 0, 1, 4, "invalid JSON: unexpected end of document, expected a value" },
		{ "[tru]", 0, 1, 2, "invalid JSON: unexpected character 't', expected a value" },
		{ "[-]", 0, 1, 3, "invalid JSON: invalid number: expected a digit" },
		{ "[\x01]", 0, 1, 2, "invalid JSON: unexpected byte 0x01, expected a value" },
		{ "[\"\xe0\x80\x80\"]", 0, 1, 3, "invalid JSON: invalid UTF-8 in string" },
		{ "[\"\xc3\"]", 0, 1, 3, "invalid JSON: invalid UTF-8 in string" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct syntax_case *c = &cases[i];
		struct stk_json_index *ix = NULL;
		struct stk_diags d = { 0 };
		int r = stk_json_index_build("f", c->text, strlen(c->text), &ix, &d);

		if (r != -EINVAL || d.n != 1 || d.v[0].line != c->line || d.v[0].col != c->col ||
		    strcmp(d.v[0].msg, c->msg) != 0)
			fail_msg("case %zu: r=%d %d:%d %s", i, r, d.n ? d.v[0].line : 0,
				 d.n ? d.v[0].col : 0, d.n ? d.v[0].msg : "-");
		assert_null(ix);
		stk_diags_free(&d);
	}
}

/*
 * Every key json-c hands out must find its node, however it was escaped:
 * the index decodes \u escapes, surrogates (paired and lone) and NULs the
 * way json-c does.
 */
static void keys_decoded_like_json_c(void **state)
{
	static const char text[] =
		"{\"plain\": 0, \"\\u0041\\u00e9\\u20ac\": 1, \"\\ud83d\\ude00\": 2,"
		" \"\\ud83d\": 3, \"\\ude00x\": 4, \"\\ud83dA\": 5, \"\\ud83d\\u0042\": 6,"
		" \"\\ud83d\\n\": 7, \"a\\u0000b\": 8, \"\\/\\\\\\\"\\b\\f\\n\\r\\t\": 9,"
		" \"\\ud83d\\ud83d\\ude00\": 10}";
	struct doc doc;
	int seen = 0;

	(void)state;
	parse(&doc, text);
	assert_int_equal(doc.r, 0);
	assert_int_equal(doc.d.n, 0);
	json_object_object_foreach(doc.root, key, val) {
		int node = stk_json_member(doc.ix, 0, key, strlen(key));
		int want = json_object_get_int(val);

		if (node < 0)
			fail_msg("key for value %d not found", want);
		/* Members are scalars, numbered in order after the root (node 0). */
		assert_int_equal(node, want + 1);
		seen++;
	}
	assert_int_equal(seen, 11);
	doc_free(&doc);
}

/* Keys json-c would merge (it cuts at NUL, it maps lone surrogates to U+FFFD). */
static void keys_json_c_merges_are_duplicates(void **state)
{
	struct doc doc;

	(void)state;
	parse(&doc, "{\"a\\u0000x\": 1, \"a\\u0000y\": 2}");
	assert_int_equal(doc.r, 0);
	assert_int_equal(doc.d.n_errors, 1);
	assert_string_equal(doc.d.v[0].msg, "duplicate key 'a' (already at 1:2)");
	doc_free(&doc);

	parse(&doc, "{\"\\ud800\": 1, \"\\udbff\": 2}");
	assert_int_equal(doc.r, 0);
	assert_int_equal(doc.d.n_errors, 1);
	assert_int_equal(doc.d.v[0].col, 15);
	doc_free(&doc);
}

static void offset_positions(void **state)
{
	static const char t[] = "ab\ncd\r\n\nx";

	(void)state;
	assert_pos(stk_json_offset_pos(t, 9, 0), 1, 1);
	assert_pos(stk_json_offset_pos(t, 9, 2), 1, 3);
	assert_pos(stk_json_offset_pos(t, 9, 3), 2, 1);
	assert_pos(stk_json_offset_pos(t, 9, 5), 2, 3); /* '\r' is a byte of the line */
	assert_pos(stk_json_offset_pos(t, 9, 7), 3, 1);
	assert_pos(stk_json_offset_pos(t, 9, 8), 4, 1);
	assert_pos(stk_json_offset_pos(t, 9, 9), 4, 2);
	assert_pos(stk_json_offset_pos(t, 9, 100), 4, 2); /* clamped */
}

/*
 * Cheap in-tree fuzzing: mutate a valid document byte by byte; whatever
 * comes out, either it parses with a complete index or exactly one error is
 * reported at a position inside (or just past) the text.
 */
static void mutations_never_misbehave(void **state)
{
	static const char seed[] = "{\"stockade\": 1, \"name\": \"n\", \"files\": {\"rules\":"
				   " [{\"id\": \"a\", \"paths\": [\"/x/\"], \"access\": [\"read\"],"
				   " \"action\": \"deny\"}]}, \"k\": [1.5e3, -2, true, null]}";
	static const char bytes[] = "{}[]\",:\\u0 -.eE1atfn\x80\xff\n\t";
	char text[sizeof(seed)];
	size_t i, b, n = sizeof(seed) - 1;

	(void)state;
	for (i = 0; i < n; i++) {
		for (b = 0; b < sizeof(bytes) - 1; b++) {
			struct doc doc;

			memcpy(text, seed, n);
			text[i] = bytes[b];
			parse_len(&doc, text, n);
			if (doc.r == 0) {
				size_t k, nodes = stk_json_node_count(doc.ix);

				assert_true(nodes > 0);
				for (k = 0; k < nodes; k++) {
					struct stk_pos p = stk_json_pos(doc.ix, (int)k);

					assert_in_range(p.line, 1, 2);
					assert_in_range(p.col, 1, n);
				}
			} else {
				assert_int_equal(doc.r, -EINVAL);
				assert_int_equal(doc.d.n, 1);
				assert_in_range(doc.d.v[0].line, 1, 2);
				assert_in_range(doc.d.v[0].col, 1, n + 1);
			}
			doc_free(&doc);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(value_and_key_positions),
		cmocka_unit_test(lookups_that_find_nothing),
		cmocka_unit_test(pointer_escapes_and_odd_keys),
		cmocka_unit_test(duplicate_keys),
		cmocka_unit_test(syntax_errors_at_their_byte),
		cmocka_unit_test(valid_edge_documents),
		cmocka_unit_test(nesting_limit_same_as_json_c),
		cmocka_unit_test(index_alone),
		cmocka_unit_test(scanner_errors_alone),
		cmocka_unit_test(keys_decoded_like_json_c),
		cmocka_unit_test(keys_json_c_merges_are_duplicates),
		cmocka_unit_test(offset_positions),
		cmocka_unit_test(mutations_never_misbehave),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
