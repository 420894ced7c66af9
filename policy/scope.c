/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * scope.c - the "scope" section: the cgroup globs a policy applies to, and
 * their automata (stk_glob.h).
 *
 * A glob is a cgroup path relative to the cgroup v2 mount: "/" and then
 * components separated by '/'. In a component, "*" matches any run of
 * characters but '/'; a component that is exactly "**" matches any number
 * of components, none included ("**" elsewhere is an error). Elements: one
 * per literal character and per "*", two for a "**" component with its slash.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"
#include "stk_glob.h"

void stk_scope_free(struct stk_scope *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->cgroups[i]);
	free(s->cgroups);
	free(s->pos);
	memset(s, 0, sizeof(*s));
}

/* Appends element @bit to @g; returns false when the glob is too long. */
static bool add_elem(unsigned int *bit)
{
	return ++*bit <= STK_GLOB_ELEMS;
}

int stk_glob_compile(const char *glob, __u16 scope, struct stk_glob_prog *ret, const char **why,
		     size_t *ret_off)
{
	const char *p = glob, *comp, *end;
	unsigned int bit = 0; /* elements so far: the next element's bit */
	bool prev_dstar = false;

	memset(ret, 0, sizeof(*ret));
	*ret_off = 0;
	if (glob[0] != '/') {
		*why = "a cgroup glob starts with '/' (it is relative to the cgroup v2 mount)";
		return -EINVAL;
	}
	if (glob[1] == '\0') {
		*why = "the scope \"/\" is every process: write a policy without \"scope\" instead";
		return -EINVAL;
	}
	while (*p) {
		comp = p + 1; /* p is at a '/' */
		end = strchrnul(comp, '/');
		*ret_off = (size_t)(comp - glob);
		if (end == comp) {
			*why = "empty path component (\"//\" or a trailing '/')";
			return -EINVAL;
		}
		if ((end - comp == 1 && comp[0] == '.') ||
		    (end - comp == 2 && comp[0] == '.' && comp[1] == '.')) {
			*why = "\".\" and \"..\" are not cgroup names";
			return -EINVAL;
		}
		if (end - comp == 2 && comp[0] == '*' && comp[1] == '*') {
			if (prev_dstar) {
				*why = "\"**\" right after \"**\" says nothing more: write it once";
				return -EINVAL;
			}
			ret->lit['/'] |= 1ULL << bit;
			ret->skip2 |= 1ULL << bit;
			if (!add_elem(&bit))
				goto too_long;
			ret->any |= 1ULL << bit;
			if (!add_elem(&bit))
				goto too_long;
			prev_dstar = true;
			p = end;
			continue;
		}
		prev_dstar = false;
		ret->lit['/'] |= 1ULL << bit;
		if (!add_elem(&bit))
			goto too_long;
		for (p = comp; p < end; p++) {
			unsigned char ch = (unsigned char)*p;

			*ret_off = (size_t)(p - glob);
			if (ch == '*') {
				/* A component that is exactly "**" was taken above. */
				if (p[1] == '*') {
					*why = "\"**\" must be a whole path component";
					return -EINVAL;
				}
				ret->star |= 1ULL << bit;
				if (!add_elem(&bit))
					goto too_long;
				continue;
			}
			if (ch < 0x20 || ch == 0x7f) {
				*why = "control character in a cgroup glob";
				return -EINVAL;
			}
			ret->lit[ch] |= 1ULL << bit;
			if (!add_elem(&bit))
				goto too_long;
		}
	}
	ret->accept = 1ULL << bit;
	ret->scope = scope;
	return 0;
too_long:
	*why = "cgroup glob too long (at most 63 characters, a \"**\" component counting two)";
	memset(ret, 0, sizeof(*ret));
	return -EINVAL;
}

bool stk_glob_match(const struct stk_glob_prog *g, const char *path)
{
	__u64 d = stk_glob_start(g);

	/* The root cgroup is never a scope: see stk_glob_compile(). */
	if (!strcmp(path, "/"))
		return false;
	for (; *path; path++)
		d = stk_glob_step(g, d, (unsigned char)*path);
	return stk_glob_accepts(g, d);
}

void stk_scope_root(const struct stk_glob_prog *globs, size_t n_globs,
		    struct stk_cgroup_scope *ret)
{
	size_t i;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < n_globs && i < STK_GLOB_MAX; i++)
		ret->state[i] = stk_glob_start(&globs[i]);
}

void stk_scope_child(const struct stk_glob_prog *globs, size_t n_globs,
		     const struct stk_cgroup_scope *parent, const char *name,
		     struct stk_cgroup_scope *ret)
{
	__u16 scope = 0, flags = 0;
	const char *p;
	size_t i;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < n_globs && i < STK_GLOB_MAX; i++) {
		__u64 d = stk_glob_step(&globs[i], parent->state[i], '/');

		for (p = name; *p; p++)
			d = stk_glob_step(&globs[i], d, (unsigned char)*p);
		ret->state[i] = d;
		stk_glob_vote(&globs[i], d, &scope, &flags);
	}
	ret->scope = scope ? scope : parent->scope;
	ret->flags = flags;
}

unsigned int stk_scope_of_path(const struct stk_compiled *c, const char *path,
			       unsigned int *ret_flags)
{
	struct stk_cgroup_scope cur, next;
	char name[256];
	const char *p = path, *end;
	unsigned int flags = 0;

	stk_scope_root(c->globs, c->n_globs, &cur);
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		if ((size_t)(end - p) >= sizeof(name))
			break;
		memcpy(name, p, (size_t)(end - p));
		name[end - p] = '\0';
		stk_scope_child(c->globs, c->n_globs, &cur, name, &next);
		flags |= next.flags;
		cur = next;
		p = end;
	}
	if (ret_flags)
		*ret_flags = flags;
	return cur.scope;
}

static void parse_cgroups(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_scope *s = out;
	size_t n = stk_parse_list(c, v, "'cgroups'"), i;
	struct stk_glob_prog prog;
	const char *why;
	size_t off;

	if (!n)
		return;
	s->cgroups = calloc(n, sizeof(*s->cgroups));
	s->pos = calloc(n, sizeof(*s->pos));
	if (!s->cgroups || !s->pos) {
		stk_nomem(c);
		return;
	}
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval gv = stk_jval_element(c, v, i, o);
		char *g;

		if (!stk_want_type(c, &gv, json_type_string, "cgroup glob"))
			continue;
		g = stk_jval_strdup(c, &gv);
		if (!g)
			return;
		if (stk_glob_compile(g, 1, &prog, &why, &off)) {
			/* The column of the character, past the opening quote. */
			struct stk_pos at = { gv.pos.line, gv.pos.col + 1 + (int)off };

			stk_perror(c, at, "cgroup glob \"%s\": %s", g, why);
			free(g);
			continue;
		}
		s->pos[s->n] = gv.pos;
		s->cgroups[s->n++] = g;
	}
}

static const struct stk_member scope_keys[] = {
	{ "cgroups", parse_cgroups, true },
};

void stk_parse_scope(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;

	p->scope.key_pos = v->pos;
	stk_parse_object(c, v, "'scope'", scope_keys, sizeof(scope_keys) / sizeof(scope_keys[0]),
			 &p->scope);
}
