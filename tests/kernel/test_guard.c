// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_guard.c - self-protection (--protect) on the real kernel: a root
 * process that is not stockade can neither detach, replace, write nor
 * unpin stockade's BPF objects, nor ptrace or kill the agent; its own BPF
 * objects are untouched; the launcher (this test process, given as
 * --launcher-pid) stops the agent and restarts it, and the restarted agent
 * adopts the pins even where the policy denies bpf() to everyone else.
 *
 * Probes run in forked children: a child of the launcher is only special
 * when it execs stockade, so "a root process that is not stockade" which
 * runs stockade itself is a grandchild.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <bpf/bpf.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <linux/bpf.h>

#include "ktest.h"

#define TDIR "/tmp/kt-guard"
#define PIN_DIR "/sys/fs/bpf/stockade"
#define LOG_WAIT_MS 20000

static char launcher_arg[32];

static void write_policy(const char *path, bool deny_bpf)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"guard\", \"mode\": \"enforce\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		 "{ \"id\": \"no-secret\", \"paths\": [\"" TDIR "/secret\"], "
		 "\"access\": [\"read\"], \"action\": \"deny\" } ] }%s }\n",
		 deny_bpf ? ",\n  \"kernel\": { \"deny\": [\"bpf\"] }" : "");
	kt_write(path, text);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(TDIR);
	kt_write(TDIR "/secret", "s\n");
	write_policy(TDIR "/policy.json", false);
	write_policy(TDIR "/policy-nobpf.json", true);
	snprintf(launcher_arg, sizeof(launcher_arg), "%d", (int)getpid());
	return 0;
}

/* Everything goes, even after a failed assertion: this process is the launcher. */
static int teardown(void **state)
{
	static const char *const unload[] = { "stockade", "unload", NULL };
	char err[4096];

	(void)state;
	kt_agent_reap_all();
	kt_stockade(unload, err, sizeof(err));
	kt_rm(TDIR);
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Whether the audit log gets a line holding both @a and @b within LOG_WAIT_MS. */
static bool wait_log(const struct ktest_agent *ag, const char *a, const char *b)
{
	long long deadline = now_ms() + LOG_WAIT_MS;
	char line[8192];
	FILE *f;

	do {
		f = fopen(ag->log, "re");
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, a) && strstr(line, b)) {
				fclose(f);
				return true;
			}
		if (f)
			fclose(f);
		usleep(100000);
	} while (now_ms() < deadline);
	return false;
}

struct our_ids {
	__u32 link_id;
	__u32 prog_id;
	__u32 map_id; /* stk_config */
};

/*
 * The ids of one of our links and its program, as "stockade status" (run
 * by the launcher, so as stockade itself) reports them, and of a map.
 */
static void find_our_ids(struct our_ids *ids)
{
	static const char *const argv[] = { "stockade", "status", "--json", NULL };
	static char out[1 << 16];
	struct json_object *o, *links, *l, *v;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	int fd;

	assert_int_equal(kt_stockade_out(argv, out, sizeof(out)), 0);
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "links", &links));
	assert_true(json_object_array_length(links) > 0);
	l = json_object_array_get_idx(links, 0);
	assert_true(json_object_object_get_ex(l, "link_id", &v));
	ids->link_id = json_object_get_int64(v);
	assert_true(json_object_object_get_ex(l, "prog_id", &v));
	ids->prog_id = json_object_get_int64(v);
	json_object_put(o);
	/* Read-only stays open to everyone ("stockade status" of any root). */
	fd = bpf_obj_get_opts(PIN_DIR "/maps/stk_config", &ro);
	assert_true(fd >= 0);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	ids->map_id = info.id;
	close(fd);
	assert_true(ids->link_id && ids->prog_id && ids->map_id);
}

/* Each probe runs in a child and returns 0 or the errno that refused it. */
static int fd_result(int fd)
{
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int probe_link_by_id(void *arg)
{
	return fd_result(bpf_link_get_fd_by_id(((struct our_ids *)arg)->link_id));
}

/* Links only come read-write from a pin. */
static int probe_link_pin(void *arg)
{
	char path[256];

	snprintf(path, sizeof(path), PIN_DIR "/links/%s", (const char *)arg);
	return fd_result(bpf_obj_get(path));
}

static int probe_prog_by_id(void *arg)
{
	return fd_result(bpf_prog_get_fd_by_id(((struct our_ids *)arg)->prog_id));
}

static int probe_map_by_id_rw(void *arg)
{
	return fd_result(bpf_map_get_fd_by_id(((struct our_ids *)arg)->map_id));
}

static int probe_map_pin_rw(void *arg)
{
	(void)arg;
	return fd_result(bpf_obj_get(PIN_DIR "/maps/stk_config"));
}

/* A read-only fd is granted, and the kernel refuses writes through it. */
static int probe_map_update_ro(void *arg)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	char value[4096] = {};
	__u32 key = 0;
	int fd = bpf_obj_get_opts(PIN_DIR "/maps/stk_config", &ro), err;

	(void)arg;
	if (fd < 0)
		return 200;
	err = bpf_map_update_elem(fd, &key, value, BPF_ANY) ? errno : 0;
	close(fd);
	return err;
}

