// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * canary.c - proof that enforcement is live (see canary.h).
 *
 * The monitor runs the probe; the reader, which alone consumes the ring
 * buffer, tells it through one shared page that the probe's event arrived.
 * The page is all the reader can write to the monitor: a compromised
 * reader could claim an event it never saw, but not an open that was
 * denied, which the monitor checks itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "canary.h"
#include "log.h"
#include "status_file.h"
#include "stk_abi.h"

/* Written by the monitor (expect) and the reader (seen), across fork. */
struct canary_page {
	pid_t expect; /* the probe running now, 0: none */
	pid_t seen;   /* the probe whose event the reader saw */
};

static struct stk_canary_state state;
static struct canary_page *page;
static bool use_syslog;

int stk_canary_init(const char *pin_dir, bool syslog_too)
{
	void *p;
	int err;

	err = stk_run_path(pin_dir, "canary", "", state.path, sizeof(state.path));
	if (err)
		return err;
	if (mkdir(STK_STATUS_DIR, 0755) && errno != EEXIST)
		return -errno;
	p = mmap(NULL, sizeof(*page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	page = p;
	use_syslog = syslog_too;
	return 0;
}

/* The canary file's key; the file is kept, so an adopting agent finds the same inode. */
static int canary_file_key(struct stk_inode_key *ret)
{
	struct stat st;
	int fd, err = 0;

	/* Write-only: reading it is what the canary rule denies, once in force. */
	fd = open(state.path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
		err = -EEXIST; /* not ours: refuse to make it the canary */
	if (!err)
		err = stk_inode_key_of_fd(fd, ret);
	close(fd);
	return err;
}

int stk_canary_add_rule(struct stk_file_maps *m)
{
	struct stk_inode_key key;
	struct stk_file_value val;
	int err = canary_file_key(&key);

	if (err)
		return err;
	stk_file_value_empty(&val);
	/* Enforced, never STK_ACT_COMPLAIN: complain-mode policies must not hide it. */
	val.exact.action[STK_FACC_READ] = STK_ACT_DENY;
	val.exact.rule[STK_FACC_READ] = STK_RULE_CANARY;
	return stk_file_maps_add_inode(m, &key, &val);
}

bool stk_canary_event(const void *data, size_t size)
{
	const struct stk_event_hdr *h = data;
	pid_t expect;

	if (!page || size < sizeof(*h) || h->type != STK_EV_FILE || h->rule == STK_RULE_NONE ||
	    (h->rule & STK_GEN_RULE_MASK) != STK_RULE_CANARY)
		return false;
	/* Anyone else reading the canary file is written to the log like any denial. */
	expect = __atomic_load_n(&page->expect, __ATOMIC_ACQUIRE);
	if (!expect || h->pid != (__u32)expect)
		return false;
	__atomic_store_n(&page->seen, expect, __ATOMIC_RELEASE);
	return true;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void nap(void)
{
	struct timespec ts = { .tv_nsec = 5 * 1000000 };

	nanosleep(&ts, NULL);
}

/* The probe: waits for the go, opens the canary for reading, exits with the errno (0: opened). */
static void probe_child(int go_fd)
{
	char c;
	int fd;

	prctl(PR_SET_NAME, "stk-canary");
	if (read(go_fd, &c, 1) != 1)
		_exit(ECHILD);
	fd = open(state.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	_exit(fd >= 0 ? 0 : errno & 0xff);
}

/* Waits for @pid until @deadline; kills it if it is late. */
static int wait_child(pid_t pid, long long deadline, int *ret_status)
{
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			*ret_status = st;
			return 0;
		}
		if (r < 0 && errno != EINTR)
			return -errno;
		if (mono_ms() > deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		nap();
	}
}

static int failed(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int failed(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(state.why, sizeof(state.why), fmt, ap);
	va_end(ap);
	state.result = STK_CANARY_FAILED;
	state.failures++;
	return err;
}

/* Runs the probe child; 0 when its open was denied with EPERM. */
static int probe_open(pid_t *ret_pid, long long deadline)
{
	int go[2], err, st = 0;
	char c = 'G';
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return failed(-errno, "cannot start the probe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		return failed(err, "cannot start the probe: %s", strerror(-err));
	}
	if (pid == 0) {
		close(go[1]);
		probe_child(go[0]);
	}
	close(go[0]);
	/* Published before the probe may open: the reader must know its event. */
	__atomic_store_n(&page->seen, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&page->expect, pid, __ATOMIC_RELEASE);
	if (write(go[1], &c, 1) != 1)
		kill(pid, SIGKILL);
	close(go[1]);
	*ret_pid = pid;
	err = wait_child(pid, deadline, &st);
	if (err == -ETIMEDOUT)
		return failed(err, "the probe did not finish within %d ms", STK_CANARY_TIMEOUT_MS);
	if (err)
		return failed(err, "waiting for the probe failed: %s", strerror(-err));
	if (WIFSIGNALED(st))
		return failed(-ECHILD, "the probe was killed by signal %d", WTERMSIG(st));
	if (WEXITSTATUS(st) == 0)
		return failed(-EACCES, "reading the canary file %s was allowed: the file "
				       "programs are not enforcing (detached or not attached?)",
			      state.path);
	if (WEXITSTATUS(st) != EPERM)
		return failed(-EIO, "reading the canary file %s failed with %s instead of EPERM",
			      state.path, strerror(WEXITSTATUS(st)));
	return 0;
}

/* How long one probe's event may take before the next probe is made. */
#define PROBE_EVENT_WAIT_MS 1000

int stk_canary_probe(void)
{
	long long deadline = mono_ms() + STK_CANARY_TIMEOUT_MS, next;
	unsigned int probes = 0;
	pid_t pid = 0;
	int err;

	state.last_run = time(NULL);
	if (!page)
		return failed(-EINVAL, "the canary is not set up");
	/*
	 * A full ring buffer (a storm, or the backlog an adopting agent finds)
	 * drops the probe's event like any other, counted as lost: probe again
	 * until one event gets through or the deadline passes. Every probe
	 * must be denied.
	 */
	for (;;) {
		err = probe_open(&pid, deadline);
		if (err)
			break;
		probes++;
		next = mono_ms() + PROBE_EVENT_WAIT_MS;
		while (__atomic_load_n(&page->seen, __ATOMIC_ACQUIRE) != pid &&
		       mono_ms() < next && mono_ms() < deadline)
			nap();
		if (__atomic_load_n(&page->seen, __ATOMIC_ACQUIRE) == pid)
			break;
		if (mono_ms() >= deadline) {
			err = failed(-ETIMEDOUT, "%u probes were denied, but none of their events "
						 "arrived within %d ms: events are not delivered",
				     probes, STK_CANARY_TIMEOUT_MS);
			break;
		}
	}
	__atomic_store_n(&page->expect, 0, __ATOMIC_RELEASE);
	if (err)
		return err;
	state.result = STK_CANARY_PASSED;
	state.last_pass = state.last_run;
	state.passes++;
	state.why[0] = '\0';
	return 0;
}

int stk_canary_check(const char *when)
{
	enum stk_canary_result before = state.result;
	int err = stk_canary_probe();

	if (!err) {
		if (before != STK_CANARY_PASSED)
			stk_info("canary", "enforcement is live (%s): the canary read was denied "
					   "and reported", when);
		else
			stk_debug("canary", "passed (%s)", when);
		return 0;
	}
	stk_log(LOG_CRIT, "canary", "ENFORCEMENT IS NOT ACTIVE (%s): %s", when, state.why);
	if (use_syslog)
		syslog(LOG_CRIT, "canary: ENFORCEMENT IS NOT ACTIVE (%s): %s", when, state.why);
	return err;
}

const struct stk_canary_state *stk_canary_state(void)
{
	return &state;
}

bool stk_canary_active(void)
{
	return state.result == STK_CANARY_PASSED;
}

struct json_object *stk_canary_json(const struct stk_canary_state *s)
{
	static const char *const results[] = {
		[STK_CANARY_PENDING] = "pending",
		[STK_CANARY_PASSED] = "passed",
		[STK_CANARY_FAILED] = "failed",
	};
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "result", json_object_new_string(results[s->result]));
	json_object_object_add(o, "last_run", json_object_new_int64(s->last_run));
	json_object_object_add(o, "last_pass", json_object_new_int64(s->last_pass));
	json_object_object_add(o, "passes", json_object_new_int64(s->passes));
	json_object_object_add(o, "failures", json_object_new_int64(s->failures));
	json_object_object_add(o, "file", json_object_new_string(s->path));
	if (s->why[0])
		json_object_object_add(o, "error", json_object_new_string(s->why));
	return o;
}
