/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * container_of.h - what a cgroup path shows of its container and unit.
 *
 * Pure code: the cgroup path (relative to the cgroup2 mount) as the
 * container runtimes and systemd name them. Used for the events' `container`,
 * `runtime` and `unit` fields and by `stockade log --container`.
 */
#ifndef STK_CONTAINER_OF_H
#define STK_CONTAINER_OF_H

#include <stddef.h>

/* A container id: 64 lowercase hex digits. */
#define STK_CONTAINER_ID_LEN 64

struct stk_container_of {
	char container[STK_CONTAINER_ID_LEN + 1]; /* "" when the path shows none */
	const char *runtime; /* "docker", "containerd", "cri-o", "podman", "kubernetes"; NULL */
	const char *unit;    /* the deepest systemd unit (x.service, x.scope): points into the path */
	size_t unit_len;
};

/*
 * stk_container_of() - reads @cgroup (e.g.
 * "/system.slice/docker-<id>.scope"): the deepest container id any runtime
 * names (docker-<id>.scope, /docker/<id>, cri-containerd-<id>.scope,
 * crio-<id>.scope, libpod-<id>.scope, a bare <id> below kubepods), its
 * runtime, and the deepest systemd unit. @cgroup NULL gives an empty scope.
 * @ret keeps pointers into @cgroup.
 */
void stk_container_of(const char *cgroup, struct stk_container_of *ret);

#endif /* STK_CONTAINER_OF_H */
