// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_file_walk.c - the ancestry walk of bpf/lsm/file_walk.bpf.h at every
 * depth: the walk hands each ancestor's entry up from the step below it, so
 * these tests look for a verdict lost or misplaced on the way up: the longest
 * match deciding several levels up, an exact rule not leaking to what is
 * below, a name key found above the file, keys on both sides of a mount
 * point, and the walk limit (fail closed) against a rule two thousand
 * levels up.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-walk"
/* Far below the walk limit (2048 levels) with /tmp/kt-walk/X above it. */
#define SHALLOW_CHAIN 1990
/* Beyond it. */
#define DEEP_CHAIN 2100

static char policy_path[256];

static void write_policy(const char *rules)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"kt-walk\", \"mode\": \"enforce\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n%s ] } }\n",
		 rules);
	snprintf(policy_path, sizeof(policy_path), DIR "/policy.json");
	kt_write(policy_path, text);
}

/*
 * TOP/d/d/.../d, @depth directories, each with a file "f": paths far longer
 * than PATH_MAX, so everything goes through directory fds (O_PATH opens are
 * not judged by file_open).
 */
static void make_chain(const char *top, int depth)
{
	int fd, next, f, i;

	kt_mkdirs(top);
	fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("open %s: %s", top, strerror(errno));
	for (i = 0; i < depth; i++) {
		if (mkdirat(fd, "d", 0755))
			fail_msg("mkdir at depth %d: %s", i + 1, strerror(errno));
		next = openat(fd, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0)
			fail_msg("open at depth %d: %s", i + 1, strerror(errno));
		close(fd);
		fd = next;
		f = openat(fd, "f", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (f < 0)
			fail_msg("create f at depth %d: %s", i + 1, strerror(errno));
		close(f);
	}
	close(fd);
}

/* Undoes make_chain() bottom up (rm -rf cannot: the paths are too long). */
static void remove_chain(const char *top, int depth)
{
	int fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC), next, i;

	if (fd < 0)
		return;
	for (i = 0; i < depth && fd >= 0; i++) {
		next = openat(fd, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	for (; i > 0 && fd >= 0; i--) {
		unlinkat(fd, "f", 0);
		unlinkat(fd, "g", 0);
		next = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
		if (fd >= 0)
			unlinkat(fd, "d", AT_REMOVEDIR);
	}
	if (fd >= 0)
		close(fd);
}

/* What chain_op() does at the bottom of a chain. */
enum chain_what {
	CHAIN_READ,   /* open f for reading */
	CHAIN_WRITE,  /* open f for writing */
	CHAIN_CREATE, /* create g (mknod) */
	CHAIN_DELETE, /* delete g */
};

struct chain_op {
	const char *top;
	int depth;
	enum chain_what what;
};

/* In a child: does @what in TOP/d*depth; 0 or the errno. */
static int op_in_chain(void *arg)
{
	const struct chain_op *c = arg;
	int fd = open(c->top, O_PATH | O_DIRECTORY | O_CLOEXEC), next, i;

	if (fd < 0)
		return 200; /* not EPERM: the test says the setup failed */
	for (i = 0; i < c->depth; i++) {
		next = openat(fd, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0)
			return 201;
		close(fd);
		fd = next;
	}
	switch (c->what) {
	case CHAIN_DELETE:
		return unlinkat(fd, "g", 0) ? errno : 0;
	case CHAIN_CREATE:
		/* No open: opening for write or read is judged as write or read. */
		return mknodat(fd, "g", S_IFREG | 0644, 0) ? errno : 0;
	case CHAIN_WRITE:
		next = openat(fd, "f", O_WRONLY | O_CLOEXEC);
		break;
	default:
		next = openat(fd, "f", O_RDONLY | O_CLOEXEC);
		break;
	}
	if (next < 0)
		return errno;
	close(next);
	return 0;
}

static int chain_op(const char *top, int depth, enum chain_what what)
{
	struct chain_op c = { .top = top, .depth = depth, .what = what };

	return kt_in_child(op_in_chain, &c);
}

static int chain_open(const char *top, int depth)
{
	return chain_op(top, depth, CHAIN_READ);
}

/* kt_wait_record(), and the log holds only whole JSON lines. */
static struct json_object *wait_record(const struct ktest_agent *a, const char *key,
				       const char *value)
{
	bool bad;
	struct json_object *rec = kt_wait_record(a, key, value, &bad);

	assert_false(bad);
	return rec;
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR);
	return 0;
}

static void remove_long_chain(void);

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(DIR "/m/mnt", MNT_DETACH);
	umount2(DIR "/t/mnt", MNT_DETACH);
	remove_chain(DIR "/limit", DEEP_CHAIN);
	remove_chain(DIR "/r", SHALLOW_CHAIN);
	remove_long_chain();
	kt_rm(DIR);
	return 0;
}

