// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_storm.c - audit under load on the real kernel: several processes in
 * two cgroups do denied opens in a loop for several seconds with a low
 * rate limit. The agent's memory stays bounded, the log stays valid JSON
 * lines with "suppressed" summaries, and every attempt is accounted for:
 * delivered + suppressed + lost = attempted, per cgroup exactly in the
 * kernel's decision counters (metrics file and "stockade status").
 * Containers that come and go leave their counts to the "(removed)" rows
 * and do not fill the counters' map.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "ktest.h"

#define DIR "/tmp/kt-storm"
#define SECRET DIR "/secret"
#define METRICS DIR "/metrics/stockade.prom"
#define CGROOT "/sys/fs/cgroup"
#define STORM_SECONDS 4
#define N_CGROUPS 2
#define WORKERS_PER_CGROUP 2
#define N_WORKERS (N_CGROUPS * WORKERS_PER_CGROUP)
/* The agent may grow by what a storm cannot explain: a few MiB of slack. */
#define RSS_SLACK_KB (8 * 1024)

static const char *const cgroup_names[N_CGROUPS] = { "/stk-storm-a", "/stk-storm-b" };

struct worker_count {
	long attempts;
	long eperm;
	long other; /* anything but EPERM: a failure of the test */
};

/* What the audit log says about one cgroup. */
struct log_tally {
	long delivered;
	long suppressed;
	long summaries;
};

static const char policy[] =
	"{ \"stockade\": 1, \"name\": \"storm\", \"mode\": \"enforce\",\n"
	"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
	"  { \"id\": \"no-secret\", \"paths\": [\"" SECRET "\"], \"access\": [\"read\"],"
	" \"action\": \"deny\" } ] } }\n";

static void cgroup_path(char *buf, size_t len, int i, const char *file)
{
	snprintf(buf, len, CGROOT "%s%s%s", cgroup_names[i], file ? "/" : "", file ? file : "");
}

static int setup(void **state)
{
	char p[256];
	int i;

	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/metrics");
	kt_write(SECRET, "s\n");
	kt_write(DIR "/policy.json", policy);
	for (i = 0; i < N_CGROUPS; i++) {
		cgroup_path(p, sizeof(p), i, NULL);
		rmdir(p);
		if (mkdir(p, 0755))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char p[256];
	int i;

	(void)state;
	kt_agent_reap_all();
	/* Off, as the kernel boots: timing every run costs two clock reads. */
	kt_write("/proc/sys/kernel/bpf_stats_enabled", "0\n");
	for (i = 0; i < N_CGROUPS; i++) {
		cgroup_path(p, sizeof(p), i, NULL);
		rmdir(p);
	}
	kt_rm(DIR);
	return 0;
}

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* The child: joins cgroup @cg and opens the secret until the deadline. */
static void worker(int cg, struct worker_count *c, long until_ms)
{
	char p[256];
	int fd;

	prctl(PR_SET_NAME, "storm");
	cgroup_path(p, sizeof(p), cg, "cgroup.procs");
	fd = open(p, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(2);
	close(fd);
	while (mono_ms() < until_ms) {
		c->attempts++;
		fd = open(SECRET, O_RDONLY);
		if (fd >= 0) {
			close(fd);
			c->other++;
		} else if (errno == EPERM) {
			c->eperm++;
		} else {
			c->other++;
		}
	}
	_exit(0);
}

/* VmRSS in kB of the agent @pid plus its children (the event reader). */
static long agent_rss_kb(pid_t pid)
{
	char path[64], line[256], pids[256];
	long total = 0, kb;
	size_t n;
	FILE *f;

	n = (size_t)snprintf(pids, sizeof(pids), "%d ", pid);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(pids + n, sizeof(pids) - n, f))
			pids[n] = '\0';
		fclose(f);
	}
	for (char *tok = strtok(pids, " \n"); tok; tok = strtok(NULL, " \n")) {
		snprintf(path, sizeof(path), "/proc/%s/status", tok);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
				total += kb;
		fclose(f);
	}
	return total;
}

