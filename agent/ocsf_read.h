/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ocsf_read.h - an OCSF event stockade wrote (ocsf.h) read back as the
 * native event it came from, so that "stockade log" reviews an audit log
 * written with --audit-format ocsf as it reviews a native one. Nothing is
 * lost on the way: what OCSF has no attribute for travels under
 * "unmapped", and time_dt keeps the nanoseconds.
 */
#ifndef STK_OCSF_READ_H
#define STK_OCSF_READ_H

#include <stdbool.h>

struct json_object;

/* Whether @o looks like an OCSF event (class_uid and metadata). */
bool stk_ocsf_is_event(struct json_object *o);
/*
 * stk_ocsf_to_native() - the native event @o (an OCSF event) was made
 * from: a new object, or NULL when out of memory.
 */
struct json_object *stk_ocsf_to_native(struct json_object *o);

#endif /* STK_OCSF_READ_H */
