/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * json_out.h - the one streaming JSON writer for audit output.
 *
 * Appends to a caller-owned buffer without allocating; escaping lives only
 * here. Bytes that are not valid UTF-8 are written as \u00XX escapes of
 * the raw byte so that every line is valid JSON and nothing is lost.
 */
#ifndef STK_JSON_OUT_H
#define STK_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_out {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow; /* something did not fit; the output is unusable */
	bool need_comma;
};

void json_out_init(struct json_out *j, char *buf, size_t cap);
void json_out_begin_object(struct json_out *j);
void json_out_end_object(struct json_out *j);
void json_out_begin_array(struct json_out *j, const char *key);
void json_out_end_array(struct json_out *j);
/* @key: a literal of the program's own, plain ASCII needing no escapes. */
void json_out_key(struct json_out *j, const char *key);
/* A string value of @len bytes (may hold any bytes, NUL included). */
void json_out_strn(struct json_out *j, const char *key, const char *s, size_t len);
void json_out_str(struct json_out *j, const char *key, const char *s);
void json_out_u64(struct json_out *j, const char *key, uint64_t v);
void json_out_i64(struct json_out *j, const char *key, int64_t v);
void json_out_bool(struct json_out *j, const char *key, bool v);
void json_out_null(struct json_out *j, const char *key);
/* Pre-formatted JSON (a number, or a value built elsewhere by json_out). */
void json_out_raw(struct json_out *j, const char *key, const char *raw, size_t len);

#endif /* STK_JSON_OUT_H */