static int probe_unlink_map(void *arg)
{
	(void)arg;
	return unlink(PIN_DIR "/maps/stk_config") ? errno : 0;
}

static int probe_rename_link(void *arg)
{
	char from[256];

	snprintf(from, sizeof(from), PIN_DIR "/links/%s", (const char *)arg);
	return rename(from, PIN_DIR "/links/moved") ? errno : 0;
}

static int probe_rename_dir(void *arg)
{
	(void)arg;
	return rename(PIN_DIR, "/sys/fs/bpf/stockade-moved") ? errno : 0;
}

static int probe_rmdir_maps(void *arg)
{
	(void)arg;
	return rmdir(PIN_DIR "/maps") ? errno : 0;
}

static int probe_umount_bpffs(void *arg)
{
	(void)arg;
	return umount2("/sys/fs/bpf", MNT_DETACH) ? errno : 0;
}

static int probe_ptrace(void *arg)
{
	pid_t pid = *(pid_t *)arg;

	return ptrace(PTRACE_ATTACH, pid, NULL, NULL) ? errno : 0;
}

static int probe_proc_mem(void *arg)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)*(pid_t *)arg);
	return fd_result(open(path, O_RDWR));
}

/* One byte of @pid's memory read (@write false) or written: 0 or the errno. */
static int vm_byte(pid_t pid, bool write)
{
	char byte = 0;
	struct iovec local = { .iov_base = &byte, .iov_len = 1 };
	struct iovec remote = { .iov_base = &byte, .iov_len = 1 };
	ssize_t n = write ? process_vm_writev(pid, &local, 1, &remote, 1, 0) :
			    process_vm_readv(pid, &local, 1, &remote, 1, 0);

	return n < 0 ? errno : 0;
}

static int probe_vm_writev(void *arg)
{
	return vm_byte(*(pid_t *)arg, true);
}

#define TAMPER_TRIES 2000

/* A tracer's loop: read one byte of the agent's memory again and again (strace does, per call). */
static int probe_vm_readv_loop(void *arg)
{
	int i;

	for (i = 0; i < TAMPER_TRIES; i++)
		if (vm_byte(*(pid_t *)arg, false) != EPERM)
			return 200;
	return 0;
}

/* Of the log's lines for @hook: the events, and the sum of the "suppressed" summaries. */
static void count_hook(const char *log, const char *hook, long long *events, long long *suppressed)
{
	char line[8192];
	FILE *f = fopen(log, "re");

	*events = *suppressed = 0;
	while (f && fgets(line, sizeof(line), f)) {
		struct json_object *o = json_tokener_parse(line), *h, *n;

		/* Not every line has a hook (start, lost, ...). */
		if (o && json_object_object_get_ex(o, "hook", &h) &&
		    strcmp(json_object_get_string(h), hook) == 0) {
			if (json_object_object_get_ex(o, "suppressed", &n))
				*suppressed += json_object_get_int64(n);
			else
				(*events)++;
		}
		json_object_put(o);
	}
	if (f)
		fclose(f);
}

static int probe_pidfd_getfd(void *arg)
{
	int pidfd = (int)syscall(SYS_pidfd_open, *(pid_t *)arg, 0), err;

	if (pidfd < 0)
		return 200;
	err = fd_result((int)syscall(SYS_pidfd_getfd, pidfd, 3, 0));
	close(pidfd);
	return err;
}

static int probe_sigkill(void *arg)
{
	return kill(*(pid_t *)arg, SIGKILL) ? errno : 0;
}

static int probe_sigterm(void *arg)
{
	return kill(*(pid_t *)arg, SIGTERM) ? errno : 0;
}

static int probe_sig0(void *arg)
{
	return kill(*(pid_t *)arg, 0) ? errno : 0;
}

