// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tree_locks.c - the addresses of the kernel's rename_lock and mount_lock
 * for the file walk's caches (see tree_locks.h).
 *
 * The programs could name them as __ksym externs, but libbpf resolves
 * those by reading all of /proc/kallsyms with fscanf() for each object that
 * has one: about 60 ms natively per object (and ten times that in the
 * VM), for three objects. Here the file is read once per process, and a
 * line's name is compared before anything of it is converted. The
 * addresses go into each object's .rodata, so the verifier still sees
 * constants (and drops the cache code where they are 0).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "tree_locks.h"

#define KALLSYMS "/proc/kallsyms"

static struct {
	bool read;
	bool shown; /* the file shows addresses (the first one is not 0) */
	unsigned long long rename_lock, mount_lock;
} locks;

/* Whether @sym, the rest of a line after the type's space, is @name. */
static bool names(const char *sym, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(sym, name, n) && (sym[n] == '\n' || sym[n] == '\0');
}

/* Whether the address @line starts with is 0 (all hidden, or a per-CPU offset). */
static bool zero_address(const char *line)
{
	size_t digits = strcspn(line, " ");

	return strspn(line, "0") >= digits;
}

static void read_locks(void)
{
	FILE *f = fopen(KALLSYMS, "re");
	char line[512], *type;

	locks.read = true;
	while (f && fgets(line, sizeof(line), f) && !(locks.rename_lock && locks.mount_lock)) {
		/* Module symbols carry a tab: both locks are the kernel's own. */
		if (strchr(line, '\t'))
			break;
		/* "ADDRESS TYPE NAME\n": the type is one letter after the address. */
		type = strchr(line, ' ');
		if (!type || !type[1] || type[2] != ' ')
			continue;
		/*
		 * Shown addresses are known by the first that is not 0 (per-CPU
		 * symbols come first, at offsets from 0); hidden ones by text
		 * at 0, where text never is.
		 */
		if (!locks.shown) {
			if (!zero_address(line))
				locks.shown = true;
			else if (type[1] == 'T' || type[1] == 't')
				break;
			else
				continue;
		}
		if (names(type + 3, "rename_lock"))
			locks.rename_lock = strtoull(line, NULL, 16);
		else if (names(type + 3, "mount_lock"))
			locks.mount_lock = strtoull(line, NULL, 16);
	}
	if (f)
		fclose(f);
}

bool stk_tree_locks_known(void)
{
	if (!locks.read)
		read_locks();
	return locks.rename_lock && locks.mount_lock;
}

const char *stk_tree_locks_missing(void)
{
	if (stk_tree_locks_known())
		return NULL;
	if (!locks.shown)
		return "/proc/kallsyms shows no kernel addresses to the agent (it needs "
		       "CAP_SYSLOG)";
	return "/proc/kallsyms does not list the kernel's rename_lock and mount_lock "
	       "(a kernel built without CONFIG_KALLSYMS_ALL)";
}

/* @obj's .rodata map, or NULL. */
static struct bpf_map *rodata_map(struct bpf_object *obj)
{
	size_t suffix = strlen(".rodata"), len;
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		len = strlen(bpf_map__name(m));
		if (bpf_map__is_internal(m) && len >= suffix &&
		    !strcmp(bpf_map__name(m) + len - suffix, ".rodata"))
			return m;
	}
	return NULL;
}

/*
 * The offset of the 8-byte constant @name in @obj's .rodata of @size
 * bytes: -ENOENT if it has none, -EINVAL if it is not 8 bytes inside.
 */
static long rodata_u64_offset(struct bpf_object *obj, const char *name, size_t size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var;
	int id, i;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		var = btf__type_by_id(btf, vs->type);
		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size != sizeof(uint64_t) || vs->offset + vs->size > size)
			return -EINVAL;
		return vs->offset;
	}
	return -ENOENT;
}

int stk_tree_locks_set(struct bpf_object *obj)
{
	const char *const name[2] = { "stk_rename_lock_addr", "stk_mount_lock_addr" };
	struct bpf_map *map = rodata_map(obj);
	unsigned long long addr[2];
	const void *initial;
	char *data = NULL;
	size_t size = 0;
	long off;
	int i, err = 0, found = 0;

	initial = map ? bpf_map__initial_value(map, &size) : NULL;
	if (!initial)
		return 0;
	stk_tree_locks_known();
	addr[0] = locks.rename_lock;
	addr[1] = locks.mount_lock;
	data = malloc(size);
	if (!data)
		return -ENOMEM;
	memcpy(data, initial, size);
	for (i = 0; i < 2 && !err; i++) {
		off = rodata_u64_offset(obj, name[i], size);
		if (off >= 0) {
			memcpy(data + off, &addr[i], sizeof(addr[i]));
			found++;
		} else if (off != -ENOENT) {
			err = (int)off;
		}
	}
	/* Both or neither: a program reads both. */
	if (!err && found == 1)
		err = -EINVAL;
	if (!err && found)
		err = bpf_map__set_initial_value(map, data, size);
	free(data);
	return err;
}
