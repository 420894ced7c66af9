// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_file_cache.c - the walk's caches (bpf/lsm/file_cache.bpf.h) never
 * outlive what they depend on. Each case first judges its files several
 * times (so the verdicts are cached: a file's own entry, its directory's
 * ancestry), then changes one thing a cached verdict depends on, and checks
 * that the very next decision is the new one: a file or a directory moved
 * (rename, exchange), a mount moved, the same file through two mounts, a
 * hard link, and reloads that bring a generation slot back with other
 * rules. Without the cache's checks each of them would give the old verdict.
 * A directory's entry judges a file in it alone only where no name rule and
 * no rule of the file's own comes first.
 * And an agent that cannot read the kernel addresses the checks need caches
 * nothing, and says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/capability.h>

#include "ktest.h"

#define DIR "/tmp/kt-cache"
#define POLICY DIR "/policy.json"
/* Judged this often before a change: the first fills the caches, the rest use them. */
#define WARM 3

static const char *const reload_cmd[] = { "stockade", "reload", NULL };
static const char *const status_cmd[] = { "stockade", "status", "--json", NULL };

/* Whether the running agent's status says the caches are on (@on) or off. */
static bool status_says_cache(bool on)
{
	static char out[65536];

	if (kt_stockade_out(status_cmd, out, sizeof(out)))
		return false;
	return strstr(out, on ? "\"file_cache\":true" : "\"file_cache\":false") ||
	       strstr(out, on ? "\"file_cache\": true" : "\"file_cache\": false");
}

/*
 * DIR/deny/ may not be read, DIR/nc/ may not get new names (so nothing can
 * be renamed into it either: it is reached by moving a mount); everything
 * else is allowed.
 */
static void write_policy(const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"kt-cache\", \"mode\": \"enforce\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		 "    { \"id\": \"deny-tree\", \"paths\": [\"" DIR "/deny/\"],\n"
		 "      \"access\": [\"read\"], \"action\": \"deny\" },\n"
		 "    { \"id\": \"no-create\", \"paths\": [\"" DIR "/nc/\"],\n"
		 "      \"access\": [\"create\"], \"action\": \"deny\" }%s ] } }\n",
		 extra);
	kt_write(POLICY, text);
}

/* Runs @op on @path @n times; fails unless every one gives @want (0 or an errno). */
static void all_give(const char *what, int (*op)(const char *), const char *path, int n,
		     int want)
{
	int i, got;

	for (i = 0; i < n; i++) {
		got = op(path);
		if (got != want)
			fail_msg("%s %s (%d of %d): %s, expected %s", what, path, i + 1, n,
				 got ? strerror(got) : "allowed", want ? strerror(want) : "allowed");
	}
}

static int open_gives(const char *path)
{
	return kt_open(path, O_RDONLY);
}

/* Opens @path for reading @n times; fails unless every one gives @want. */
static void opens_give(const char *path, int n, int want)
{
	all_give("open", open_gives, path, n, want);
}

