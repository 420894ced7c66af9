// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * event_format.c - ring-buffer records to audit JSON (see event_format.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event_format.h"
#include "container_of.h"
#include "event_format_ops.h"

const char *stk_hook_name(uint32_t hook)
{
	switch (hook) {
	case STK_HOOK_FILE_OPEN:
		return "file_open";
	case STK_HOOK_PATH_MKNOD:
		return "path_mknod";
	case STK_HOOK_PATH_MKDIR:
		return "path_mkdir";
	case STK_HOOK_PATH_SYMLINK:
		return "path_symlink";
	case STK_HOOK_PATH_UNLINK:
		return "path_unlink";
	case STK_HOOK_PATH_RMDIR:
		return "path_rmdir";
	case STK_HOOK_PATH_RENAME:
		return "path_rename";
	case STK_HOOK_PATH_LINK:
		return "path_link";
	case STK_HOOK_PATH_TRUNCATE:
		return "path_truncate";
	case STK_HOOK_PATH_CHMOD:
		return "path_chmod";
	case STK_HOOK_PATH_CHOWN:
		return "path_chown";
	case STK_HOOK_INODE_SETXATTR:
		return "inode_setxattr";
	case STK_HOOK_INODE_REMOVEXATTR:
		return "inode_removexattr";
	case STK_HOOK_INODE_SETATTR:
		return "inode_setattr";
	case STK_HOOK_UNIX_STREAM_CONNECT:
		return "unix_stream_connect";
	case STK_HOOK_UNIX_MAY_SEND:
		return "unix_may_send";
	case STK_HOOK_FILE_RECEIVE:
		return "file_receive";
	case STK_HOOK_BPRM_CHECK:
		return "bprm_check_security";
	case STK_HOOK_MMAP_FILE:
		return "mmap_file";
	case STK_HOOK_FILE_MPROTECT:
		return "file_mprotect";
	default:
		return stk_net_hook_name(hook) ?: stk_ops_hook_name(hook) ?: "unknown";
	}
}

size_t stk_format_time(int64_t ns, char *buf, size_t len)
{
	/* Events come in bursts within one second: format the date once. */
	static __thread time_t cached_sec = -1;
	static __thread char cached[24];
	time_t sec = ns / 1000000000;
	long frac = ns % 1000000000;
	struct tm tm;
	int i;

	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	if (len < 31)
		return 0;
	if (sec != cached_sec) {
		gmtime_r(&sec, &tm);
		if (strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm) != 19)
			return 0;
		cached_sec = sec;
	}
	memcpy(buf, cached, 19);
	buf[19] = '.';
	for (i = 28; i > 19; i--, frac /= 10)
		buf[i] = '0' + frac % 10;
	buf[29] = 'Z';
	buf[30] = '\0';
	return 30;
}

/* "major:minor" of a kernel dev_t, without printf (this runs per event). */
static int stk_format_dev(uint32_t dev, char *out)
{
	char tmp[24];
	uint32_t v[2] = { dev >> 20, dev & 0xfffff };
	int n = 0, k, part;

	for (part = 0; part < 2; part++) {
		k = 0;
		do {
			tmp[k++] = '0' + v[part] % 10;
			v[part] /= 10;
		} while (v[part]);
		while (k)
			out[n++] = tmp[--k];
		if (part == 0)
			out[n++] = ':';
	}
	return n;
}

/*
 * The executable as the kernel saw it: its file name (no directory, see
 * stk_abi.h) and identity. A task without one (a kernel thread) has null.
 */
static void format_exe(const struct stk_event_hdr *h, struct json_out *j)
{
	char dev[32];
	int n;

	if (!h->exe_ino && !h->exe_name[0]) {
		json_out_null(j, "exe");
		return;
	}
	json_out_strn(j, "exe", h->exe_name, strnlen(h->exe_name, sizeof(h->exe_name)));
	if (h->flags & STK_EVF_EXE_TRUNCATED)
		json_out_bool(j, "exe_truncated", true);
	json_out_u64(j, "exe_inode", h->exe_ino);
	n = stk_format_dev(h->exe_dev, dev);
	json_out_strn(j, "exe_dev", dev, n);
}

/* What the cgroup path shows: container id and runtime, systemd unit. */
static void format_scope(const char *cgroup, struct json_out *j)
{
	struct stk_container_of sc;

	stk_container_of(cgroup, &sc);
	if (sc.container[0])
		json_out_strn(j, "container", sc.container, STK_CONTAINER_ID_LEN);
	if (sc.runtime)
		json_out_str(j, "runtime", sc.runtime);
	if (sc.unit)
		json_out_strn(j, "unit", sc.unit, sc.unit_len);
}

