// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_scope_walk.c - stk_scope_walk() (agent/scope_set.c) over a directory
 * tree standing in for the cgroup2 filesystem: every directory's entry in a
 * real BPF hash map holds both generations' scopes, each from its own globs.
 * Skipped where this process may not create BPF maps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>

#include "policy.h"
#include "scope_set.h"

static const char *const tree[] = { "a", "a/b", "x", "x/y" };

struct fixture {
	char root[64];
	int fd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[128];
	size_t i;

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/stk-scope-walk-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->root, tree[i]);
		if (mkdir(path, 0755))
			return -1;
	}
	f->fd = bpf_map_create(BPF_MAP_TYPE_HASH, "stk_test_scopes", sizeof(__u64),
			       sizeof(struct stk_cgroup_gens), 64, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];
	size_t i = sizeof(tree) / sizeof(tree[0]);

	while (i--) {
		snprintf(path, sizeof(path), "%s/%s", f->root, tree[i]);
		rmdir(path);
	}
	rmdir(f->root);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
	return 0;
}

/* The entry the walk wrote for @dir ("" for the root). */
static struct stk_cgroup_gens entry_of(const struct fixture *f, const char *dir)
{
	struct stk_cgroup_gens e;
	char path[128];
	struct stat st;
	__u64 id;

	snprintf(path, sizeof(path), "%s/%s", f->root, dir);
	assert_int_equal(stat(path, &st), 0);
	id = st.st_ino;
	if (bpf_map_lookup_elem(f->fd, &id, &e))
		fail_msg("no entry for %s: %s", path, strerror(errno));
	return e;
}

static void compile(const char *glob, __u16 scope, struct stk_glob_prog *ret)
{
	const char *why = NULL;
	size_t col = 0;

	if (stk_glob_compile(glob, scope, ret, &why, &col))
		fail_msg("glob %s: %s", glob, why);
}

/* Slot 2 from the policy's globs, slot 1 from the other generation's. */
static void both_halves_each_from_its_globs(void **state)
{
	struct fixture *f = *state;
	struct stk_glob_prog *mine = calloc(2, sizeof(*mine)), *other = mine + 1;
	struct stk_compiled *c = calloc(1, sizeof(*c));
	struct stk_cgroup_gens e;

	if (f->fd < 0)
		skip();
	assert_non_null(mine);
	assert_non_null(c);
	compile("/a/**", 1, mine);
	compile("/x", 1, other);
	c->globs = mine;
	c->n_globs = 1;
	c->n_scopes = 1;
	assert_int_equal(stk_scope_walk(f->fd, f->root, 2, c, other, 1), 0);
	e = entry_of(f, "");
	assert_int_equal(e.gen[0].scope, 0);
	assert_int_equal(e.gen[1].scope, 0);
	e = entry_of(f, "a");
	assert_int_equal(e.gen[0].scope, 0);
	assert_int_equal(e.gen[1].scope, 1);
	e = entry_of(f, "a/b");
	assert_int_equal(e.gen[0].scope, 0);
	assert_int_equal(e.gen[1].scope, 1);
	e = entry_of(f, "x");
	assert_int_equal(e.gen[0].scope, 1);
	assert_int_equal(e.gen[1].scope, 0);
	e = entry_of(f, "x/y"); /* inherits its parent's scope in slot 1 */
	assert_int_equal(e.gen[0].scope, 1);
	assert_int_equal(e.gen[1].scope, 0);
	assert_int_equal(e.gen[0].flags | e.gen[1].flags, 0);
	free(c);
	free(mine);
}

/* A second walk rewrites every entry whole: nothing of the first stays. */
static void walk_again_replaces_the_entries(void **state)
{
	struct fixture *f = *state;
	struct stk_glob_prog *g = calloc(1, sizeof(*g));
	struct stk_compiled *c = calloc(1, sizeof(*c));
	struct stk_cgroup_gens e;

	if (f->fd < 0)
		skip();
	assert_non_null(g);
	assert_non_null(c);
	compile("/x/*", 1, g);
	c->globs = g;
	c->n_globs = 1;
	c->n_scopes = 1;
	assert_int_equal(stk_scope_walk(f->fd, f->root, 1, c, g, 1), 0);
	e = entry_of(f, "x/y");
	assert_int_equal(e.gen[0].scope, 1);
	assert_int_equal(e.gen[1].scope, 1);
	/* No globs in slot 1 now (a reload that removed the scoped policy). */
	c->n_globs = 0;
	c->n_scopes = 0;
	assert_int_equal(stk_scope_walk(f->fd, f->root, 1, c, g, 1), 0);
	e = entry_of(f, "x/y");
	assert_int_equal(e.gen[0].scope, 0);
	assert_int_equal(e.gen[1].scope, 1);
	assert_int_equal(e.gen[0].state[0], 0);
	assert_int_equal(stk_scope_walk(f->fd, f->root, 3, c, g, 1), -EINVAL);
	free(c);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(both_halves_each_from_its_globs, setup, teardown),
		cmocka_unit_test_setup_teardown(walk_again_replaces_the_entries, setup, teardown),
	};

	return cmocka_run_group_tests_name("scope_walk", tests, NULL, NULL);
}
