// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_audit_load.c - audit under load, the pure parts: "suppressed" and
 * "lost" summary lines, the Prometheus metrics text, --rate-limit parsing
 * and how already-reported suppressions carry over between reads.
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
#include <json-c/json.h>

#include "decisions.h"
#include "generation.h"
#include "log_record.h"
#include "log_summary.h"
#include "metrics.h"
#include "rate_opts.h"
#include "report.h"

static const struct stk_rule_ref rules[] = {
	{ .policy = "demo", .id = "no-shadow" },
	{ .policy = "we\"ird\\", .id = "line\nbreak" },
};

static const char *cg_name(uint64_t id, void *arg)
{
	(void)arg;
	return id == 42 ? "/system.slice/nginx.service" : NULL;
}

static const struct stk_format_ctx ctx = {
	.rules = rules,
	.n_rules = 2,
	.host = "web1",
	.cgroup_path = cg_name,
};

static struct json_object *format_report(const struct stk_report *r)
{
	static char buf[4096];
	struct json_out j;

	json_out_init(&j, buf, sizeof(buf));
	assert_int_equal(stk_report_format(&ctx, 7, r, &j), 0);
	buf[j.len] = '\0';
	assert_null(strchr(buf, '\n'));
	return json_tokener_parse(buf);
}

static const char *get_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return json_object_get_string(v);
}

static int64_t get_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return json_object_get_int64(v);
}

static void suppressed_summary_names_everything(void **state)
{
	struct stk_report r = {
		.time_real_ns = 1700000000LL * 1000000000LL + 5,
		.count = 1234,
		.cgroup_id = 42,
		.kind = STK_REPORT_SUPPRESSED,
		.rule = 0,
		.hook = STK_HOOK_FILE_OPEN,
		.action = STK_ACT_DENY,
	};
	struct json_object *o = format_report(&r), *v;

	(void)state;
	assert_non_null(o);
	assert_string_equal(get_str(o, "time"), "2023-11-14T22:13:20.000000005Z");
	assert_int_equal(get_int(o, "seq"), 7);
	assert_string_equal(get_str(o, "host"), "web1");
	assert_string_equal(get_str(o, "type"), "suppressed");
	assert_string_equal(get_str(o, "action"), "deny");
	assert_true(json_object_object_get_ex(o, "enforced", &v) && json_object_get_boolean(v));
	assert_string_equal(get_str(o, "hook"), "file_open");
	assert_string_equal(get_str(o, "policy"), "demo");
	assert_string_equal(get_str(o, "rule"), "no-shadow");
	assert_string_equal(get_str(o, "cgroup"), "/system.slice/nginx.service");
	assert_int_equal(get_int(o, "cgroup_id"), 42);
	assert_int_equal(get_int(o, "suppressed"), 1234);
	assert_string_equal(get_str(o, "message"), "1234 more like this suppressed (rate limit)");
	json_object_put(o);
}

static void suppressed_complain_and_unknown_rule(void **state)
{
	struct stk_report r = {
		.count = 1,
		.cgroup_id = 9,
		.kind = STK_REPORT_SUPPRESSED,
		.rule = STK_RULE_NONE,
		.hook = STK_HOOK_CONNECT4,
		.action = STK_ACT_DENY | STK_ACT_COMPLAIN,
	};
	struct json_object *o = format_report(&r), *v;

	(void)state;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "enforced", &v) && !json_object_get_boolean(v));
	assert_string_equal(get_str(o, "policy"), "");
	assert_string_equal(get_str(o, "rule"), "");
	assert_true(json_object_object_get_ex(o, "cgroup", &v) && v == NULL);
	assert_string_equal(get_str(o, "hook"), "connect4");
	json_object_put(o);
}

