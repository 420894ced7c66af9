/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * canary.h - proof that enforcement is live.
 *
 * The agent keeps a private file under /run/stockade whose reads one
 * internal rule denies: an inode entry the agent adds to every generation's
 * file maps, enforced whatever mode the policies are in. A short-lived
 * child of the monitor (a new task, so not marked as the agent) opens it
 * through the real attached programs. The canary passes when that open
 * fails with EPERM and the event reader has seen the kernel's event for
 * exactly that child within a deadline. The probe's event is proof, not an
 * access by anyone: it is not written to the audit log (docs/audit.md).
 */
#ifndef STK_CANARY_H
#define STK_CANARY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "generation.h"
#include "resolve.h"

/* The canary rule's number: no policy rule gets it, and it survives the generation tag. */
#define STK_RULE_CANARY STK_GEN_RULE_MASK

/* How long a probe may take (open denied and event seen); TCG VMs are slow. */
#define STK_CANARY_TIMEOUT_MS 15000
/* Default period of the repeated probe (--canary-interval). */
#define STK_CANARY_INTERVAL_DEFAULT 60

enum stk_canary_result {
	STK_CANARY_PENDING = 0, /* not probed yet */
	STK_CANARY_PASSED = 1,
	STK_CANARY_FAILED = 2,
};

struct stk_canary_state {
	enum stk_canary_result result; /* of the last probe */
	time_t last_run;	       /* wall clock of the last probe, 0: none */
	time_t last_pass;	       /* wall clock of the last passed probe, 0: never */
	unsigned long passes;
	unsigned long failures;
	char path[256]; /* the canary file */
	char why[512];	/* why the last probe failed */
};

/*
 * stk_canary_init() - creates (or keeps) the canary file for @pin_dir and
 * the page monitor and reader share. Call once, before the reader forks.
 * @syslog_too: failures go to syslog (LOG_CRIT) as well as to stderr.
 */
int stk_canary_init(const char *pin_dir, bool syslog_too);
/*
 * stk_canary_add_rule() - adds the canary rule to @m (the resolved maps of
 * a policy about to be put in force), re-creating the file if it went.
 */
int stk_canary_add_rule(struct stk_file_maps *m);
/*
 * stk_canary_event() - in the reader: whether the event @data is the
 * running probe's (then it is recorded for the monitor and not written).
 */
bool stk_canary_event(const void *data, size_t size);
/*
 * stk_canary_probe() - in the monitor: runs one probe and updates the
 * state. Returns 0 if it passed, else a negative errno (the state says why).
 */
int stk_canary_probe(void);
/*
 * stk_canary_check() - stk_canary_probe() and say what came of it: a
 * failure loudly (stderr and syslog at LOG_CRIT), a pass when it is news.
 * @when tells the log which probe it was ("start", "reload", "periodic").
 */
int stk_canary_check(const char *when);
/* The state of the last probe, for the status file and the metrics. */
const struct stk_canary_state *stk_canary_state(void);
/* Whether enforcement is proven live: the last probe passed. */
bool stk_canary_active(void);
/* The state as a JSON object (for the status file). */
struct json_object *stk_canary_json(const struct stk_canary_state *s);

#endif /* STK_CANARY_H */
