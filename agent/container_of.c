// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * container_of.c - container and unit of a cgroup path (see container_of.h).
 *
 * Runtimes name their cgroups after the container id: with the systemd
 * cgroup driver a scope unit "<prefix><id>.scope", with the cgroupfs driver
 * a directory "<id>" below "docker" or a Kubernetes pod's directory. Only
 * the shape is trusted: a 64-digit lowercase hex id, nothing else.
 */
#include <stdbool.h>
#include <string.h>

#include "container_of.h"

static const struct {
	const char *prefix;
	const char *runtime;
} scope_prefixes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

static bool is_id(const char *s, size_t n)
{
	size_t i;

	if (n != STK_CONTAINER_ID_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && !memcmp(s + n - k, suffix, k);
}

/* The runtime of one path component naming a container, or NULL. */
static const char *component_runtime(const char *c, size_t n, const char *parent, size_t parent_len,
				     bool in_kubepods)
{
	size_t i, pl, idl;

	for (i = 0; i < sizeof(scope_prefixes) / sizeof(scope_prefixes[0]); i++) {
		pl = strlen(scope_prefixes[i].prefix);
		if (n <= pl || memcmp(c, scope_prefixes[i].prefix, pl))
			continue;
		idl = n - pl;
		if (ends_with(c, n, ".scope"))
			idl -= 6;
		if (is_id(c + pl, idl))
			return scope_prefixes[i].runtime;
	}
	if (!is_id(c, n))
		return NULL;
	if (parent_len == 6 && !memcmp(parent, "docker", 6))
		return "docker";
	if (parent_len > 7 && !memcmp(parent, "libpod_", 7))
		return "podman";
	/* The cgroupfs driver of the kubelet: the runtime is not in the path. */
	return in_kubepods ? "kubernetes" : "";
}

/* Where the id starts in a component component_runtime() accepted. */
static const char *component_id(const char *c, size_t n)
{
	return c + n - STK_CONTAINER_ID_LEN - (ends_with(c, n, ".scope") ? 6 : 0);
}

void stk_container_of(const char *cgroup, struct stk_container_of *ret)
{
	const char *p = cgroup, *end, *parent = "", *rt;
	size_t n, parent_len = 0;
	bool in_kubepods = false;

	memset(ret, 0, sizeof(*ret));
	if (!cgroup)
		return;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (!strncmp(p, "kubepods", 8))
			in_kubepods = true;
		rt = component_runtime(p, n, parent, parent_len, in_kubepods);
		if (rt) {
			memcpy(ret->container, component_id(p, n), STK_CONTAINER_ID_LEN);
			ret->container[STK_CONTAINER_ID_LEN] = '\0';
			ret->runtime = *rt ? rt : NULL;
		}
		if (ends_with(p, n, ".service") || ends_with(p, n, ".scope")) {
			ret->unit = p;
			ret->unit_len = n;
		}
		parent = p;
		parent_len = n;
		p += n;
	}
}