static void format_hdr(const struct stk_format_ctx *ctx, uint64_t seq,
		       const struct stk_event_hdr *h, struct json_out *j)
{
	const struct stk_rule_ref *r = NULL;
	const char *cg = NULL;
	char ts[64];
	size_t n;
	uint8_t act = h->action & STK_ACT_MASK;

	if (h->rule != STK_RULE_NONE && h->rule < ctx->n_rules)
		r = &ctx->rules[h->rule];
	n = stk_format_time((int64_t)h->time_boot_ns + ctx->boot_to_real_ns, ts, sizeof(ts));
	json_out_strn(j, "time", ts, n);
	json_out_u64(j, "seq", seq);
	if (ctx->host)
		json_out_str(j, "host", ctx->host);
	json_out_str(j, "action", stk_action_name(act));
	json_out_bool(j, "enforced", h->enforced);
	json_out_str(j, "hook", stk_hook_name(h->hook));
	json_out_str(j, "policy", r ? r->policy : "");
	json_out_str(j, "rule", r ? r->id : "");
	json_out_u64(j, "pid", h->pid);
	json_out_u64(j, "tid", h->tid);
	json_out_u64(j, "ppid", h->ppid);
	json_out_u64(j, "uid", h->uid);
	json_out_u64(j, "gid", h->gid);
	json_out_strn(j, "comm", h->comm, strnlen(h->comm, sizeof(h->comm)));
	format_exe(h, j);
	if (ctx->cgroup_path)
		cg = ctx->cgroup_path(h->cgroup_id, ctx->cgroup_arg);
	if (cg)
		json_out_str(j, "cgroup", cg);
	else
		json_out_null(j, "cgroup");
	json_out_u64(j, "cgroup_id", h->cgroup_id);
	format_scope(cg, j);
	if ((r && r->alert) || ctx->threshold_alert) {
		json_out_bool(j, "alert", true);
		json_out_str(j, "alert_reason", r && r->alert ? "rule" : "threshold");
	}
}

static void format_access(const char *key, uint32_t mask, struct json_out *j)
{
	int i;

	json_out_begin_array(j, key);
	for (i = 0; i < STK_FACC_COUNT; i++)
		if (mask & STK_FACC_BIT(i))
			json_out_str(j, NULL, stk_file_access_name(i));
	json_out_end_array(j);
}

static int format_file(const struct stk_event_file *ev, size_t size, struct json_out *j)
{
	size_t max = size - offsetof(struct stk_event_file, path);
	size_t plen = ev->path_len ? ev->path_len - 1 : 0;
	char dev[32];
	int n;

	if (ev->path_len > max)
		return -EINVAL;
	json_out_strn(j, "path", ev->path, strnlen(ev->path, plen));
	if (ev->hdr.flags & STK_EVF_PATH_TRUNCATED)
		json_out_bool(j, "path_truncated", true);
	if (ev->hdr.flags & STK_EVF_WALK_LIMIT)
		json_out_str(j, "reason", "path nested too deep to check");
	if (ev->hdr.flags & STK_EVF_DISCONNECTED)
		json_out_str(j, "reason", "file reached without its directories (by handle)");
	if (ev->hdr.flags & STK_EVF_FILELESS)
		json_out_str(j, "reason", "file has no name (deny_fileless)");
	json_out_u64(j, "inode", ev->ino);
	n = stk_format_dev(ev->dev, dev);
	json_out_strn(j, "dev", dev, n);
	format_access("access", ev->access, j);
	format_access("decided", ev->denied, j);
	return 0;
}

int stk_event_format(const struct stk_format_ctx *ctx, uint64_t seq, const void *data,
		     size_t size, struct json_out *j)
{
	const struct stk_event_hdr *h = data;
	int err;

	if (size < sizeof(*h) || h->size > size)
		return -EINVAL;
	json_out_begin_object(j);
	format_hdr(ctx, seq, h, j);
	switch (h->type) {
	case STK_EV_FILE:
		if (size < offsetof(struct stk_event_file, path))
			return -EINVAL;
		err = format_file(data, size, j);
		break;
	case STK_EV_CAP:
		err = stk_format_cap(data, size, j);
		break;
	case STK_EV_KERNEL:
		err = stk_format_kernel(data, size, j);
		break;
	case STK_EV_GUARD:
		err = stk_format_guard(data, size, j);
		break;
	case STK_EV_NET:
		/* Socket creation (an LSM hook) and the cgroup socket hooks share the type. */
		err = h->hook == STK_HOOK_SOCKET_CREATE ? stk_format_sock(data, size, j) :
							  stk_format_net(data, size, j);
		break;
	default:
		err = -EINVAL;
	}
	if (err)
		return err;
	json_out_end_object(j);
	return j->overflow ? -ENOSPC : 0;
}