static void longest_match_decides_levels_up(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	kt_write(DIR "/w/f", "f\n");
	kt_write(DIR "/w/a/x/y/f", "f\n");
	kt_write(DIR "/w/a/b/c/d/f", "f\n");
	kt_write(DIR "/x/dir/f", "f\n");
	kt_write(DIR "/x/dir/sub/f", "f\n");
	write_policy("{ \"id\": \"w-tree\", \"paths\": [\"" DIR "/w/\"], "
		     "\"access\": [\"read\"], \"action\": \"deny\" },\n"
		     "{ \"id\": \"w-b-tree\", \"paths\": [\"" DIR "/w/a/b/\"], "
		     "\"access\": [\"read\"], \"action\": \"allow\" },\n"
		     "{ \"id\": \"x-exact\", \"paths\": [\"" DIR "/x/dir\"], "
		     "\"access\": [\"read\"], \"action\": \"deny\" }\n");
	kt_agent_start(&a, policy_path, NULL);

	assert_int_equal(kt_open(DIR "/w/f", O_RDONLY), EPERM);
	assert_int_equal(kt_open(DIR "/w/a", O_RDONLY | O_DIRECTORY), EPERM);
	/* Four levels of nothing, then the subtree. */
	assert_int_equal(kt_open(DIR "/w/a/x/y/f", O_RDONLY), EPERM);
	/* The nearer subtree decides before the outer one is reached. */
	assert_int_equal(kt_open(DIR "/w/a/b/c/d/f", O_RDONLY), 0);
	assert_int_equal(kt_open(DIR "/w/a/b", O_RDONLY | O_DIRECTORY), 0);
	/* An exact rule on a directory is that directory only. */
	assert_int_equal(kt_open(DIR "/x/dir", O_RDONLY | O_DIRECTORY), EPERM);
	assert_int_equal(kt_open(DIR "/x/dir/f", O_RDONLY), 0);
	assert_int_equal(kt_open(DIR "/x/dir/sub/f", O_RDONLY), 0);

	ev = kt_wait_event(&a, DIR "/w/a/x/y/f");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "rule"), "w-tree");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * A directory replaced under a subtree rule: its new inode has no entry, so
 * the files below it are found by the name key two levels up.
 */
static void name_key_decides_levels_up(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	kt_write(DIR "/n/sub/f", "f\n");
	kt_write(DIR "/n/subx/deep/f", "f\n");
	write_policy("{ \"id\": \"n-sub\", \"paths\": [\"" DIR "/n/sub/\"], "
		     "\"access\": [\"read\"], \"action\": \"deny\" }\n");
	kt_agent_start(&a, policy_path, NULL);

	assert_int_equal(rename(DIR "/n/sub", DIR "/n/old"), 0);
	kt_write(DIR "/n/sub/deep/f", "new\n");
	assert_int_equal(kt_open(DIR "/n/sub/deep/f", O_RDONLY), EPERM);
	/* The old directory keeps its inode key under its new name. */
	assert_int_equal(kt_open(DIR "/n/old/f", O_RDONLY), EPERM);
	/* Another name in the same directory is not the rule's. */
	assert_int_equal(kt_open(DIR "/n/subx/deep/f", O_RDONLY), 0);

	ev = kt_wait_event(&a, DIR "/n/sub/deep/f");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "rule"), "n-sub");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* Keys of one superblock stay with it: rules inside a mount and above it. */