/* A map and a program of the probe's own: bpf() works as always for them. */
static int probe_own_objects(void *arg)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_prog_info pi = {};
	struct bpf_map_info mi = {};
	__u32 key = 0, val = 7, len;
	int map, prog, fd;

	(void)arg;
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "kt_own", 4, 4, 1, NULL);
	if (map < 0)
		return 100 + errno % 100;
	if (bpf_map_update_elem(map, &key, &val, BPF_ANY))
		return 110;
	len = sizeof(mi);
	if (bpf_obj_get_info_by_fd(map, &mi, &len))
		return 111;
	fd = bpf_map_get_fd_by_id(mi.id); /* read-write by id */
	if (fd < 0)
		return 112;
	close(fd);
	prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "kt_own", "GPL", insns, 2, NULL);
	if (prog < 0)
		return 120;
	len = sizeof(pi);
	if (bpf_obj_get_info_by_fd(prog, &pi, &len))
		return 121;
	fd = bpf_prog_get_fd_by_id(pi.id);
	if (fd < 0)
		return 122;
	close(fd);
	close(prog);
	close(map);
	return 0;
}

struct exec_args {
	const char *const *argv;
	const char *stderr_path;
};

/*
 * Runs stockade from a child of a child of the launcher: a root process
 * the kernel must not take for stockade. Returns its exit status.
 */
