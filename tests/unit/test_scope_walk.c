// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_scope_walk.c - stk_scope_walk() (agent/scope_set.c) over a directory
 * tree standing in for the cgroup2 filesystem, into real BPF hash maps:
 * every directory's results of both slots' globs (what the tracer computes
 * children from), and its entry of the slot walked, leaving the other
 * slot's entries alone.
 * Skipped where this process may not create BPF maps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
	struct stk_scope_maps maps;
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
	f->maps.states_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "stk_test_states", sizeof(__u64),
					   sizeof(struct stk_cgroup_gens), 64, NULL);
	f->maps.scopes_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "stk_test_scopes",
					   sizeof(struct stk_cgroup_key),
					   sizeof(struct stk_cgroup_entry), 128, NULL);
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
	if (f->maps.states_fd >= 0)
		close(f->maps.states_fd);
	if (f->maps.scopes_fd >= 0)
		close(f->maps.scopes_fd);
	free(f);
	return 0;
}

static __u64 id_of(const struct fixture *f, const char *dir)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->root, dir);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* The results the walk wrote for @dir ("" for the root). */
static struct stk_cgroup_gens states_of(const struct fixture *f, const char *dir)
{
	struct stk_cgroup_gens e;
	__u64 id = id_of(f, dir);

	if (bpf_map_lookup_elem(f->maps.states_fd, &id, &e))
		fail_msg("no results for %s: %s", dir, strerror(errno));
	return e;
}

/* The scope of @dir's entry of generation @slot; -1 if it has none. */
static int scope_of(const struct fixture *f, const char *dir, __u32 slot)
{
	struct stk_cgroup_key key = { .cgroup_id = id_of(f, dir), .slot = slot };
	struct stk_cgroup_entry e;

	if (bpf_map_lookup_elem(f->maps.scopes_fd, &key, &e))
		return -1;
	return e.scope;
}

static void compile(const char *glob, __u16 scope, struct stk_glob_prog *ret)
{
	const char *why = NULL;
	size_t col = 0;

	if (stk_glob_compile(glob, scope, ret, &why, &col))
		fail_msg("glob %s: %s", glob, why);
}

static bool no_maps(const struct fixture *f)
{
	return f->maps.states_fd < 0 || f->maps.scopes_fd < 0;
}

/* Results of slot 2 from the policy's globs, of slot 1 from the other generation's. */
static void both_halves_each_from_its_globs(void **state)
{
	struct fixture *f = *state;
	struct stk_glob_prog *mine = calloc(2, sizeof(*mine)), *other = mine + 1;
	struct stk_compiled *c = calloc(1, sizeof(*c));
	struct stk_cgroup_gens e;

	if (no_maps(f))
		skip();
	assert_non_null(mine);
	assert_non_null(c);
	compile("/a/**", 1, mine);
	compile("/x", 1, other);
	c->globs = mine;
	c->n_globs = 1;
	c->n_scopes = 1;
	assert_int_equal(stk_scope_walk(&f->maps, f->root, 2, c, other, 1, BPF_ANY), 0);
	e = states_of(f, "");
	assert_int_equal(e.gen[0].scope, 0);
	assert_int_equal(e.gen[1].scope, 0);
	e = states_of(f, "a");
	assert_int_equal(e.gen[0].scope, 0);
	assert_int_equal(e.gen[1].scope, 1);
	e = states_of(f, "a/b");
	assert_int_equal(e.gen[0].scope, 0);
	assert_int_equal(e.gen[1].scope, 1);
	e = states_of(f, "x");
	assert_int_equal(e.gen[0].scope, 1);
	assert_int_equal(e.gen[1].scope, 0);
	e = states_of(f, "x/y"); /* inherits its parent's scope in slot 1 */
	assert_int_equal(e.gen[0].scope, 1);
	assert_int_equal(e.gen[1].scope, 0);
	assert_int_equal(e.gen[0].flags | e.gen[1].flags, 0);
	/* The hooks' entries: slot 2's only. */
	assert_int_equal(scope_of(f, "", 2), 0);
	assert_int_equal(scope_of(f, "a", 2), 1);
	assert_int_equal(scope_of(f, "a/b", 2), 1);
	assert_int_equal(scope_of(f, "x", 2), 0);
	assert_int_equal(scope_of(f, "x/y", 2), 0);
	assert_int_equal(scope_of(f, "x", 1), -1);
	assert_int_equal(scope_of(f, "a", 1), -1);
	free(c);
	free(mine);
}

/*
 * A reload's walk (BPF_ANY) replaces the slot's entries and leaves the
 * other slot's; the first fill (BPF_NOEXIST) keeps an entry the tracer
 * already wrote.
 */
static void walk_again_replaces_the_entries(void **state)
{
	struct fixture *f = *state;
	struct stk_glob_prog *g = calloc(2, sizeof(*g));
	struct stk_compiled *c = calloc(1, sizeof(*c));

	if (no_maps(f))
		skip();
	assert_non_null(g);
	assert_non_null(c);
	compile("/x/*", 1, g);
	compile("/a", 1, g + 1);
	c->globs = g;
	c->n_globs = 1;
	c->n_scopes = 1;
	assert_int_equal(stk_scope_walk(&f->maps, f->root, 1, c, NULL, 0, BPF_NOEXIST), 0);
	assert_int_equal(scope_of(f, "x/y", 1), 1);
	assert_int_equal(scope_of(f, "a", 1), 0);
	/* A reload into slot 2 with another glob: slot 1's entries stay. */
	c->globs = g + 1;
	assert_int_equal(stk_scope_walk(&f->maps, f->root, 2, c, g, 1, BPF_ANY), 0);
	assert_int_equal(scope_of(f, "x/y", 2), 0);
	assert_int_equal(scope_of(f, "a", 2), 1);
	assert_int_equal(scope_of(f, "x/y", 1), 1);
	assert_int_equal(states_of(f, "x/y").gen[0].scope, 1);
	assert_int_equal(states_of(f, "x/y").gen[1].scope, 0);
	assert_int_equal(states_of(f, "x/y").gen[1].state[0], 0);
	/* And back into slot 1 with no globs: its entries are rewritten. */
	c->n_globs = 0;
	c->n_scopes = 0;
	assert_int_equal(stk_scope_walk(&f->maps, f->root, 1, c, g + 1, 1, BPF_ANY), 0);
	assert_int_equal(scope_of(f, "x/y", 1), 0);
	assert_int_equal(scope_of(f, "a", 2), 1);
	/* A first fill over existing entries changes none of them. */
	c->globs = g + 1;
	c->n_globs = 1;
	c->n_scopes = 1;
	assert_int_equal(stk_scope_walk(&f->maps, f->root, 1, c, NULL, 0, BPF_NOEXIST), 0);
	assert_int_equal(scope_of(f, "a", 1), 0);
	assert_int_equal(stk_scope_walk(&f->maps, f->root, 3, c, NULL, 0, BPF_ANY), -EINVAL);
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
