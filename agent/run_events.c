// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_events.c - the reader's work: each event of the ring buffer, and
 * each report of the monitor, becomes one line in every sink (audit log,
 * syslog, in the format each was given), and an alert where one is due.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "alert_cmd.h"
#include "audit.h"
#include "canary.h"
#include "generation.h"
#include "json_out.h"
#include "log.h"
#include "ocsf.h"
#include "report.h"
#include "run_state.h"
#include "syslog_kv.h"
#include "syslog_map.h"

/* Events a stopping reader still writes: a flood must not keep it busy for ever. */
#define STOP_DRAIN_MAX 65536

/*
 * Strips the generation from the event's rule number; an event the other
 * generation decided (in flight during a reload) names no rule rather than
 * one of the wrong policy. The ring buffer is read-only: edit a copy.
 */
static void *own_rule(struct run_state *st, void *data, size_t size)
{
	const struct stk_event_hdr *h = data;
	struct stk_event_hdr *c;
	uint32_t gen;

	if (size < sizeof(*h) || size > sizeof(st->ev_copy) || h->rule == STK_RULE_NONE)
		return data;
	gen = h->rule >> STK_GEN_RULE_SHIFT;
	if (!gen)
		return data;
	memcpy(st->ev_copy, data, size);
	c = (struct stk_event_hdr *)st->ev_copy;
	c->rule = gen == st->gen ? (h->rule & STK_GEN_RULE_MASK) : STK_RULE_NONE;
	return c;
}

/* Whether the event names a rule of the table in force. */
static bool names_rule(const struct run_state *st, const struct stk_event_hdr *h)
{
	return st->fmt.rules && h->rule != STK_RULE_NONE && h->rule < st->fmt.n_rules;
}

/* Whether the event raises an alert: its rule is marked, or its cgroup crossed the threshold. */
static bool is_alert(struct run_state *st, const struct stk_event_hdr *h)
{
	st->fmt.threshold_alert = false;
	if (names_rule(st, h) && st->fmt.rules[h->rule].alert)
		return true;
	if ((h->action & STK_ACT_MASK) != STK_ACT_DENY)
		return false;
	st->fmt.threshold_alert =
		stk_alert_threshold_hit(&st->threshold, h->cgroup_id, (int64_t)h->time_boot_ns);
	return st->fmt.threshold_alert;
}

static void send_alert(struct run_state *st, const char *json, size_t len)
{
	int err;

	st->alerts++;
	if (st->alert_fd < 0)
		return;
	err = stk_alert_cmd_send(st->alert_fd, json, len);
	if (err == -EAGAIN) {
		st->alerts_dropped++;
	} else if (err) {
		stk_err("alert", "the alert command launcher is gone (%s): no more alert commands",
			strerror(-err));
		close(st->alert_fd);
		st->alert_fd = -1;
	}
}

/*
 * The event @json in the format of @f: @json itself, or converted into
 * @buf. A conversion that fails (too big) falls back to the native line.
 */
static const char *in_format(struct run_state *st, enum sink_format f, const char *json,
			     size_t len, char *buf, size_t cap, size_t *ret_len)
{
	long n;

	*ret_len = len;
	if (f == FMT_JSON)
		return json;
	n = f == FMT_OCSF ? stk_ocsf_convert(json, len, buf, cap) :
			    stk_kv_convert(json, len, buf, cap);
	if (n < 0) {
		if (!st->convert_failed++)
			stk_warn("audit", "converting an event to %s failed (%s): written as JSON",
				 f == FMT_OCSF ? "OCSF" : "key=value", strerror((int)-n));
		return json;
	}
	*ret_len = (size_t)n;
	return buf;
}

static int write_sinks(struct run_state *st, const char *json, size_t len, int priority)
{
	const struct run_opts *o = st->opts;
	const char *line, *msg;
	size_t line_len, msg_len;

	line = in_format(st, o->audit_format, json, len, st->ocsf, sizeof(st->ocsf), &line_len);
	if (o->syslog_format == o->audit_format) {
		msg = line;
		msg_len = line_len;
	} else if (!o->syslog) {
		msg = NULL;
		msg_len = 0;
	} else {
		msg = in_format(st, o->syslog_format, json, len,
				o->syslog_format == FMT_KV ? st->kv : st->ocsf,
				o->syslog_format == FMT_KV ? sizeof(st->kv) : sizeof(st->ocsf),
				&msg_len);
	}
	return stk_audit_write_msg(st->audit, line, line_len, msg, msg_len, priority);
}

int stk_run_on_event(void *ctx, void *data, size_t size)
{
	struct run_state *st = ctx;
	const struct stk_event_hdr *h;
	struct json_out j;
	bool alert;
	int err;

	/* A flood must not keep a stopping reader busy for ever. */
	if (*st->stopping && st->after_stop++ >= STOP_DRAIN_MAX)
		return -EINTR;
	if (stk_canary_event(data, size))
		return 0; /* the monitor's probe: proof, not an access to log */
	data = own_rule(st, data, size);
	h = data;
	alert = size >= sizeof(*h) && is_alert(st, h);
	json_out_init(&j, st->line, sizeof(st->line));
	err = stk_event_format(&st->fmt, ++st->seq, data, size, &j);
	if (err) {
		if (!st->bad_records++)
			stk_warn("events", "malformed event record (%zu bytes): %s", size,
				 strerror(-err));
		return 0;
	}
	err = write_sinks(st, j.buf, j.len, stk_syslog_priority(h->action, alert));
	if (err)
		stk_err("audit", "writing the audit log failed: %s", strerror(-err));
	if (alert)
		send_alert(st, j.buf, j.len);
	return 0;
}

/* The reader: the monitor's reports (suppressed, lost) as audit lines. */
void stk_run_write_reports(struct run_state *st, struct stk_privsep *ps)
{
	struct stk_report batch[STK_REPORTS_PER_DGRAM];
	struct json_out j;
	long n;
	size_t i;
	int err;

	while ((n = stk_privsep_recv_report(ps, batch, sizeof(batch))) > 0) {
		for (i = 0; i < (size_t)n / sizeof(batch[0]); i++) {
			json_out_init(&j, st->line, sizeof(st->line));
			if (stk_report_format(&st->fmt, ++st->seq, &batch[i], &j))
				continue;
			err = stk_audit_write(st->audit, j.buf, j.len,
					      batch[i].kind == STK_REPORT_SUPPRESSED &&
						      (batch[i].action & STK_ACT_MASK) ==
							      STK_ACT_DENY);
			if (err)
				stk_err("audit", "writing the audit log failed: %s",
					strerror(-err));
		}
	}
}