static int cgroup_index(const char *cg)
{
	int i;

	for (i = 0; cg && i < N_CGROUPS; i++)
		if (!strcmp(cg, cgroup_names[i]))
			return i;
	return -1;
}

/*
 * Reads the whole audit log: every line must be a JSON object. Tallies
 * events and "suppressed" summaries of the secret per cgroup, and the
 * "lost" reports. Returns -1 on a line that is not JSON.
 */
static int tally_log(const struct ktest_agent *a, struct log_tally t[N_CGROUPS], long *lost)
{
	struct json_object *o, *v;
	char *line = NULL;
	size_t cap = 0;
	int i, bad = 0;
	const char *type;
	FILE *f = fopen(a->log, "r");

	memset(t, 0, N_CGROUPS * sizeof(*t));
	*lost = 0;
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		o = json_tokener_parse(line);
		if (!o || !json_object_is_type(o, json_type_object)) {
			bad = 1;
			json_object_put(o);
			break;
		}
		type = json_object_object_get_ex(o, "type", &v) ? json_object_get_string(v) : NULL;
		i = json_object_object_get_ex(o, "cgroup", &v) ?
			    cgroup_index(json_object_get_string(v)) : -1;
		if (type && !strcmp(type, "lost")) {
			*lost += json_object_object_get_ex(o, "lost", &v) ? json_object_get_int64(v)
									    : 0;
		} else if (i >= 0 && type && !strcmp(type, "suppressed")) {
			t[i].summaries++;
			t[i].suppressed += json_object_object_get_ex(o, "suppressed", &v) ?
						   json_object_get_int64(v) :
						   0;
		} else if (i >= 0 && !type && json_object_object_get_ex(o, "path", &v) &&
			   !strcmp(json_object_get_string(v), SECRET)) {
			t[i].delivered++;
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
	return bad ? -1 : 0;
}

/* The value of the metrics line that starts with @prefix (name and labels), or -1. */
static long long metric(const char *prefix)
{
	char line[1024];
	long long v = -1;
	size_t n = strlen(prefix);
	FILE *f = fopen(METRICS, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, n) && line[n] == ' ')
			v = atoll(line + n + 1);
	fclose(f);
	return v;
}

/*
 * The value of metric @prefix once the agent has written its first metrics
 * file: what the agent's own canary probe at start already counted.
 */
static long long metric_base(const char *prefix)
{
	long long v, deadline = mono_ms() + 30000;

	while ((v = metric(prefix)) < 0 && mono_ms() < deadline)
		usleep(100 * 1000);
	assert_true(v >= 0);
	return v;
}

static void decisions_metric_name(char *buf, size_t len, int cg)
{
	char idbuf[64];
	struct stat st;
	char p[256];

	/* The cgroup id is the inode number of its directory in cgroup2. */
	cgroup_path(p, sizeof(p), cg, NULL);
	snprintf(idbuf, sizeof(idbuf), "%llu",
		 stat(p, &st) == 0 ? (unsigned long long)st.st_ino : 0ULL);
	snprintf(buf, len,
		 "stockade_decisions_total{policy=\"storm\",rule=\"no-secret\",cgroup=\"%s\","
		 "cgroup_id=\"%s\",action=\"deny\",enforced=\"true\"}",
		 cgroup_names[cg], idbuf);
}

/* "stockade status --json", parsed (NULL if it printed no JSON). */
static struct json_object *status_json(void)
{
	char out[1 << 16];
	size_t n;
	FILE *p = popen("stockade status --json", "r");

	if (!p)
		return NULL;
	n = fread(out, 1, sizeof(out) - 1, p);
	pclose(p);
	out[n] = '\0';
	return json_tokener_parse(out);
}