static void rules_on_both_sides_of_a_mount(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_mkdirs(DIR "/m/mnt");
	kt_mkdirs(DIR "/t/mnt");
	assert_int_equal(mount("kt-walk-m", DIR "/m/mnt", "tmpfs", 0, NULL), 0);
	assert_int_equal(mount("kt-walk-t", DIR "/t/mnt", "tmpfs", 0, NULL), 0);
	kt_write(DIR "/m/mnt/a/f", "f\n");
	kt_write(DIR "/t/mnt/in/a/f", "f\n");
	kt_write(DIR "/t/mnt/other/a/f", "f\n");
	write_policy("{ \"id\": \"above\", \"paths\": [\"" DIR "/m/\"], "
		     "\"access\": [\"read\"], \"action\": \"deny\" },\n"
		     "{ \"id\": \"inside\", \"paths\": [\"" DIR "/t/mnt/in/\"], "
		     "\"access\": [\"read\"], \"action\": \"deny\" }\n");
	kt_agent_start(&a, policy_path, NULL);

	assert_int_equal(kt_open(DIR "/m/mnt/a/f", O_RDONLY), EPERM);
	assert_int_equal(kt_open(DIR "/t/mnt/in/a/f", O_RDONLY), EPERM);
	assert_int_equal(kt_open(DIR "/t/mnt/other/a/f", O_RDONLY), 0);

	assert_int_equal(kt_agent_stop(&a), 0);
	assert_int_equal(umount2(DIR "/m/mnt", MNT_DETACH), 0);
	assert_int_equal(umount2(DIR "/t/mnt", MNT_DETACH), 0);
}

/*
 * A rule about two thousand levels up still decides; a file deeper than
 * the walk sees is refused with the walk limit's reason.
 */
#define LONG_NAME_LEN 250
#define LONG_DEPTH 20 /* 20 x 251 bytes: more than an event's 4 KiB path */