/* Creates then removes @path (a new name: the create hook, its directory's ancestry). */
static int create_gives(const char *path)
{
	int got = kt_open(path, O_WRONLY | O_CREAT);

	if (!got)
		unlink(path);
	return got;
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/ok");
	kt_mkdirs(DIR "/deny");
	kt_mkdirs(DIR "/nc");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(DIR "/ok/m", MNT_DETACH);
	umount2(DIR "/deny/m", MNT_DETACH);
	umount2(DIR "/deny/b", MNT_DETACH);
	umount2(DIR "/nc/m", MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

/* A file moved into the denied tree, and back. */
static void moved_file_is_judged_where_it_is(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_write(DIR "/ok/a/f", "f\n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);
	/* The kernel addresses reached the programs: the cases here test caches. */
	assert_true(status_says_cache(true));
	assert_false(kt_file_has(a.stderr_path, "caches are off"));

	opens_give(DIR "/ok/a/f", WARM, 0);
	assert_int_equal(rename(DIR "/ok/a/f", DIR "/deny/f"), 0);
	opens_give(DIR "/deny/f", WARM, EPERM);
	assert_int_equal(rename(DIR "/deny/f", DIR "/ok/a/f"), 0);
	opens_give(DIR "/ok/a/f", WARM, 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * A directory two levels above the files moved into the denied tree: the
 * files' own entries and their directory's ancestry both predate the move.
 */
static void moved_directory_takes_its_files_along(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_write(DIR "/ok/sub/x/f", "f\n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);

	opens_give(DIR "/ok/sub/x/f", WARM, 0);
	assert_int_equal(rename(DIR "/ok/sub", DIR "/deny/sub"), 0);
	opens_give(DIR "/deny/sub/x/f", WARM, EPERM);
	assert_int_equal(rename(DIR "/deny/sub", DIR "/ok/sub"), 0);
	opens_give(DIR "/ok/sub/x/f", WARM, 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* RENAME_EXCHANGE of an allowed and a denied directory swaps their files' verdicts. */
static void exchange_swaps_verdicts(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_write(DIR "/ok/e/f", "allowed\n");
	kt_write(DIR "/deny/e/f", "denied\n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);

	opens_give(DIR "/ok/e/f", WARM, 0);
	opens_give(DIR "/deny/e/f", WARM, EPERM);
	assert_int_equal(renameat2(AT_FDCWD, DIR "/ok/e", AT_FDCWD, DIR "/deny/e", RENAME_EXCHANGE),
			 0);
	opens_give(DIR "/ok/e/f", WARM, 0);	/* the formerly denied directory's file */
	opens_give(DIR "/deny/e/f", WARM, EPERM); /* the formerly allowed one's */
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * A mount moved (MS_MOVE) from the allowed tree into the denied ones: no
 * dentry moves, the mount tree does. Both a file's own verdict (open) and a
 * directory's ancestry (create, of names that never existed) move with it.
 */
static void moved_mount_takes_its_files_along(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_mkdirs(DIR "/ok/m");
	kt_mkdirs(DIR "/deny/m");
	kt_mkdirs(DIR "/nc/m");
	assert_int_equal(mount("kt-cache-m", DIR "/ok/m", "tmpfs", 0, NULL), 0);
	kt_write(DIR "/ok/m/d/f", "f\n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);

	opens_give(DIR "/ok/m/d/f", WARM, 0);
	assert_int_equal(create_gives(DIR "/ok/m/d/new1"), 0);
	assert_int_equal(create_gives(DIR "/ok/m/d/new2"), 0);
	assert_int_equal(mount(DIR "/ok/m", DIR "/deny/m", NULL, MS_MOVE, NULL), 0);
	opens_give(DIR "/deny/m/d/f", WARM, EPERM);
	assert_int_equal(mount(DIR "/deny/m", DIR "/nc/m", NULL, MS_MOVE, NULL), 0);
	opens_give(DIR "/nc/m/d/f", WARM, 0);
	assert_int_equal(create_gives(DIR "/nc/m/d/new3"), EPERM);
	assert_int_equal(mount(DIR "/nc/m", DIR "/ok/m", NULL, MS_MOVE, NULL), 0);
	opens_give(DIR "/ok/m/d/f", WARM, 0);
	assert_int_equal(create_gives(DIR "/ok/m/d/new4"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
	assert_int_equal(umount2(DIR "/ok/m", MNT_DETACH), 0);
}

/*
 * One file through two mounts of its file system in turns: the file system
 * mounted whole in the allowed tree, and a bind mount of its directory in the
 * denied one. (A bind mount of a subtree gets no key at its root, so only the
 * walk through the mount tells the two apart; docs/design.md.)
 */
static void one_file_through_two_mounts(void **state)
{
	struct ktest_agent a;
	int i;

	(void)state;
	kt_mkdirs(DIR "/ok/m");
	kt_mkdirs(DIR "/deny/b");
	assert_int_equal(mount("kt-cache-b", DIR "/ok/m", "tmpfs", 0, NULL), 0);
	kt_write(DIR "/ok/m/d/f", "f\n");
	assert_int_equal(mount(DIR "/ok/m/d", DIR "/deny/b", NULL, MS_BIND, NULL), 0);
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);

	for (i = 0; i < WARM; i++) {
		opens_give(DIR "/ok/m/d/f", 2, 0);
		opens_give(DIR "/deny/b/f", 2, EPERM);
	}
	assert_int_equal(kt_agent_stop(&a), 0);
	assert_int_equal(umount2(DIR "/deny/b", MNT_DETACH), 0);
	assert_int_equal(umount2(DIR "/ok/m", MNT_DETACH), 0);
}

/*
 * A hard link into the denied tree to a file whose own verdict is cached;
 * then the allowed name goes, and the denied one (one link again) stays denied.
 */
static void hard_link_is_judged_by_its_own_name(void **state)
{
	struct ktest_agent a;
	int i;

	(void)state;
	kt_write(DIR "/ok/h", "h\n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);

	opens_give(DIR "/ok/h", WARM, 0);
	assert_int_equal(link(DIR "/ok/h", DIR "/deny/h"), 0);
	for (i = 0; i < WARM; i++) {
		opens_give(DIR "/deny/h", 1, EPERM);
		opens_give(DIR "/ok/h", 1, 0);
	}
	assert_int_equal(unlink(DIR "/ok/h"), 0);
	opens_give(DIR "/deny/h", WARM, EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * Reloads switch between two generation slots: the third policy is in the
 * first one's slot again, with other rules. Cached under the first, the
 * file's verdict must not come back.
 */
static void reloads_never_bring_back_old_verdicts(void **state)
{
	static const char deny_r[] = ",\n    { \"id\": \"deny-r\", \"paths\": [\"" DIR
				     "/ok/r/\"], \"access\": [\"read\"], \"action\": \"deny\" }";
	struct ktest_agent a;
	char err[4096];

	(void)state;
	kt_write(DIR "/ok/r/f", "f\n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);
	opens_give(DIR "/ok/r/f", WARM, 0);

	write_policy(deny_r);
	assert_int_equal(kt_stockade(reload_cmd, err, sizeof(err)), 0);
	opens_give(DIR "/ok/r/f", WARM, EPERM);

	/* The same rules again, in the first slot. */
	assert_int_equal(kt_stockade(reload_cmd, err, sizeof(err)), 0);
	opens_give(DIR "/ok/r/f", WARM, EPERM);

	write_policy("");
	assert_int_equal(kt_stockade(reload_cmd, err, sizeof(err)), 0);
	opens_give(DIR "/ok/r/f", WARM, 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* Creates and removes @path @n times; fails unless every one gives @want. */
static void creates_give(const char *path, int n, int want)
{
	all_give("create", create_gives, path, n, want);
}

/*
 * A directory's entry also says whether the directory has name entries
 * (rules on names that do not exist yet); only if it has none is a name in
 * it judged by that entry alone. The directory's entry is warm from other
 * names, under a policy without the name rule and then with it.
 */
static void name_rules_are_never_skipped(void **state)
{
	static const char secret[] = ",\n    { \"id\": \"no-secret\", \"paths\": [\"" DIR
				     "/ok/n/secret\"], \"access\": [\"create\"], \"action\": \"deny\" }";
	struct ktest_agent a;
	char err[4096];

	(void)state;
	kt_mkdirs(DIR "/ok/n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);
	creates_give(DIR "/ok/n/other", WARM, 0);
	creates_give(DIR "/ok/n/secret", WARM, 0);

	/* The directory's first name rule, by a reload: its entry predates it. */
	write_policy(secret);
	assert_int_equal(kt_stockade(reload_cmd, err, sizeof(err)), 0);
	creates_give(DIR "/ok/n/other", WARM, 0);
	creates_give(DIR "/ok/n/secret", WARM, EPERM);
	assert_int_equal(kt_err_of(mkdir(DIR "/ok/n/secret", 0755)), EPERM);
	creates_give(DIR "/ok/n/other", WARM, 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * A file's own key comes before its directory's ancestry, also where the
 * directory's entry is warm and has no name entries: a file and a
 * directory with rules of their own (their keys follow the inode) reached
 * in another directory, by a hard link and by a rename, may not be
 * deleted there, while new names around them are allowed.
 */
static void own_rules_come_before_the_directory(void **state)
{
	static const char own[] = ",\n    { \"id\": \"keep\", \"paths\": [\"" DIR
				  "/ok/p/keep\"], \"access\": [\"delete\"], \"action\": \"deny\" },"
				  "\n    { \"id\": \"sub\", \"paths\": [\"" DIR
				  "/ok/p/sub/\"], \"access\": [\"delete\"], \"action\": \"deny\" }";
	struct ktest_agent a;
	int i;

	(void)state;
	kt_write(DIR "/ok/p/keep", "k\n");
	kt_mkdirs(DIR "/ok/p/sub");
	kt_mkdirs(DIR "/ok/q");
	write_policy(own);
	kt_agent_start(&a, POLICY, NULL);
	assert_int_equal(kt_err_of(link(DIR "/ok/p/keep", DIR "/ok/q/alias")), 0);
	assert_int_equal(kt_err_of(rename(DIR "/ok/p/sub", DIR "/ok/q/sub")), 0);
	for (i = 0; i < WARM; i++) {
		creates_give(DIR "/ok/q/other", WARM, 0);
		assert_int_equal(kt_err_of(unlink(DIR "/ok/q/alias")), EPERM);
		assert_int_equal(kt_err_of(rmdir(DIR "/ok/q/sub")), EPERM);
		opens_give(DIR "/ok/q/alias", 1, 0);
	}
	assert_int_equal(kt_err_of(mkdir(DIR "/ok/q/gone", 0755)), 0);
	assert_int_equal(kt_err_of(rmdir(DIR "/ok/q/gone")), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * An agent that cannot read kernel addresses (no CAP_SYSLOG in its bounding
 * set) says so, status says so, and it still judges every change right
 * (nothing is cached). Last: the test's own bounding set stays without it.
 */
static void without_kernel_addresses_nothing_is_cached(void **state)
{
	struct ktest_agent a;

	(void)state;
	assert_int_equal(prctl(PR_CAPBSET_DROP, CAP_SYSLOG, 0, 0, 0), 0);
	kt_write(DIR "/ok/a/f", "f\n");
	write_policy("");
	kt_agent_start(&a, POLICY, NULL);
	assert_true(kt_file_has(a.stderr_path, "file decision caches are off"));
	assert_true(kt_file_has(a.stderr_path, "it needs CAP_SYSLOG"));
	assert_true(status_says_cache(false));

	opens_give(DIR "/ok/a/f", WARM, 0);
	assert_int_equal(rename(DIR "/ok/a", DIR "/deny/a"), 0);
	opens_give(DIR "/deny/a/f", WARM, EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(moved_file_is_judged_where_it_is, setup, teardown),
		cmocka_unit_test_setup_teardown(moved_directory_takes_its_files_along, setup,
						teardown),
		cmocka_unit_test_setup_teardown(exchange_swaps_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(moved_mount_takes_its_files_along, setup, teardown),
		cmocka_unit_test_setup_teardown(one_file_through_two_mounts, setup, teardown),
		cmocka_unit_test_setup_teardown(hard_link_is_judged_by_its_own_name, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reloads_never_bring_back_old_verdicts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(name_rules_are_never_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(own_rules_come_before_the_directory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(without_kernel_addresses_nothing_is_cached, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