/*
 * The decisions "stockade status --json" lists for rule @rule in cgroup @cg
 * (-1: every cgroup), summed; -1 if it lists none.
 */
static long long status_rule_decisions_in(const char *rule, int cg)
{
	struct json_object *o = status_json(), *agent, *arr, *row, *v;
	long long sum = -1;
	size_t i;

	if (o && json_object_object_get_ex(o, "agent", &agent) &&
	    json_object_object_get_ex(agent, "decisions", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++) {
			row = json_object_array_get_idx(arr, i);
			if (cg >= 0 && (!json_object_object_get_ex(row, "cgroup", &v) ||
					cgroup_index(json_object_get_string(v)) != cg))
				continue;
			if (!json_object_object_get_ex(row, "rule", &v) ||
			    strcmp(json_object_get_string(v), rule))
				continue;
			json_object_object_get_ex(row, "decisions", &v);
			sum = (sum < 0 ? 0 : sum) + json_object_get_int64(v);
		}
	}
	json_object_put(o);
	return sum;
}

/* The kernel's decision count of cgroup @cg in "stockade status --json", or -1. */
static long long status_decisions(int cg)
{
	return status_rule_decisions_in("no-secret", cg);
}

static long long status_rule_decisions(const char *rule)
{
	return status_rule_decisions_in(rule, -1);
}