static int run_as_stranger(void *arg)
{
	const struct exec_args *x = arg;
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open(x->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0)
			dup2(fd, 2);
		execvp("stockade", (char **)x->argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 250;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static bool alive(pid_t pid)
{
	return kill(pid, 0) == 0 && waitpid(pid, NULL, WNOHANG) == 0;
}

static const char *first_link_name(char *buf, size_t len)
{
	static const char *const names[] = { "stk_file_open", "stk_guard_bpf" };

	for (size_t i = 0; i < 2; i++) {
		snprintf(buf, len, PIN_DIR "/links/%s", names[i]);
		if (exists(buf))
			return names[i];
	}
	fail_msg("no known link is pinned under " PIN_DIR "/links");
	return NULL;
}

static void protected_agent_refuses_everyone_else(void **state)
{
	const char *const extra[] = { "--protect", "--launcher-pid", launcher_arg, NULL };
	static const char *const unload[] = { "stockade", "unload", NULL };
	static const char *const status[] = { "stockade", "status", NULL };
	struct exec_args x = { .stderr_path = TDIR "/stranger.err" };
	struct ktest_agent a;
	struct our_ids ids;
	char buf[256];
	const char *link;
	pid_t pid;

	(void)state;
	kt_agent_start(&a, TDIR "/policy.json", extra);
	pid = a.pid;
	link = first_link_name(buf, sizeof(buf));
	find_our_ids(&ids);

	/* Links: no fd by id, none from the pin: nothing to detach or update with. */
	assert_int_equal(kt_in_child(probe_link_by_id, &ids), EPERM);
	assert_int_equal(kt_in_child(probe_link_pin, (void *)link), EPERM);
	assert_int_equal(kt_in_child(probe_prog_by_id, &ids), EPERM);
	/* Maps: no write-capable fd; a read-only one cannot write. */
	assert_int_equal(kt_in_child(probe_map_by_id_rw, &ids), EPERM);
	assert_int_equal(kt_in_child(probe_map_pin_rw, NULL), EPERM);
	assert_int_equal(kt_in_child(probe_map_update_ro, NULL), EPERM);
	/* Pins stay where they are. */
	assert_int_equal(kt_in_child(probe_unlink_map, NULL), EPERM);
	assert_int_equal(kt_in_child(probe_rename_link, (void *)link), EPERM);
	assert_int_equal(kt_in_child(probe_rename_dir, NULL), EPERM);
	assert_int_equal(kt_in_child(probe_rmdir_maps, NULL), EPERM);
	assert_int_equal(kt_in_child(probe_umount_bpffs, NULL), EPERM);
	assert_true(exists(PIN_DIR "/maps/stk_config"));
	assert_true(exists(buf));
	/* The agent cannot be traced, read/written, robbed of fds or killed. */
	assert_int_equal(kt_in_child(probe_ptrace, &pid), EPERM);
	assert_int_equal(kt_in_child(probe_proc_mem, &pid), EACCES);
	assert_int_equal(kt_in_child(probe_vm_writev, &pid), EPERM);
	assert_int_equal(kt_in_child(probe_pidfd_getfd, &pid), EPERM);
	assert_int_equal(kt_in_child(probe_sigkill, &pid), EPERM);
	assert_int_equal(kt_in_child(probe_sigterm, &pid), EPERM);
	assert_int_equal(kt_in_child(probe_sig0, &pid), 0);
	usleep(200000);
	assert_true(alive(pid));
	/* Someone else's BPF objects are none of our business. */
	assert_int_equal(kt_in_child(probe_own_objects, NULL), 0);
	/* Enforcement is still whole. */
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);

	/* A root shell's "stockade unload" is refused and says what to do instead. */
	x.argv = unload;
	assert_int_not_equal(kt_in_child(run_as_stranger, &x), 0);
	assert_true(kt_file_has(x.stderr_path, "stop the service instead") ||
		    kt_file_has(x.stderr_path, "Stop the service instead"));
	assert_true(exists(PIN_DIR "/maps/stk_config"));
	assert_true(alive(pid));
	/* Its "stockade status" still works. */
	x.argv = status;
	assert_int_equal(kt_in_child(run_as_stranger, &x), 0);

	/* Every refusal is audited. */
	assert_true(wait_log(&a, "\"hook\":\"task_kill\"", "\"signal\":9"));
	assert_true(wait_log(&a, "\"hook\":\"bpf\"", "\"operation\":\"self_protection\""));
	assert_true(wait_log(&a, "\"hook\":\"bpf_map\"", "\"target\":\"map\""));
	assert_true(wait_log(&a, "\"hook\":\"bpf_prog\"", "\"target\":\"program\""));
	assert_true(wait_log(&a, "\"hook\":\"inode_rename\"", "\"target\":\"pin\""));
	assert_true(wait_log(&a, "\"hook\":\"ptrace_access_check\"", "self_protection"));
	assert_true(wait_log(&a, "\"hook\":\"sb_umount\"", "self_protection"));

	/* The launcher stops it, and stopping unloads. */
	assert_int_equal(kt_agent_stop(&a), 0);
	assert_false(exists(PIN_DIR));
}

/*
 * A refusal in a loop (a tracer decoding every call, a script retrying) is
 * one incident: its events are limited per (cgroup, hook) though the
 * agent runs without --rate-limit, and the rest are counted in a
 * "suppressed" summary, so events + suppressed = refusals exactly.
 */
static void a_tamper_loop_is_limited_and_counted(void **state)
{
	const char *const extra[] = { "--protect", "--launcher-pid", launcher_arg, NULL };
	long long events = 0, suppressed = 0, deadline;
	struct ktest_agent a;
	pid_t pid;

	(void)state;
	kt_agent_start(&a, TDIR "/policy.json", extra);
	pid = a.pid;
	assert_int_equal(kt_in_child(probe_vm_readv_loop, &pid), 0);
	deadline = now_ms() + LOG_WAIT_MS;
	do {
		usleep(200000);
		count_hook(a.log, "ptrace_access_check", &events, &suppressed);
	} while (events + suppressed < TAMPER_TRIES && now_ms() < deadline);
	assert_int_equal(events + suppressed, TAMPER_TRIES);
	assert_true(events >= 1);
	/* The burst (STK_GUARD_BURST), and what 100 a second add while the loop runs. */
	assert_true(suppressed > 0);
	assert_true(alive(pid));
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void launcher_restarts_and_unloads_with_bpf_denied(void **state)
{
	const char *const extra[] = { "--protect", "--launcher-pid", launcher_arg, NULL };
	static const char *const unload[] = { "stockade", "unload", NULL };
	struct exec_args x = { .argv = unload, .stderr_path = TDIR "/stranger.err" };
	struct ktest_agent a, b;
	char err[4096];
	int st;

	(void)state;
	kt_agent_start(&a, TDIR "/policy-nobpf.json", extra);
	/* A crash: the launcher may kill it; the pins keep enforcing. */
	assert_int_equal(kill(a.pid, SIGKILL), 0);
	assert_int_equal(waitpid(a.pid, &st, 0), a.pid);
	a.pid = 0;
	assert_true(exists(PIN_DIR "/maps/stk_config"));
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);

	/* Restarted by the launcher: adopts, although bpf() is denied to all but stockade. */
	kt_agent_start(&b, TDIR "/policy-nobpf.json", extra);
	assert_true(kt_file_has(b.stderr_path, "adopted the programs"));
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);

	/* Not from a stranger... */
	assert_int_not_equal(kt_in_child(run_as_stranger, &x), 0);
	assert_true(kt_file_has(x.stderr_path, "Stop the service instead"));
	assert_true(alive(b.pid));
	/* ...but "stockade unload" started by the launcher stops the agent and unloads. */
	assert_int_equal(kt_stockade(unload, err, sizeof(err)), 0);
	assert_false(exists(PIN_DIR));
	assert_int_equal(waitpid(b.pid, &st, 0), b.pid);
	b.pid = 0;
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), 0);
}