/* DIR/long/N/N/.../N/f, N a 250-byte name, through directory fds. */
static int long_chain(int depth, int create)
{
	char name[LONG_NAME_LEN + 1];
	int fd = open(DIR "/long", O_PATH | O_DIRECTORY | O_CLOEXEC), next, i;

	memset(name, 'n', LONG_NAME_LEN);
	name[LONG_NAME_LEN] = '\0';
	for (i = 0; i < depth && fd >= 0; i++) {
		if (create && mkdirat(fd, name, 0755))
			return -errno;
		next = openat(fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return -errno;
	next = openat(fd, "f", create ? O_WRONLY | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644);
	close(fd);
	if (next < 0)
		return errno;
	close(next);
	return 0;
}

/* Undoes long_chain() bottom up (rm -rf cannot: the path is too long). */
static void remove_long_chain(void)
{
	char name[LONG_NAME_LEN + 1];
	int fd[LONG_DEPTH + 1], i, n;

	memset(name, 'n', LONG_NAME_LEN);
	name[LONG_NAME_LEN] = '\0';
	fd[0] = open(DIR "/long", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (n = 0; n < LONG_DEPTH && fd[n] >= 0; n++)
		fd[n + 1] = openat(fd[n], name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd[n] >= 0)
		unlinkat(fd[n], "f", 0);
	for (i = n; i > 0; i--) {
		if (fd[i] >= 0)
			close(fd[i]);
		unlinkat(fd[i - 1], name, AT_REMOVEDIR);
	}
	if (fd[0] >= 0)
		close(fd[0]);
}

static int open_long_chain(void *arg)
{
	(void)arg;
	return long_chain(LONG_DEPTH, 0);
}

/*
 * A denied file whose path is longer than an event holds (4 KiB): the event
 * names the tail of the path, whole components only, marked as cut. (6.1's
 * verifier checks a bpf_loop callback as if it ran once, from the state the
 * caller left: a branch that only a later round can take, like the one that
 * stops at the buffer's start, must not depend on a constant it set.)
 */
static void long_path_event_is_cut_at_a_component(void **state)
{
	struct ktest_agent a;
	struct json_object *rec, *cut;
	const char *path;
	size_t len, i, comp = LONG_NAME_LEN + 1;

	(void)state;
	kt_mkdirs(DIR "/long");
	assert_int_equal(long_chain(LONG_DEPTH, 1), 0);
	write_policy("{ \"id\": \"long-tree\", \"paths\": [\"" DIR "/long/\"], "
		     "\"access\": [\"read\"], \"action\": \"deny\" }\n");
	kt_agent_start(&a, policy_path, NULL);
	assert_int_equal(kt_in_child(open_long_chain, NULL), EPERM);
	rec = wait_record(&a, "rule", "long-tree");
	assert_non_null(rec);
	assert_true(json_object_object_get_ex(rec, "path_truncated", &cut) &&
		    json_object_get_boolean(cut));
	path = kt_str(rec, "path");
	len = strlen(path);
	/* k whole components and "/f": as many as fit. */
	if (len < 4096 - comp || len >= 4096 || (len - 2) % comp || strcmp(path + len - 2, "/f"))
		fail_msg("the cut path (%zu bytes) is not the path's tail: %.60s...%s", len, path,
			 len > 20 ? path + len - 20 : path);
	for (i = 0; i + 2 < len; i++)
		if (path[i] != (i % comp ? 'n' : '/'))
			fail_msg("the cut path has %c at byte %zu", path[i], i);
	json_object_put(rec);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void deep_rule_and_walk_limit(void **state)
{
	struct ktest_agent a;
	struct json_object *rec;

	(void)state;
	make_chain(DIR "/r", SHALLOW_CHAIN);
	make_chain(DIR "/limit", DEEP_CHAIN);
	write_policy("{ \"id\": \"deep-tree\", \"paths\": [\"" DIR "/r/\"], "
		     "\"access\": [\"read\"], \"action\": \"deny\" }\n");
	kt_agent_start(&a, policy_path, NULL);

	assert_int_equal(chain_open(DIR "/r", SHALLOW_CHAIN), EPERM);
	/* Beside the rule, as deep: allowed (the walk reaches the top). */
	assert_int_equal(chain_open(DIR "/limit", SHALLOW_CHAIN), 0);
	/* Deeper than the walk: refused, though no rule is above it. */
	assert_int_equal(chain_open(DIR "/limit", DEEP_CHAIN), EPERM);

	rec = wait_record(&a, "rule", "deep-tree");
	assert_non_null(rec);
	json_object_put(rec);
	rec = wait_record(&a, "reason", "path nested too deep to check");
	assert_non_null(rec);
	json_object_put(rec);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * Accesses that no key and no default rules are allowed without a walk,
 * so a path too deep to walk is refused only for accesses some rule names.
 * The set is the whole generation's: the agent's own canary rule (read)
 * counts, and a reload that adds a rule of a kind anywhere ends the skip
 * for that kind everywhere at once.
 */
static void unruled_accesses_need_no_walk(void **state)
{
	static const char no_write[] = "{ \"id\": \"no-write\", \"paths\": [\"" DIR
				       "/r/\"], \"access\": [\"write\"], \"action\": \"deny\" }\n";
	static const char no_create[] = ",{ \"id\": \"no-create\", \"paths\": [\"" DIR
					"/x/\"], \"access\": [\"create\"], \"action\": \"deny\" }\n";
	static const char *const reload[] = { "stockade", "reload", NULL };
	char text[1024], err[4096];
	struct ktest_agent a;

	(void)state;
	make_chain(DIR "/limit", DEEP_CHAIN);
	write_policy(no_write);
	/* Its start passes the canary: a read, ruled only by the agent's own key. */
	kt_agent_start(&a, policy_path, NULL);

	/* Ruled kinds are still walked, and the walk cannot see the top. */
	assert_int_equal(chain_op(DIR "/limit", DEEP_CHAIN, CHAIN_READ), EPERM);
	assert_int_equal(chain_op(DIR "/limit", DEEP_CHAIN, CHAIN_WRITE), EPERM);
	/* No rule creates or deletes: nothing to walk for. */
	assert_int_equal(chain_op(DIR "/limit", DEEP_CHAIN, CHAIN_CREATE), 0);
	assert_int_equal(chain_op(DIR "/limit", DEEP_CHAIN, CHAIN_DELETE), 0);
	assert_int_equal(chain_op(DIR "/limit", SHALLOW_CHAIN, CHAIN_WRITE), 0);

	/* A create rule far away: creating is walked everywhere again. */
	snprintf(text, sizeof(text), "%s%s", no_write, no_create);
	write_policy(text);
	assert_int_equal(kt_stockade(reload, err, sizeof(err)), 0);
	assert_int_equal(chain_op(DIR "/limit", DEEP_CHAIN, CHAIN_CREATE), EPERM);
	assert_int_equal(chain_op(DIR "/limit", SHALLOW_CHAIN, CHAIN_CREATE), 0);
	assert_int_equal(chain_op(DIR "/limit", SHALLOW_CHAIN, CHAIN_DELETE), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(longest_match_decides_levels_up, setup, teardown),
		cmocka_unit_test_setup_teardown(name_key_decides_levels_up, setup, teardown),
		cmocka_unit_test_setup_teardown(rules_on_both_sides_of_a_mount, setup, teardown),
		cmocka_unit_test_setup_teardown(deep_rule_and_walk_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(unruled_accesses_need_no_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(long_path_event_is_cut_at_a_component, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("file_walk", tests, NULL, NULL);
}