static void storm_is_accounted_for(void **state)
{
	/* No periodic canary: its probes would add to the global counters. */
	const char *const extra[] = { "--rate-limit", "5/s", "--rate-burst", "10",
				      "--metrics-file", METRICS, "--canary-interval", "0", NULL };
	long long base_denied, base_events;
	struct log_tally t[N_CGROUPS];
	struct worker_count *counts;
	long attempts[N_CGROUPS] = {}, total = 0, delivered = 0, suppressed = 0, lost = 0;
	long rss_before, rss_after, until, deadline;
	char name[512];
	struct ktest_agent a;
	pid_t pids[N_WORKERS];
	int i, status, done;

	(void)state;
	counts = mmap(NULL, N_WORKERS * sizeof(*counts), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(counts != MAP_FAILED);
	memset(counts, 0, N_WORKERS * sizeof(*counts));
	kt_agent_start(&a, DIR "/policy.json", extra);
	base_denied = metric_base("stockade_denied_total");
	base_events = metric_base("stockade_ringbuf_events_total");
	rss_before = agent_rss_kb(a.pid);
	assert_true(rss_before > 0);

	until = mono_ms() + STORM_SECONDS * 1000;
	for (i = 0; i < N_WORKERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			worker(i % N_CGROUPS, &counts[i], until);
	}
	for (i = 0; i < N_WORKERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(counts[i].other, 0);
		assert_int_equal(counts[i].eperm, counts[i].attempts);
		attempts[i % N_CGROUPS] += counts[i].attempts;
	}
	for (i = 0; i < N_CGROUPS; i++) {
		/* Far more attempts than the limit lets through: the storm is a storm. */
		assert_true(attempts[i] > 100);
		total += attempts[i];
	}
	rss_after = agent_rss_kb(a.pid);
	print_message("storm: %ld attempts (%ld, %ld); agent RSS %ld kB before, %ld kB after\n",
		      total, attempts[0], attempts[1], rss_before, rss_after);
	assert_true(rss_after < rss_before + RSS_SLACK_KB);

	/* The monitor reports every few seconds: wait until everything is told. */
	deadline = mono_ms() + 40000;
	do {
		usleep(200 * 1000);
		assert_int_equal(tally_log(&a, t, &lost), 0);
		delivered = suppressed = 0;
		done = 1;
		for (i = 0; i < N_CGROUPS; i++) {
			delivered += t[i].delivered;
			suppressed += t[i].suppressed;
			decisions_metric_name(name, sizeof(name), i);
			if (metric(name) != attempts[i])
				done = 0;
		}
		if (delivered + suppressed + lost != total)
			done = 0;
	} while (!done && mono_ms() < deadline);

	print_message("storm: delivered %ld + suppressed %ld + lost %ld = %ld (attempted %ld)\n",
		      delivered, suppressed, lost, delivered + suppressed + lost, total);
	assert_int_equal(delivered + suppressed + lost, total);
	for (i = 0; i < N_CGROUPS; i++) {
		/* Per cgroup: lost events name no cgroup, so only an upper bound holds for them. */
		assert_true(t[i].delivered + t[i].suppressed <= attempts[i]);
		if (!lost)
			assert_int_equal(t[i].delivered + t[i].suppressed, attempts[i]);
		assert_true(t[i].summaries >= 1);
		assert_true(t[i].suppressed > 0);
		/* The limit (5/s, bursts of 10) lets at most this many through in the storm. */
		assert_true(t[i].delivered <= 10 + 5 * (STORM_SECONDS + 2) + 1);
		decisions_metric_name(name, sizeof(name), i);
		assert_int_equal(metric(name), attempts[i]);
		assert_int_equal(status_decisions(i), attempts[i]);
	}
	assert_int_equal(metric("stockade_up"), 1);
	assert_int_equal(metric("stockade_enforcement_active"), 1);
	assert_int_equal(metric("stockade_suppressed_total"), suppressed);
	assert_int_equal(metric("stockade_events_lost_total"), lost);
	assert_int_equal(metric("stockade_denied_total") - base_denied, total);
	assert_int_equal(metric("stockade_ringbuf_events_total") - base_events, delivered);
	assert_int_equal(metric("stockade_decisions_uncounted_total"), 0);
	assert_int_equal(metric("stockade_ringbuf_size_bytes"), 4 << 20);
	assert_int_equal(metric("stockade_events_total{policy=\"storm\",rule=\"no-secret\","
				"hook=\"file_open\",action=\"deny\",enforced=\"true\"}"),
			 total - suppressed);

	assert_int_equal(kt_agent_stop(&a), 0);
	munmap(counts, N_WORKERS * sizeof(*counts));
}

/*
 * Without a rate limit nothing is suppressed; with a tiny ring buffer the
 * storm overflows it: every attempt is then an event in the log or counted
 * as lost (and reported), and the agent's memory still stays bounded.
 */
static void tiny_ring_buffer_loses_counted_events(void **state)
{
	const char *const extra[] = { "--ringbuf-size", "16384", "--metrics-file", METRICS,
				      "--canary-interval", "0", NULL };
	long long base_events;
	struct log_tally t[N_CGROUPS];
	struct worker_count *counts;
	long total = 0, lost = 0, rss_before, rss_after, until, deadline;
	struct ktest_agent a;
	pid_t pids[N_CGROUPS];
	int i, status;

	(void)state;
	counts = mmap(NULL, N_CGROUPS * sizeof(*counts), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(counts != MAP_FAILED);
	memset(counts, 0, N_CGROUPS * sizeof(*counts));
	kt_agent_start(&a, DIR "/policy.json", extra);
	base_events = metric_base("stockade_ringbuf_events_total");
	rss_before = agent_rss_kb(a.pid);
	until = mono_ms() + 2000;
	for (i = 0; i < N_CGROUPS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			worker(i, &counts[i], until);
	}
	for (i = 0; i < N_CGROUPS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(counts[i].eperm, counts[i].attempts);
		total += counts[i].attempts;
	}
	rss_after = agent_rss_kb(a.pid);
	deadline = mono_ms() + 40000;
	do {
		usleep(200 * 1000);
		assert_int_equal(tally_log(&a, t, &lost), 0);
	} while (t[0].delivered + t[1].delivered + lost != total && mono_ms() < deadline);
	print_message("no limit: %ld attempts, delivered %ld + lost %ld; RSS %ld kB -> %ld kB\n",
		      total, t[0].delivered + t[1].delivered, lost, rss_before, rss_after);
	assert_int_equal(t[0].delivered + t[1].delivered + lost, total);
	assert_int_equal(t[0].suppressed + t[1].suppressed, 0);
	assert_int_equal(t[0].summaries + t[1].summaries, 0);
	assert_true(rss_after < rss_before + RSS_SLACK_KB);
	assert_int_equal(metric("stockade_suppressed_total"), 0);
	assert_int_equal(metric("stockade_events_lost_total"), lost);
	assert_int_equal(metric("stockade_ringbuf_events_total") - base_events, total - lost);
	assert_int_equal(metric("stockade_ringbuf_size_bytes"), 16384);
	for (i = 0; i < N_CGROUPS; i++) {
		char name[512];

		decisions_metric_name(name, sizeof(name), i);
		assert_int_equal(metric(name), counts[i].attempts);
	}
	assert_int_equal(kt_agent_stop(&a), 0);
	munmap(counts, N_CGROUPS * sizeof(*counts));
}

/* One policy with one rule, @id, denying reads of DIR/@id. */
static void put_one_rule(const char *id)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"gens\", \"files\": { \"rules\": [\n"
		 "  { \"id\": \"%s\", \"paths\": [\"" DIR "/%s\"], \"access\": [\"read\"],"
		 " \"action\": \"deny\" } ] } }\n", id, id);
	kt_write(DIR "/gens.json", text);
}