/*
 * A process that took a link fd while nothing was protected: it answers
 * each byte on @cmd with the errnos of BPF_LINK_UPDATE and BPF_LINK_DETACH
 * through that fd, on @res.
 */
static pid_t start_fd_holder(const char *link, int *cmd_w, int *res_r)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int cmd[2], res[2], ready = -1;
	char path[256], c;
	pid_t pid;

	/* Close-on-exec: an agent started later must not hold the pipes open. */
	assert_int_equal(pipe2(cmd, O_CLOEXEC), 0);
	assert_int_equal(pipe2(res, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd, prog, errs[2];

		close(cmd[1]);
		close(res[0]);

		snprintf(path, sizeof(path), PIN_DIR "/links/%s", link);
		fd = bpf_obj_get(path);
		prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "kt_other", "GPL", insns, 2,
				     NULL);
		errs[0] = fd < 0 ? errno : prog < 0 ? 1000 + errno : 0;
		if (write(res[1], errs, sizeof(int)) != sizeof(int))
			_exit(1);
		while (read(cmd[0], &c, 1) == 1) {
			errs[0] = bpf_link_update(fd, prog, NULL) ? errno : 0;
			errs[1] = bpf_link_detach(fd) ? errno : 0;
			if (write(res[1], errs, sizeof(errs)) != sizeof(errs))
				_exit(1);
		}
		_exit(0);
	}
	close(cmd[0]);
	close(res[1]);
	assert_int_equal(read(res[0], &ready, sizeof(int)), sizeof(int));
	assert_int_equal(ready, 0);
	*cmd_w = cmd[1];
	*res_r = res[0];
	return pid;
}

static void without_protect_nothing_changes(void **state)
{
	const char *const persist[] = { "--persist", NULL };
	const char *const protect[] = { "--protect", "--launcher-pid", launcher_arg, NULL };
	struct ktest_agent a, b;
	struct our_ids ids;
	int cmd, res, errs[2], st;
	char buf[256];
	const char *link;
	pid_t pid, holder;

	(void)state;
	kt_agent_start(&a, TDIR "/policy.json", persist);
	pid = a.pid;
	link = first_link_name(buf, sizeof(buf));
	find_our_ids(&ids);
	/* root may open everything, as before self-protection existed */
	assert_int_equal(kt_in_child(probe_link_pin, (void *)link), 0);
	assert_int_equal(kt_in_child(probe_link_by_id, &ids), 0);
	assert_int_equal(kt_in_child(probe_map_pin_rw, NULL), 0);
	assert_int_equal(kt_in_child(probe_prog_by_id, &ids), 0);
	assert_int_equal(kt_in_child(probe_pidfd_getfd, &pid), 0);
	assert_int_equal(kt_in_child(probe_own_objects, NULL), 0);
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
	holder = start_fd_holder(link, &cmd, &res);
	/* and a signal from anyone stops it (--persist: the pins stay) */
	assert_int_equal(kt_in_child(probe_sigterm, &pid), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
	assert_false(kt_file_has(a.log, "self_protection"));
	assert_true(exists(PIN_DIR "/maps/stk_config"));

	/*
	 * Protection switched on by an agent adopting those pins: the link fd
	 * taken before can neither replace the program nor detach the link.
	 */
	kt_agent_start(&b, TDIR "/policy.json", protect);
	assert_true(kt_file_has(b.stderr_path, "adopted the programs"));
	assert_int_equal(write(cmd, "x", 1), 1);
	assert_int_equal(read(res, errs, sizeof(errs)), sizeof(errs));
	close(cmd);
	close(res);
	waitpid(holder, &st, 0);
	assert_int_equal(errs[0], EPERM);
	assert_int_equal(errs[1], EPERM);
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
	assert_true(wait_log(&b, "\"hook\":\"bpf\"", "\"bpf_cmd\":34"));
	assert_true(wait_log(&b, "\"hook\":\"bpf\"", "\"bpf_cmd\":29"));
	assert_int_equal(kt_agent_stop(&b), 0);
	assert_false(exists(PIN_DIR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(protected_agent_refuses_everyone_else, setup,
						teardown),
		cmocka_unit_test_setup_teardown(launcher_restarts_and_unloads_with_bpf_denied,
						setup, teardown),
		cmocka_unit_test_setup_teardown(without_protect_nothing_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_tamper_loop_is_limited_and_counted, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