static void lost_summary(void **state)
{
	struct stk_report r = { .count = 99, .kind = STK_REPORT_LOST, .rule = STK_RULE_NONE };
	struct json_object *o = format_report(&r), *v;

	(void)state;
	assert_non_null(o);
	assert_string_equal(get_str(o, "type"), "lost");
	assert_int_equal(get_int(o, "lost"), 99);
	assert_false(json_object_object_get_ex(o, "rule", &v));
	json_object_put(o);
}

static void unknown_report_kind_is_refused(void **state)
{
	struct stk_report r = { .kind = 77 };
	char buf[256];
	struct json_out j;

	(void)state;
	json_out_init(&j, buf, sizeof(buf));
	assert_int_equal(stk_report_format(&ctx, 1, &r, &j), -EINVAL);
}

static void rate_option(void **state)
{
	uint64_t ns = 1;

	(void)state;
	assert_int_equal(stk_parse_rate("100", &ns), 0);
	assert_int_equal(ns, 10000000);
	assert_int_equal(stk_parse_rate("4/s", &ns), 0);
	assert_int_equal(ns, 250000000);
	assert_int_equal(stk_parse_rate("6/m", &ns), 0);
	assert_int_equal(ns, 10000000000ULL);
	assert_int_equal(stk_parse_rate("0", &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(stk_parse_rate("", &ns), -EINVAL);
	assert_int_equal(stk_parse_rate("-1", &ns), -EINVAL);
	assert_int_equal(stk_parse_rate("5/h", &ns), -EINVAL);
	assert_int_equal(stk_parse_rate("5x", &ns), -EINVAL);
	assert_int_equal(stk_parse_rate("99999999999", &ns), -EINVAL);
	assert_int_equal(stk_rate_default_burst(250000000), 4);
	assert_int_equal(stk_rate_default_burst(10000000000ULL), 1);
	assert_int_equal(stk_rate_default_burst(0), 1);
}

static struct stk_decision_row row(uint64_t cg, uint32_t rule, uint16_t hook, uint8_t action,
				   uint64_t decisions, uint64_t suppressed)
{
	struct stk_decision_row r = {
		.key = { .cgroup_id = cg, .rule = rule, .hook = hook, .action = action },
		.decisions = decisions,
		.suppressed = suppressed,
	};

	return r;
}

static void reported_suppressions_carry_over(void **state)
{
	struct stk_decision_row old_rows[] = {
		row(1, 0, 1, STK_ACT_DENY, 10, 8),
		row(2, 0, 1, STK_ACT_DENY, 5, 4),
	};
	struct stk_decision_row new_rows[] = {
		row(3, 0, 1, STK_ACT_DENY, 1, 0),
		row(2, 0, 1, STK_ACT_DENY, 2, 1), /* deleted and made again */
		row(1, 0, 1, STK_ACT_DENY, 20, 17),
	};
	struct stk_decision_table old = { old_rows, 2 }, next = { new_rows, 3 };

	(void)state;
	old_rows[0].suppressed_reported = 8;
	old_rows[1].suppressed_reported = 4;
	stk_decisions_sort(&old);
	stk_decisions_sort(&next);
	stk_decisions_carry(&old, &next);
	assert_int_equal(next.rows[0].key.cgroup_id, 1);
	assert_int_equal(next.rows[0].suppressed_reported, 8); /* 9 new ones to report */
	assert_int_equal(next.rows[1].key.cgroup_id, 2);
	assert_int_equal(next.rows[1].suppressed_reported, 0);
	assert_int_equal(next.rows[2].key.cgroup_id, 3);
	assert_int_equal(next.rows[2].suppressed_reported, 0);
}

static char *metrics_text(const struct stk_metrics_input *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(stk_metrics_format(in, f), 0);
	fclose(f);
	return text;
}

static void metrics_sum_and_label(void **state)
{
	uint32_t r0 = stk_gen_tag_rule(0, 2), r1 = stk_gen_tag_rule(1, 2);
	struct stk_decision_row rows[] = {
		/* cgroup 42, rule 0: two hooks, summed by cgroup; split by hook. */
		row(42, r0, STK_HOOK_FILE_OPEN, STK_ACT_DENY, 100, 90),
		row(42, r0, STK_HOOK_PATH_UNLINK, STK_ACT_DENY, 5, 0),
		/* cgroup 7, rule 0: summed with cgroup 42 by hook. */
		row(7, r0, STK_HOOK_FILE_OPEN, STK_ACT_DENY, 3, 1),
		/* An awkward name, complain mode. */
		row(7, r1, STK_HOOK_FILE_OPEN, STK_ACT_DENY | STK_ACT_COMPLAIN, 4, 0),
		/* The other generation's rule: left out. */
		row(7, stk_gen_tag_rule(0, 1), STK_HOOK_FILE_OPEN, STK_ACT_DENY, 1000, 0),
	};
	struct stk_decision_table t = { rows, 5 };
	struct stk_metrics_input in = {
		.decisions = &t,
		.gen = 2,
		.rules = rules,
		.n_rules = 2,
		.cgroup_path = cg_name,
		.ringbuf_used = 4096,
		.ringbuf_size = 1 << 22,
		.policy_loaded_at = 1700000000,
		.policy_load_seconds = 0.25,
		.reloads = 3,
	};
	char *text;

	(void)state;
	stk_decisions_sort(&t);
	in.counters[STK_CNT_EVENTS] = 11;
	in.counters[STK_CNT_LOST] = 2;
	in.counters[STK_CNT_SUPPRESSED] = 91;
	in.counters[STK_CNT_UNCOUNTED] = 1;
	stk_metrics_set_enforcement(true);
	text = metrics_text(&in);
	assert_non_null(strstr(text, "\nstockade_up 1\n"));
	assert_non_null(strstr(text, "# TYPE stockade_up gauge\n"));
	assert_non_null(strstr(text, "\nstockade_enforcement_active 1\n"));
	assert_non_null(strstr(text, "\nstockade_policy_generation 2\n"));
	assert_non_null(strstr(text, "\nstockade_policy_reloads_total 3\n"));
	assert_non_null(strstr(text, "\nstockade_policy_load_timestamp_seconds 1700000000\n"));
	assert_non_null(strstr(text, "\nstockade_policy_load_duration_seconds 0.25\n"));
	assert_non_null(strstr(text, "\nstockade_events_lost_total 2\n"));
	assert_non_null(strstr(text, "\nstockade_suppressed_total 91\n"));
	assert_non_null(strstr(text, "\nstockade_decisions_uncounted_total 1\n"));
	assert_non_null(strstr(text, "\nstockade_ringbuf_used_bytes 4096\n"));
	assert_non_null(strstr(text, "\nstockade_ringbuf_size_bytes 4194304\n"));
	assert_non_null(strstr(text,
			       "\nstockade_events_total{policy=\"demo\",rule=\"no-shadow\","
			       "hook=\"file_open\",action=\"deny\",enforced=\"true\"} 12\n"));
	assert_non_null(strstr(text,
			       "\nstockade_events_suppressed_total{policy=\"demo\",rule=\"no-shadow\","
			       "hook=\"file_open\",action=\"deny\",enforced=\"true\"} 91\n"));
	assert_non_null(strstr(text,
			       "\nstockade_events_total{policy=\"demo\",rule=\"no-shadow\","
			       "hook=\"path_unlink\",action=\"deny\",enforced=\"true\"} 5\n"));
	assert_non_null(strstr(text,
			       "\nstockade_decisions_total{policy=\"demo\",rule=\"no-shadow\","
			       "cgroup=\"/system.slice/nginx.service\",cgroup_id=\"42\","
			       "action=\"deny\",enforced=\"true\"} 105\n"));
	assert_non_null(strstr(text,
			       "\nstockade_decisions_total{policy=\"demo\",rule=\"no-shadow\","
			       "cgroup=\"\",cgroup_id=\"7\",action=\"deny\",enforced=\"true\"} 3\n"));
	assert_non_null(strstr(text,
			       "\nstockade_decisions_total{policy=\"we\\\"ird\\\\\","
			       "rule=\"line\\nbreak\",cgroup=\"\",cgroup_id=\"7\","
			       "action=\"deny\",enforced=\"false\"} 4\n"));
	/* The old generation's 1000 appear nowhere. */
	assert_null(strstr(text, " 1000\n"));
	assert_null(strstr(text, " 1003\n"));
	free(text);

	stk_metrics_set_enforcement(false);
	text = metrics_text(&in);
	assert_non_null(strstr(text, "\nstockade_enforcement_active 0\n"));
	free(text);
	stk_metrics_set_enforcement(true);
}

static void metrics_without_decisions(void **state)
{
	struct stk_metrics_input in = { .gen = 1 };
	char *text;

	(void)state;
	text = metrics_text(&in);
	assert_non_null(strstr(text, "\nstockade_up 1\n"));
	assert_null(strstr(text, "stockade_decisions_total{"));
	free(text);
}

/* Removed cgroups' counts (cgroup id 0) are named so, not looked up. */
static void metrics_name_removed_cgroups(void **state)
{
	uint32_t r0 = stk_gen_tag_rule(0, 1);
	struct stk_decision_row rows[] = {
		row(STK_CGROUP_RETIRED, r0, STK_HOOK_FILE_OPEN, STK_ACT_DENY, 30, 0),
		row(42, r0, STK_HOOK_FILE_OPEN, STK_ACT_DENY, 2, 0),
	};
	struct stk_decision_table t = { rows, 2 };
	struct stk_metrics_input in = {
		.decisions = &t, .gen = 1, .rules = rules, .n_rules = 2, .cgroup_path = cg_name,
	};
	char *text;

	(void)state;
	text = metrics_text(&in);
	assert_non_null(strstr(text, "\nstockade_decisions_total{policy=\"demo\",rule=\"no-shadow\","
				     "cgroup=\"(removed)\",cgroup_id=\"0\","));
	/* Summed with the live cgroup's by hook: the counter does not go back. */
	assert_non_null(strstr(text, "\nstockade_events_total{policy=\"demo\",rule=\"no-shadow\","
				     "hook=\"file_open\",action=\"deny\",enforced=\"true\"} 32\n"));
	free(text);
}

/* Each attached program's runs and time, and whether the kernel counts them. */
static void metrics_program_costs(void **state)
{
	struct stk_prog_stat v[] = {
		{ .id = 7, .name = "stk_file_open", .runs = 2212, .run_ns = 693452 },
		{ .id = 9, .name = "stk_path_mknod", .runs = 0, .run_ns = 0 },
	};
	struct stk_prog_stats progs = { .v = v, .n = 2, .enabled = true };
	struct stk_metrics_input in = { .gen = 1, .progs = &progs };
	char *text;

	(void)state;
	text = metrics_text(&in);
	assert_non_null(strstr(text, "\nstockade_program_stats_enabled 1\n"));
	assert_non_null(strstr(text, "# TYPE stockade_program_runs_total counter\n"));
	assert_non_null(strstr(text, "\nstockade_program_runs_total{program=\"stk_file_open\"} 2212\n"));
	assert_non_null(strstr(text, "\nstockade_program_seconds_total{program=\"stk_file_open\"} "
				     "0.000693452\n"));
	assert_non_null(strstr(text, "\nstockade_program_runs_total{program=\"stk_path_mknod\"} 0\n"));
	free(text);
	progs.enabled = false;
	progs.n = 0;
	text = metrics_text(&in);
	assert_non_null(strstr(text, "\nstockade_program_stats_enabled 0\n"));
	assert_null(strstr(text, "stockade_program_runs_total{"));
	free(text);
	/* No pins read: nothing about programs at all. */
	in.progs = NULL;
	text = metrics_text(&in);
	assert_null(strstr(text, "stockade_program_stats_enabled"));
	free(text);
}

static const char sup_line[] =
	"{\"time\":\"2026-11-25T18:09:45.9Z\",\"seq\":4,\"type\":\"suppressed\","
	"\"action\":\"deny\",\"enforced\":true,\"hook\":\"file_open\",\"policy\":\"kt\","
	"\"rule\":\"r\",\"cgroup\":\"/a\",\"cgroup_id\":5,\"suppressed\":7}";
static const char lost_line[] =
	"{\"time\":\"2026-11-25T18:09:46Z\",\"seq\":5,\"type\":\"lost\",\"lost\":3}";
static const char event_line[] =
	"{\"time\":\"2026-11-25T18:09:44Z\",\"seq\":3,\"action\":\"deny\",\"enforced\":true,"
	"\"hook\":\"file_open\",\"policy\":\"kt\",\"rule\":\"r\",\"cgroup\":\"/a\","
	"\"comm\":\"cat\",\"path\":\"/s\"}";

static const char no_count[] = "{\"time\":\"2026-11-25T18:09:46Z\",\"type\":\"lost\"}";
static const char bad_type[] = "{\"time\":\"2026-11-25T18:09:46Z\",\"type\":\"x\"}";

static void log_review_reads_summaries(void **state)
{
	struct stk_log_summary sum = {};
	struct stk_log_rec r;
	char why[128];

	(void)state;
	assert_int_equal(stk_log_rec_parse(sup_line, strlen(sup_line), &r, why, sizeof(why)), 0);
	assert_string_equal(r.type, "suppressed");
	assert_int_equal(r.count, 7);
	assert_string_equal(r.action, "deny");
	assert_int_equal(stk_log_summary_add(&sum, &r), 0);
	stk_log_rec_clear(&r);
	assert_int_equal(stk_log_rec_parse(lost_line, strlen(lost_line), &r, why, sizeof(why)), 0);
	assert_string_equal(r.type, "lost");
	assert_int_equal(r.count, 3);
	assert_int_equal(stk_log_summary_add(&sum, &r), 0);
	stk_log_rec_clear(&r);
	assert_int_equal(stk_log_rec_parse(event_line, strlen(event_line), &r, why, sizeof(why)), 0);
	assert_null(r.type);
	assert_int_equal(stk_log_summary_add(&sum, &r), 0);
	stk_log_rec_clear(&r);
	/* The suppressed ones are denials too: 1 + 7; the lost ones are apart. */
	assert_int_equal(sum.events, 8);
	assert_int_equal(sum.denied, 8);
	assert_int_equal(sum.suppressed, 7);
	assert_int_equal(sum.lost, 3);
	assert_int_equal(sum.by_path.n, 1);
	stk_log_summary_free(&sum);
	/* A summary without its count, or of an unknown type, is corrupt. */
	assert_int_equal(stk_log_rec_parse(no_count, strlen(no_count), &r, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(stk_log_rec_parse(bad_type, strlen(bad_type), &r, why, sizeof(why)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(suppressed_summary_names_everything),
		cmocka_unit_test(suppressed_complain_and_unknown_rule),
		cmocka_unit_test(lost_summary),
		cmocka_unit_test(unknown_report_kind_is_refused),
		cmocka_unit_test(rate_option),
		cmocka_unit_test(reported_suppressions_carry_over),
		cmocka_unit_test(metrics_sum_and_label),
		cmocka_unit_test(metrics_without_decisions),
		cmocka_unit_test(metrics_name_removed_cgroups),
		cmocka_unit_test(metrics_program_costs),
		cmocka_unit_test(log_review_reads_summaries),
	};

	return cmocka_run_group_tests_name("audit_load", tests, NULL, NULL);
}
