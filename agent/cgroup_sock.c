// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cgroup_sock.c - load, fill and attach the network rules' programs.
 *
 * Maps are filled completely before anything is attached, so the first
 * socket judged is judged by the whole policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cgroup_sock.h"
#include "net_gen.h"
#include "sock.skel.h"
#include "verifier_stats.h"

struct stk_cgroup_sock {
	struct stk_cg_sock_bpf *skel;
};

int stk_cgroup_sock_prepare(struct stk_cgroup_sock **ret, const struct stk_net_compiled *n,
			    const struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
			    size_t why_len)
{
	struct stk_cgroup_sock *s;
	struct stk_cg_sock_bpf *k;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->skel = k = stk_cg_sock_bpf__open();
	if (!k) {
		err = -errno;
		snprintf(why, why_len, "opening the network BPF object failed: %s", strerror(-err));
		goto cleanup;
	}
	/*
	 * A map's size is fixed at creation: room for this policy and a reload
	 * next to it (net_gen.h). The tries do not preallocate; the arrays
	 * cost 8 bytes an entry.
	 */
	bpf_map__set_max_entries(k->maps.stk_net_v4, stk_net_gen_room(n->n_v4));
	bpf_map__set_max_entries(k->maps.stk_net_v6, stk_net_gen_room(n->n_v6));
	bpf_map__set_max_entries(k->maps.stk_net_classes, stk_net_gen_room(n->n_classes));
	bpf_map__set_max_entries(k->maps.stk_net_segs, stk_net_gen_room(n->n_segs));
	bpf_map__set_max_entries(k->maps.stk_events, ringbuf_bytes);
	err = stk_shared_maps_use(shared, k->maps.stk_events, k->maps.stk_counters,
				  k->maps.stk_config, k->maps.stk_cgroup_scopes);
	if (!err)
		err = stk_shared_maps_use_audit(shared, k->obj);
	if (err) {
		snprintf(why, why_len, "sharing maps failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_cg_sock_bpf__load(k);
	if (err) {
		snprintf(why, why_len,
			 "the kernel could not load the network (cgroup socket) programs: %s "
			 "(run with -v to see the verifier's log)", strerror(-err));
		goto cleanup;
	}
	stk_log_verified(k->obj);
	*ret = s;
	return 0;
cleanup:
	stk_cgroup_sock_destroy(s);
	return err;
}

void stk_cgroup_sock_net_fds(const struct stk_cgroup_sock *s, struct stk_net_fds *ret)
{
	struct stk_cg_sock_bpf *k = s->skel;

	*ret = (struct stk_net_fds){ bpf_map__fd(k->maps.stk_net_v4), bpf_map__fd(k->maps.stk_net_v6),
				     bpf_map__fd(k->maps.stk_net_classes),
				     bpf_map__fd(k->maps.stk_net_segs),
				     bpf_map__fd(k->maps.stk_net_scopes) };
}

int stk_cgroup_sock_fill(const struct stk_cgroup_sock *s, const struct stk_net_compiled *n,
			 char *why, size_t why_len)
{
	struct stk_net_fds fds;
	int err;

	stk_cgroup_sock_net_fds(s, &fds);
	err = stk_net_gen_first(&fds, n);
	if (err)
		snprintf(why, why_len, "filling the network maps failed: %s", strerror(-err));
	return err;
}

int stk_cgroup_sock_load(struct stk_cgroup_sock **ret, const struct stk_net_compiled *n,
			 struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
			 size_t why_len)
{
	struct stk_cgroup_sock *s = NULL;
	struct stk_cg_sock_bpf *k;
	int err;

	err = stk_cgroup_sock_prepare(&s, n, shared, ringbuf_bytes, why, why_len);
	if (!err)
		err = stk_cgroup_sock_fill(s, n, why, why_len);
	if (err) {
		stk_cgroup_sock_destroy(s);
		return err;
	}
	/* Shared only once filled: a set that failed leaves @shared as it was. */
	k = s->skel;
	stk_shared_maps_adopt(shared, k->maps.stk_events, k->maps.stk_counters,
			      k->maps.stk_config, k->maps.stk_cgroup_scopes);
	stk_shared_maps_adopt_audit(shared, k->obj);
	*ret = s;
	return 0;
}

int stk_cgroup_sock_attach(struct stk_cgroup_sock *s, const char *cgroup, char *why,
			   size_t why_len)
{
	struct stk_cg_sock_bpf *k = s->skel;
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
	} progs[] = {
		{ k->progs.stk_connect4, &k->links.stk_connect4 },
		{ k->progs.stk_connect6, &k->links.stk_connect6 },
		{ k->progs.stk_sendmsg4, &k->links.stk_sendmsg4 },
		{ k->progs.stk_sendmsg6, &k->links.stk_sendmsg6 },
		{ k->progs.stk_bind4, &k->links.stk_bind4 },
		{ k->progs.stk_bind6, &k->links.stk_bind6 },
		/* Marks the sockets whose packets stk_egress judges: first. */
		{ k->progs.stk_sock_create, &k->links.stk_sock_create },
		{ k->progs.stk_egress, &k->links.stk_egress },
	};
	size_t i;
	int fd, err = 0;

	fd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "opening cgroup %s failed: %s", cgroup, strerror(-err));
		return err;
	}
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		/* A link, not a plain attach: it joins whatever else is on the cgroup. */
		struct bpf_link *l = bpf_program__attach_cgroup(progs[i].prog, fd);

		if (!l) {
			err = -errno;
			snprintf(why, why_len, "attaching %s to cgroup %s failed: %s",
				 bpf_program__name(progs[i].prog), cgroup, strerror(-err));
			break;
		}
		*progs[i].link = l;
	}
	close(fd);
	if (err) {
		for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
			bpf_link__destroy(*progs[i].link);
			*progs[i].link = NULL;
		}
	}
	return err;
}

const struct bpf_object_skeleton *stk_cgroup_sock_skeleton(const struct stk_cgroup_sock *s)
{
	return s->skel->skeleton;
}

void stk_cgroup_sock_destroy(struct stk_cgroup_sock *s)
{
	if (!s)
		return;
	stk_cg_sock_bpf__destroy(s->skel);
	free(s);
}