static int open_errno(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Waits (status is rewritten every few seconds) until @rule's count is at least @min. */
static long long wait_rule_decisions(const char *rule, long long min)
{
	long deadline = mono_ms() + 30000;
	long long n;

	while ((n = status_rule_decisions(rule)) < min && mono_ms() < deadline)
		usleep(200000);
	return n;
}

/*
 * Rule numbers carry one of two generation tags, so the policy two reloads
 * on reuses the tag and the numbers of the one before: its rule must count
 * from zero, not from the counts the old rule of that number left.
 */
static void reloads_do_not_pass_counts_to_new_rules(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	const char *const extra[] = { "--canary-interval", "0", NULL };
	struct ktest_agent a;
	char err[4096];
	int i;

	(void)state;
	kt_write(DIR "/first", "1\n");
	kt_write(DIR "/third", "3\n");
	put_one_rule("first");
	kt_agent_start(&a, DIR "/gens.json", extra);
	for (i = 0; i < 3; i++)
		assert_int_equal(open_errno(DIR "/first"), EPERM);
	assert_int_equal(wait_rule_decisions("first", 3), 3);
	put_one_rule("second");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("the first reload failed: %s", err);
	put_one_rule("third");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("the second reload failed: %s", err);
	assert_int_equal(open_errno(DIR "/third"), EPERM);
	assert_int_equal(open_errno(DIR "/first"), 0);
	/* Exactly the one denial "third" made (it was 1 + 3 when the old row was reused). */
	assert_int_equal(wait_rule_decisions("third", 1), 1);
	assert_int_equal(kt_agent_stop(&a), 0);
}

#define N_CHURN 12
#define CHURN_OPENS 20

/* A short-lived container: cgroup @cg made, @n denied opens in it, removed. Its id. */
static unsigned long long churn_one(const char *cg, int n)
{
	char path[256];
	struct stat st;
	int status, i, ok = 0;
	pid_t pid;

	kt_cg_mkdir(cg);
	snprintf(path, sizeof(path), CGROOT "%s", cg);
	assert_int_equal(stat(path, &st), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (kt_cg_enter(cg, 0))
			_exit(2);
		for (i = 0; i < n; i++)
			ok += open_errno(SECRET) == EPERM;
		_exit(ok == n ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The child was just reaped: its cgroup may stay busy a moment. */
	for (i = 0; rmdir(path) && errno == EBUSY && i < 40; i++)
		usleep(50 * 1000);
	assert_int_equal(access(path, F_OK), -1);
	return (unsigned long long)st.st_ino;
}

/*
 * The rows of "stockade status --json" for rule no-secret: the decisions
 * of the "(removed)" rows, and how many rows name one of @ids.
 */
static void status_churn(const unsigned long long *ids, int n, long long *removed,
			 int *of_ids)
{
	struct json_object *o = status_json(), *agent, *arr, *row, *v;
	size_t i;
	int k;

	*removed = 0;
	*of_ids = 0;
	if (o && json_object_object_get_ex(o, "agent", &agent) &&
	    json_object_object_get_ex(agent, "decisions", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++) {
			row = json_object_array_get_idx(arr, i);
			if (strcmp(kt_str(row, "rule"), "no-secret"))
				continue;
			for (k = 0; k < n; k++)
				*of_ids += (unsigned long long)kt_int(row, "cgroup_id") == ids[k];
			if (json_object_object_get_ex(row, "cgroup", &v) &&
			    !strcmp(json_object_get_string(v), "(removed)")) {
				assert_int_equal(kt_int(row, "cgroup_id"), 0);
				*removed += kt_int(row, "decisions");
			}
		}
	}
	json_object_put(o);
}

/* Deny events of the secret and the suppressed counts of its summaries, any cgroup. */
static void tally_any_cgroup(const struct ktest_agent *a, long *delivered, long *suppressed)
{
	struct json_object *o, *v;
	char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen(a->log, "r");

	*delivered = *suppressed = 0;
	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		o = json_tokener_parse(line);
		assert_non_null(o);
		if (json_object_object_get_ex(o, "type", &v) &&
		    !strcmp(json_object_get_string(v), "suppressed")) {
			if (!strcmp(kt_str(o, "rule"), "no-secret"))
				*suppressed += kt_int(o, "suppressed");
		} else if (json_object_object_get_ex(o, "path", &v) &&
			   !strcmp(json_object_get_string(v), SECRET)) {
			(*delivered)++;
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

/*
 * Containers come and go: each removed cgroup's decision rows move into
 * the "(removed)" rows once the log has its suppressed summaries, so the
 * counters' map does not fill up with the dead, and the counts by rule
 * stay whole.
 */
static void removed_cgroups_leave_their_counts_behind(void **state)
{
	const char *const extra[] = { "--rate-limit", "5/s", "--rate-burst", "5",
				      "--metrics-file", METRICS, "--canary-interval", "0", NULL };
	const long total = N_CHURN * CHURN_OPENS;
	unsigned long long ids[N_CHURN];
	long long removed = 0, events = -1, supp = -1;
	long delivered = 0, suppressed = 0, deadline;
	struct ktest_agent a;
	char cg[64];
	int i, of_ids = -1;

	(void)state;
	kt_agent_start(&a, DIR "/policy.json", extra);
	for (i = 0; i < N_CHURN; i++) {
		snprintf(cg, sizeof(cg), "/stk-churn-%d", i);
		ids[i] = churn_one(cg, CHURN_OPENS);
	}
	/* The monitor retires at its ticks (every 5 s). */
	deadline = mono_ms() + 60000;
	do {
		usleep(500 * 1000);
		status_churn(ids, N_CHURN, &removed, &of_ids);
		tally_any_cgroup(&a, &delivered, &suppressed);
	} while ((removed != total || of_ids || delivered + suppressed != total) &&
		 mono_ms() < deadline);
	print_message("churn: %lld decisions in (removed), %d rows of removed cgroups left; "
		      "log: %ld delivered + %ld suppressed\n",
		      removed, of_ids, delivered, suppressed);
	assert_int_equal(of_ids, 0);
	assert_int_equal(removed, total);
	/* Every denial is in the log, as an event or in a summary: the limit held some back. */
	assert_true(suppressed > 0);
	assert_int_equal(delivered + suppressed, total);
	/* The counters by rule stay whole: counters must not go back. */
	deadline = mono_ms() + 15000;
	do {
		usleep(200 * 1000);
		events = metric("stockade_events_total{policy=\"storm\",rule=\"no-secret\","
				"hook=\"file_open\",action=\"deny\",enforced=\"true\"}");
		supp = metric("stockade_events_suppressed_total{policy=\"storm\","
			      "rule=\"no-secret\",hook=\"file_open\",action=\"deny\","
			      "enforced=\"true\"}");
	} while (events + supp != total && mono_ms() < deadline);
	assert_int_equal(events + supp, total);
	assert_int_equal(supp, suppressed);
	assert_int_equal(metric("stockade_decisions_total{policy=\"storm\",rule=\"no-secret\","
				"cgroup=\"(removed)\",cgroup_id=\"0\",action=\"deny\","
				"enforced=\"true\"}"),
			 total);
	assert_int_equal(metric("stockade_decisions_uncounted_total"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

#define BPF_STATS "/proc/sys/kernel/bpf_stats_enabled"

/* The link named @prog in "stockade status --json": its "runs", or -1. */
static long long status_prog_runs(const char *prog)
{
	struct json_object *o = status_json(), *arr, *row, *v;
	long long runs = -1;
	size_t i;

	if (o && json_object_object_get_ex(o, "links", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++) {
			row = json_object_array_get_idx(arr, i);
			if (!strcmp(kt_str(row, "name"), prog) &&
			    json_object_object_get_ex(row, "runs", &v))
				runs = json_object_get_int64(v);
		}
	}
	json_object_put(o);
	return runs;
}

/*
 * With kernel.bpf_stats_enabled on, the metrics file and "stockade status"
 * say how often each program ran and for how long; off, that it is off.
 */
static void program_costs_are_reported_while_the_kernel_counts(void **state)
{
	const char *const extra[] = { "--metrics-file", METRICS, "--canary-interval", "0", NULL };
	const char *runs = "stockade_program_runs_total{program=\"stk_file_open\"}";
	long long before, n = -1, deadline;
	char line[1024] = "", *end;
	double secs = 0;
	struct ktest_agent a;
	FILE *f;
	int i;

	(void)state;
	kt_agent_start(&a, DIR "/policy.json", extra);
	kt_write(BPF_STATS, "0\n");
	deadline = mono_ms() + 15000;
	while (metric("stockade_program_stats_enabled") != 0 && mono_ms() < deadline)
		usleep(200 * 1000);
	assert_int_equal(metric("stockade_program_stats_enabled"), 0);
	assert_int_equal(status_prog_runs("stk_file_open"), -1);

	kt_write(BPF_STATS, "1\n");
	before = metric(runs);
	assert_true(before >= 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(open_errno(SECRET), EPERM);
	deadline = mono_ms() + 15000;
	while ((n = metric(runs)) < before + 100 && mono_ms() < deadline)
		usleep(200 * 1000);
	print_message("stk_file_open: %lld runs counted (%lld before)\n", n, before);
	assert_true(n >= before + 100);
	assert_true(status_prog_runs("stk_file_open") >= n);
	f = fopen(METRICS, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "stockade_program_seconds_total{program=\"stk_file_open\"} ", 56))
			secs = strtod(line + 56, &end);
	fclose(f);
	assert_true(secs > 0);
	assert_int_equal(metric("stockade_program_stats_enabled"), 1);
	kt_write(BPF_STATS, "0\n");
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(storm_is_accounted_for, setup, teardown),
		cmocka_unit_test_setup_teardown(tiny_ring_buffer_loses_counted_events, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reloads_do_not_pass_counts_to_new_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(removed_cgroups_leave_their_counts_behind, setup,
						teardown),
		cmocka_unit_test_setup_teardown(program_costs_are_reported_while_the_kernel_counts,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("storm", tests, NULL, NULL);
}
