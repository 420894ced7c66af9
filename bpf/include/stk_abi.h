/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * stk_abi.h - layouts shared by the BPF programs and user space.
 *
 * Everything the kernel side and the agent exchange (map keys and values,
 * ring-buffer events) is defined here once, so the compiler catches drift.
 * Fields are fixed-width, largest first, padded explicitly; no bitfields.
 * Enum values are ABI once logs exist: never renumber or reuse them.
 */
#ifndef STK_ABI_H
#define STK_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Decisions, ordered so that the numerically larger one wins a tie. */
enum stk_action {
	STK_ACT_NONE = 0,  /* no rule says anything */
	STK_ACT_ALLOW = 1,
	STK_ACT_AUDIT = 2, /* allow and log */
	STK_ACT_DENY = 3,
};
#define STK_ACT_MASK 0x03
/* Set on a verdict byte when the deciding rule runs in complain mode. */
#define STK_ACT_COMPLAIN 0x80

/*
 * Severity of an action byte, for combining verdicts: enforced deny >
 * complain deny > audit > allow > none. Shared so the kernel, the compiler
 * and the agent order decisions the same way.
 */
static inline unsigned int stk_action_rank(__u8 action)
{
	return (unsigned int)(action & STK_ACT_MASK) << 1 | !(action & STK_ACT_COMPLAIN);
}

/* File access kinds; a bit each in masks, an index each in verdict arrays. */
enum stk_file_access {
	STK_FACC_READ = 0,
	STK_FACC_WRITE = 1, /* includes truncate and append */
	STK_FACC_CREATE = 2,
	STK_FACC_DELETE = 3,
	STK_FACC_RENAME = 4,
	STK_FACC_LINK = 5,
	STK_FACC_ATTR = 6, /* chmod, chown, setxattr */
	STK_FACC_EXEC = 7, /* the "exec" section: execve, and mmap with PROT_EXEC */
	STK_FACC_COUNT = 8,
};
/* The kinds a "files" rule may name: all but exec, which is its own section. */
#define STK_FACC_FILES 7
#define STK_FACC_BIT(a) (1u << (a))

/* Rule index meaning "no rule"; rule indexes point into the agent's rule table. */
#define STK_RULE_NONE 0xffffffffu

/*
 * Longest path component a name key can hold (bytes, without NUL).
 * Policies may not name longer components; see policy/compile.c.
 */
#define STK_NAME_MAX 63
/* How many dentries (and mount crossings) the ancestry walk visits. */
#define STK_WALK_MAX 64
/* Longest path an event carries; longer ones are flagged truncated. */
#define STK_PATH_MAX 4096

/*
 * Key of stk_file_inodes: one inode wherever it is reached from (hard
 * links, bind mounts, /proc/PID/fd, chroots, other mount namespaces).
 */
struct stk_inode_key {
	__u64 ino;
	__u32 dev; /* kernel dev_t (MAJOR << 20 | MINOR) of the superblock */
	__u16 gen;   /* the policy generation the entry belongs to (reload): 1 or 2 */
	__u16 scope; /* the scope it belongs to: 0 host, 1.. a scoped policy (stk_config) */
};

/*
 * Key of stk_file_names: "the entry NAME in directory inode INO", so that a
 * file or directory replaced by rename keeps the protection of its path.
 */
struct stk_name_key {
	struct stk_inode_key dir;
	char name[STK_NAME_MAX + 1]; /* zero-filled after the NUL */
};

/* One verdict per access kind: rule index and action byte. */
struct stk_file_verdict {
	__u32 rule[STK_FACC_COUNT];
	__u8 action[STK_FACC_COUNT]; /* enum stk_action | STK_ACT_COMPLAIN */
};

/* stk_file_value.flags */
#define STK_FVAL_HAS_NAMES 0x1 /* stk_file_names has entries in this directory */

/*
 * Value of stk_file_inodes and stk_file_names. "exact" applies when the key
 * names the file being accessed itself; "tree" applies to it and everything
 * below it. A verdict whose action bytes are all STK_ACT_NONE is absent.
 */
struct stk_file_value {
	struct stk_file_verdict exact;
	struct stk_file_verdict tree;
	__u32 flags;
	__u32 pad;
};

/*
 * One decision for a capability, a kernel operation or a kind of socket:
 * the combined verdict of all policies, looked up by number in O(1).
 */
struct stk_op_verdict {
	__u32 rule;  /* STK_RULE_NONE when action is STK_ACT_NONE */
	__u8 action; /* enum stk_action | STK_ACT_COMPLAIN */
	__u8 pad[3];
};

/* Capability numbers as in capabilities(7); 0-40 are named today, room for more. */
#define STK_CAP_SLOTS 64

/* The operations of the "kernel" section: ABI (events carry them). */
enum stk_kernel_op {
	STK_KOP_MODULE_LOAD = 0,
	STK_KOP_BPF = 1,
	STK_KOP_MOUNT = 2,
	STK_KOP_PTRACE = 3,
	STK_KOP_KEXEC = 4,
	STK_KOP_COUNT = 5,
};
#define STK_KOP_SLOTS 8

/* Address families (AF_*) a socket verdict can be given for. */
#define STK_SOCK_FAMILY_SLOTS 64

/* Verdicts of the capabilities, kernel and sockets sections. */
struct stk_ops_config {
	struct stk_op_verdict cap[STK_CAP_SLOTS];
	struct stk_op_verdict kernel_op[STK_KOP_SLOTS];
	struct stk_op_verdict sock_family[STK_SOCK_FAMILY_SLOTS];
	struct stk_op_verdict sock_raw; /* SOCK_RAW in any family */
};

/*
 * Global settings. stk_config has STK_CONFIG_SLOTS entries: index 0 is the
 * selector, whose gen names the active slot (1 or 2; 0: index 0 itself
 * holds the settings); each slot holds one policy generation's settings,
 * with gen = its own index, which is also the gen of its map keys. A
 * program reads the selector once per invocation (stk_get_config), so a
 * reload (fill the other slot, switch the selector) is one atomic switch.
 */
struct stk_config {
	struct stk_file_verdict file_default; /* where no rule matches */
	__u32 gen;
	__u32 exec_flags; /* STK_EXECF_* */
	__u32 fileless_rule; /* what a deny_fileless event names (a policy's default) */
	__u8 fileless_action; /* enum stk_action | STK_ACT_COMPLAIN */
	__u8 scopes; /* scoped policies in this generation: a cgroup entry naming another is stale */
	__u16 scope; /* the scope these settings are for; the scope of its map keys */
	struct stk_ops_config ops;
	/*
	 * The selector's (index 0) only: advanced at every switch of generation
	 * and every key added to the generation in force, so that the file
	 * walk's caches (bpf/lsm/file_cache.bpf.h: directories' ancestries and
	 * files' own verdicts) drop what they hold.
	 */
	__u32 file_epoch;
	/*
	 * STK_FACC_BIT mask of the file accesses for which every verdict of
	 * this generation, in every scope, is plain allow: its default and
	 * every key the agent writes or may add to it (container roots, the
	 * canary). A request of these accesses only is allowed without a
	 * walk, since the walk could find nothing else. 0, as an agent that
	 * predates the field writes, walks for every access.
	 */
	__u8 file_unruled;
	/*
	 * STK_FACC_BIT masks of the file accesses for which some key of this
	 * generation, in any scope, says deny, deny in complain mode, or
	 * audit. Where a walk cannot see a file's directories (a dentry made
	 * for a file handle), a key above it could have decided: the most
	 * severe of these stands in for it where it is more severe than the
	 * default (bpf/lsm/file_walk.bpf.h). 0, as an agent that predates the
	 * fields writes: the default decides.
	 */
	__u8 file_keyed_deny;
	__u8 file_keyed_complain;
	__u8 file_keyed_audit;
};
#define STK_CONFIG_SLOTS 3

/*
 * Scopes. Scope 0 is the host: the policies without "scope", alone. Scope
 * s >= 1 is scoped policy s combined with the host policies (a process in
 * it must pass both), compiled into its own rule keys and settings. The
 * config map holds STK_CONFIG_SLOTS entries per scope, scope s's at
 * s * STK_CONFIG_SLOTS + slot; only scope 0's index 0 is the selector, so
 * one write still switches every scope at once.
 */
#define STK_SCOPE_MAX 64
#define STK_CONFIG_ENTRIES (STK_CONFIG_SLOTS * STK_SCOPE_MAX)

/*
 * Cgroup globs, matched one character at a time over the cgroup's path
 * ("/a/b", relative to the cgroup v2 mount) by a bit-parallel automaton
 * (bpf/include/stk_glob.h). Bit i of a state: the glob's first i elements
 * matched. An element is a literal character, "*" (any run of characters
 * but '/') or a "**" component with its slash (an optional '/' and any run of characters,
 * skipped together), so a glob has at most STK_GLOB_ELEMS elements.
 */
#define STK_GLOB_MAX 32
#define STK_GLOB_ELEMS 63

/*
 * Value of stk_scope_globs at (slot - 1) * STK_GLOB_MAX + the glob's index:
 * its transition masks.
 */
struct stk_glob_prog {
	__u64 lit[256]; /* elements that consume this character and move on */
	__u64 star;	/* "*" elements: stay on any character but '/', or are skipped */
	__u64 any;	/* a "**" component: stays on any character, or is skipped */
	__u64 skip2;	/* the slash before a "**" component: skipped together with its "**" */
	__u64 accept;	/* the bit after the last element; 0: no glob at this index */
	__u16 scope;	/* the scope a cgroup matching the glob starts */
	__u16 pad[3];
};

/* stk_cgroup_scope.flags */
#define STK_CGS_TIE 0x1 /* globs of two scopes match this very cgroup: the lower scope won */

/*
 * One generation's result of the globs for a cgroup: the scope of
 * processes in it and every glob's automaton state after its path, from
 * which a new child's result follows.
 */
struct stk_cgroup_scope {
	__u16 scope;
	__u16 flags; /* STK_CGS_* */
	__u32 pad;
	__u64 state[STK_GLOB_MAX];
};

/*
 * Value of stk_cgroup_states (bpf/lsm/scope.bpf.c), keyed by cgroup id
 * (the cgroup2 directory's inode number): both generation slots' results,
 * gen[slot - 1] from that slot's globs (stk_scope_globs holds
 * STK_GLOB_MAX globs per slot, slot 1's first). Only the cgroup_mkdir
 * tracer and the agent's walk read it, to compute a child's entry.
 */
struct stk_cgroup_gens {
	struct stk_cgroup_scope gen[2];
};

/*
 * The layout of the pinned maps as a whole. A restarted agent adopts pins
 * only when their policy digest matches its own (agent/enforcer.c), and
 * the digest includes this: bump it whenever a map's key or value changes,
 * so that an upgraded agent replaces (make before break) the pins of an
 * older layout instead of adopting programs it cannot reload.
 *   2: stk_cgroup_scopes keyed by {cgroup, slot}, stk_cgroup_states.
 *   3: container roots (stk_cgroup_roots, stk_root_ready, stk_root_requests, stk_root_cfg).
 *   4: stk_config.file_epoch (the file walk's caches).
 *   5: stk_net_scopes' value is struct stk_net_scope (the first-byte filter).
 *   6: a third protocol per network class (STK_NPROTO_OTHER), the sockets
 *      the egress program judges (stk_net_other) and its two programs.
 *   7: the file set's file_receive, unix_stream_connect and unix_may_send
 *      programs.
 */
#define STK_PIN_LAYOUT 7

/*
 * What the hooks read: stk_cgroup_scopes maps {cgroup id, slot} to the
 * cgroup's scope under generation slot's globs. A reload writes the
 * inactive slot's entries, then the selector's one write switches which
 * ones stk_get_config() reads, together with the rules. Each slot's entry
 * is its own small element, and an element in force is never replaced:
 * the kernel may hand a replaced hash element to the very next update
 * while a program still reads it.
 */
struct stk_cgroup_key {
	__u64 cgroup_id;
	__u32 slot;
	__u32 pad;
};

struct stk_cgroup_entry {
	__u16 scope;
	__u16 flags; /* STK_CGS_* */
	__u32 pad;
};

/*
 * Container roots (bpf/lsm/exec.bpf.c, agent/container_roots.c). File and
 * exec rules are keys of inodes, so a scoped policy's paths must be looked
 * up in the root file system its processes see, which for a container is
 * not the agent's. The first exec in a scoped cgroup whose processes have
 * another root records that root for the cgroup (trust on first use: the
 * runtime execs the container's first program after setting its root, and
 * a later chroot inside the container does not move it), stops the task
 * (SIGSTOP, the exec restarts by itself) and asks the agent, on
 * stk_root_requests, to resolve the scope's paths in that root. The agent
 * adds the keys, marks {cgroup, slot, scope} ready and sends SIGCONT.
 */
struct stk_root_rec {
	__u64 ino;	/* the root directory's inode */
	__u32 dev;	/* and its superblock's s_dev (kernel encoding) */
	__u32 pid;	/* the process whose exec recorded it (a place to find the root) */
};

struct stk_root_ready_key {
	__u64 cgroup_id; /* the cgroup holding the record */
	__u32 slot;	 /* the generation the keys were added to */
	__u16 scope;	 /* the scope whose paths they are */
	__u16 pad;
};

/* The single entry of stk_root_cfg: the root whose keys the agent's own resolution made. */
struct stk_root_config {
	__u64 agent_ino;
	__u32 agent_dev;
	__u32 enabled; /* 1: scoped policies exist, the exec gate is on */
};

/* A stopped task waiting for its cgroup's root to be resolved. */
struct stk_root_request {
	__u64 cgroup_id; /* the cgroup holding the record */
	__u32 pid;	 /* tgid, to SIGCONT */
	__u32 tid;	 /* the thread that stopped, to see it stopped first */
	__u32 slot;
	__u16 scope;
	__u16 pad;
};

/* Values of stk_root_ready. */
#define STK_ROOT_READY 1  /* the keys are in: execs proceed */
#define STK_ROOT_FAILED 2 /* they could not be added: execs fail with EPERM */

/* How many cgroup levels above its own the exec gate looks for a record. */
#define STK_ROOT_LEVELS 16

/* stk_config.exec_flags */
#define STK_EXECF_DENY_FILELESS 0x1 /* refuse to execute files with no name (i_nlink == 0) */

/* Event types: ABI, never renumber. */
enum stk_event_type {
	STK_EV_FILE = 1,    /* struct stk_event_file */
	STK_EV_EXEC = 2,    /* reserved (exec events are STK_EV_FILE, access exec) */
	STK_EV_CAP = 3,     /* struct stk_event_cap */
	STK_EV_KERNEL = 4,  /* struct stk_event_kernel */
	STK_EV_NET = 5,     /* struct stk_event_sock (socket_create), struct stk_event_net */
	STK_EV_GUARD = 6,   /* struct stk_event_guard: self-protection refused something */
};

/* Hooks an event comes from: ABI, never renumber. */
enum stk_hook {
	/* 1-19: file rules */
	STK_HOOK_FILE_OPEN = 1,
	STK_HOOK_PATH_MKNOD = 2,
	STK_HOOK_PATH_MKDIR = 3,
	STK_HOOK_PATH_SYMLINK = 4,
	STK_HOOK_PATH_UNLINK = 5,
	STK_HOOK_PATH_RMDIR = 6,
	STK_HOOK_PATH_RENAME = 7,
	STK_HOOK_PATH_LINK = 8,
	STK_HOOK_PATH_TRUNCATE = 9,
	STK_HOOK_PATH_CHMOD = 10,
	STK_HOOK_PATH_CHOWN = 11,
	STK_HOOK_INODE_SETXATTR = 12,
	STK_HOOK_INODE_REMOVEXATTR = 13,
	STK_HOOK_INODE_SETATTR = 14, /* timestamps: utimes, utimensat, futimens */
	STK_HOOK_UNIX_STREAM_CONNECT = 15, /* connect() to a unix socket file (write) */
	STK_HOOK_UNIX_MAY_SEND = 16,	   /* a datagram to a unix socket file (write) */
	STK_HOOK_FILE_RECEIVE = 17,	   /* a descriptor handed over (SCM_RIGHTS, pidfd_getfd) */
	/* 20-29: exec (events are STK_EV_FILE records: exec is a file access) */
	STK_HOOK_BPRM_CHECK = 20,    /* bprm_check_security */
	STK_HOOK_MMAP_FILE = 21,     /* mmap with PROT_EXEC */
	STK_HOOK_FILE_MPROTECT = 22, /* mprotect adding PROT_EXEC */
	/* 30-39: capabilities */
	STK_HOOK_CAPABLE = 30,
	/* 40-49: kernel operations */
	STK_HOOK_KERNEL_MODULE_REQUEST = 40,
	STK_HOOK_KERNEL_LOAD_DATA = 41,
	STK_HOOK_KERNEL_READ_FILE = 42,
	STK_HOOK_BPF = 43,
	STK_HOOK_SB_MOUNT = 44,
	STK_HOOK_MOVE_MOUNT = 45,
	STK_HOOK_SB_UMOUNT = 46,
	STK_HOOK_SB_REMOUNT = 47,
	STK_HOOK_PTRACE_ACCESS_CHECK = 48,
	STK_HOOK_PTRACE_TRACEME = 49,
	/* 50: sockets (LSM); 51-69: network (cgroup programs, enum stk_net_hook) */
	STK_HOOK_SOCKET_CREATE = 50,
};

/* Bytes of the executable's file name an event carries, NUL included. */
#define STK_EXE_NAME_MAX 48

/* Event flags. */
#define STK_EVF_PATH_TRUNCATED 0x1
#define STK_EVF_PATH_ERROR 0x2
#define STK_EVF_WALK_LIMIT 0x4 /* denied: the file is nested deeper than the walk goes */
#define STK_EVF_FILELESS 0x8 /* denied: exec of a file without a name (deny_fileless) */
#define STK_EVF_EXE_TRUNCATED 0x10 /* exe_name did not fit */
#define STK_EVF_DISCONNECTED 0x20 /* reached without its directories (by handle): keys stood in */

struct stk_event_hdr {
	__u64 time_boot_ns; /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;
	__u32 type; /* enum stk_event_type */
	__u32 size; /* bytes of the whole record */
	__u32 pid;  /* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 hook; /* enum stk_hook */
	__u32 rule; /* index into the agent's rule table, or STK_RULE_NONE */
	__u8 action; /* enum stk_action | STK_ACT_COMPLAIN */
	__u8 enforced;
	__u16 flags;
	char comm[16];
	/*
	 * The task's executable (mm->exe_file), read in the kernel because the
	 * unprivileged agent cannot read /proc/PID/exe of other users' processes
	 * and the process may be gone by then. Only the last path component:
	 * bpf_d_path() is refused on exe_file in most hooks. All zero for a task
	 * without one (kernel threads).
	 */
	__u64 exe_ino;
	__u32 exe_dev; /* kernel dev_t of the executable's superblock */
	__u32 pad_exe;
	char exe_name[STK_EXE_NAME_MAX]; /* NUL-terminated, truncated to fit */
};

struct stk_event_file {
	struct stk_event_hdr hdr;
	__u64 ino;
	__u32 dev;
	__u32 access; /* STK_FACC_BIT mask of the accesses requested */
	__u32 denied; /* the accesses that decided the event */
	__u32 path_len; /* bytes in path, including the NUL */
	char path[STK_PATH_MAX];
};

/* What a kernel_load_data / kernel_read_file event loaded (stable, unlike the kernel's enums). */
enum stk_kernel_data {
	STK_KDATA_OTHER = 0,
	STK_KDATA_MODULE = 1,
	STK_KDATA_FIRMWARE = 2,
	STK_KDATA_KEXEC_IMAGE = 3,
	STK_KDATA_KEXEC_INITRAMFS = 4,
};

struct stk_event_cap {
	struct stk_event_hdr hdr;
	__u32 capability; /* CAP_* number */
	__u32 opts;       /* the capable() options (CAP_OPT_*) */
};

/*
 * A kernel operation. @detail and @name depend on the hook:
 * kernel_module_request: name = module; kernel_load_data/read_file: detail =
 * enum stk_kernel_data; bpf: detail = command; sb_mount: detail = flags, name
 * = filesystem type; sb_umount: detail = flags; ptrace_*: detail = ptrace
 * mode (access_check), target_pid and name = the other task.
 */
struct stk_event_kernel {
	struct stk_event_hdr hdr;
	__u32 operation; /* enum stk_kernel_op */
	__u32 detail;
	__u32 target_pid;
	__u32 pad;
	char name[64];
};

/* stk_event_sock.decided */
#define STK_SOCK_BY_FAMILY 0x1
#define STK_SOCK_BY_RAW 0x2

/* An STK_EV_NET event of hook STK_HOOK_SOCKET_CREATE. */
struct stk_event_sock {
	struct stk_event_hdr hdr;
	__u32 family;
	__u32 type; /* without SOCK_NONBLOCK / SOCK_CLOEXEC */
	__u32 protocol;
	__u32 decided; /* STK_SOCK_BY_* that gave the verdict */
};

/* Value of stk_agent_tasks for the agent's process (common.bpf.h). */
#define STK_AGENT_MARK 0x53544b41u /* "STKA" */

/* Per-CPU counters, index into the stk_counters array. */
enum stk_counter {
	STK_CNT_EVENTS = 0,   /* events written to the ring buffer */
	STK_CNT_LOST = 1,     /* events the ring buffer had no room for */
	STK_CNT_DENIED = 2,   /* accesses denied */
	STK_CNT_WALK_LIMIT = 3, /* ancestry walks cut at STK_WALK_MAX */
	STK_CNT_SUPPRESSED = 4, /* events the rate limit kept back (counted, not sent) */
	STK_CNT_UNCOUNTED = 5,  /* decisions stk_decisions had no room for (map full) */
	STK_CNT_COUNT = 6,
};

/*
 * Audit under load (docs/audit.md). Every decision that is reported (deny,
 * audit) goes through stk_event_admit() (common.bpf.h), which counts it in
 * stk_decisions, exactly, whatever happens to its event, and asks the
 * token bucket of its (rule, cgroup) whether the event may be sent.
 * Events sent + suppressed + lost = decisions reported.
 */
struct stk_decision_key {
	__u64 cgroup_id;
	__u32 rule;  /* as in the event: generation-tagged, or STK_RULE_NONE */
	__u16 hook;  /* enum stk_hook / stk_net_hook */
	__u8 action; /* enum stk_action | STK_ACT_COMPLAIN */
	__u8 pad;
};

/* Value of stk_decisions (per CPU: the agent adds the CPUs up). */
struct stk_decision_count {
	__u64 decisions;  /* decided with this key */
	__u64 suppressed; /* of which the event was kept back by the rate limit */
};

/* Keys stk_decisions holds; past it decisions are counted in STK_CNT_UNCOUNTED. */
#define STK_DECISIONS_MAX 16384
/* (rule, cgroup) token buckets; the least recently used is forgotten past it. */
#define STK_RATE_BUCKETS_MAX 16384
/*
 * Self-protection's refusals (STK_EV_GUARD) are limited per (cgroup, hook)
 * even when stk_rate says "no limit": one tamper attempt can be a syscall
 * loop (a tracer reading the agent's memory is one refusal per decoded
 * call), and it must not bury the rest of the log. The suppressed are
 * counted and summarised like any others. A stk_rate limit, when set, applies
 * instead.
 */
#define STK_GUARD_INTERVAL_NS 10000000ULL /* 100 events per second */
#define STK_GUARD_BURST 100

/*
 * stk_rate (array, one entry): the rate limit, set by the agent. Events of
 * one (rule, cgroup) are spaced by interval_ns on average, with bursts of
 * up to burst events (a GCRA token bucket); interval_ns == 0: no limit.
 */
struct stk_rate_config {
	__u64 interval_ns;
	__u64 burst;
};

#ifndef __bpf__
_Static_assert(sizeof(struct stk_inode_key) == 16, "stk_inode_key layout");
_Static_assert(sizeof(struct stk_name_key) == 80, "stk_name_key layout");
_Static_assert(sizeof(struct stk_file_verdict) == 40, "stk_file_verdict layout");
_Static_assert(sizeof(struct stk_file_value) == 88, "stk_file_value layout");
#define STK_EVENT_HDR_SIZE (72 + 16 + STK_EXE_NAME_MAX)
_Static_assert(sizeof(struct stk_event_hdr) == STK_EVENT_HDR_SIZE, "stk_event_hdr layout");
_Static_assert(sizeof(struct stk_event_file) == STK_EVENT_HDR_SIZE + 24 + STK_PATH_MAX, "stk_event_file layout");
_Static_assert(sizeof(struct stk_op_verdict) == 8, "stk_op_verdict layout");
_Static_assert(sizeof(struct stk_ops_config) ==
		       8 * (STK_CAP_SLOTS + STK_KOP_SLOTS + STK_SOCK_FAMILY_SLOTS + 1),
	       "stk_ops_config layout");
_Static_assert(sizeof(struct stk_event_cap) == STK_EVENT_HDR_SIZE + 8, "stk_event_cap layout");
_Static_assert(sizeof(struct stk_event_kernel) == STK_EVENT_HDR_SIZE + 16 + 64, "stk_event_kernel layout");
_Static_assert(sizeof(struct stk_event_sock) == STK_EVENT_HDR_SIZE + 16, "stk_event_sock layout");
_Static_assert(sizeof(struct stk_decision_key) == 16, "stk_decision_key layout");
_Static_assert(sizeof(struct stk_decision_count) == 16, "stk_decision_count layout");
_Static_assert(sizeof(struct stk_rate_config) == 16, "stk_rate_config layout");
_Static_assert(sizeof(struct stk_config) == 64 + sizeof(struct stk_ops_config), "stk_config layout");
_Static_assert(sizeof(struct stk_glob_prog) == 8 * 261, "stk_glob_prog layout");
_Static_assert(sizeof(struct stk_cgroup_gens) == 2 * (8 + 8 * STK_GLOB_MAX), "stk_cgroup_gens layout");
_Static_assert(sizeof(struct stk_cgroup_entry) == 8, "stk_cgroup_entry layout");
_Static_assert(sizeof(struct stk_cgroup_key) == 16, "stk_cgroup_key layout");
_Static_assert(sizeof(struct stk_root_rec) == 16, "stk_root_rec layout");
_Static_assert(sizeof(struct stk_root_ready_key) == 16, "stk_root_ready_key layout");
_Static_assert(sizeof(struct stk_root_config) == 16, "stk_root_config layout");
_Static_assert(sizeof(struct stk_root_request) == 24, "stk_root_request layout");
_Static_assert(STK_SCOPE_MAX <= 255, "stk_config.scopes counts scopes in a byte");
_Static_assert(STK_SCOPE_MAX <= 0x10000 && STK_GLOB_ELEMS < 64, "scope limits");
#endif

/*
 * Network rules (cgroup socket programs, cgroup/sock.bpf.c). Hooks 51-69;
 * 50 is socket_create. Kept in an enum of their own so they read as one block.
 */
enum stk_net_hook {
	STK_HOOK_CONNECT4 = 51,
	STK_HOOK_CONNECT6 = 52,
	STK_HOOK_SENDMSG4 = 53, /* unconnected UDP */
	STK_HOOK_SENDMSG6 = 54,
	STK_HOOK_BIND4 = 55,
	STK_HOOK_BIND6 = 56,
	STK_HOOK_EGRESS4 = 57, /* a packet of a socket no hook above judges (STK_NPROTO_OTHER) */
	STK_HOOK_EGRESS6 = 58,
};

/* What a socket is doing; connect rules judge both connect and sendmsg. */
enum stk_net_dir {
	STK_NET_CONNECT = 0,
	STK_NET_BIND = 1,
	STK_NET_SENDMSG = 2, /* events only: judged by the connect rules */
	STK_NET_SEND = 3,    /* events only: a packet judged by the connect rules */
};
#define STK_NET_NDIRS 2 /* directions with rules of their own */

/*
 * Protocols rules name; an index each in the class table. OTHER is every
 * socket of the IPv4 and IPv6 families that is neither a TCP stream
 * (multipath TCP included: its subflows are TCP) nor a UDP datagram socket:
 * ICMP and ICMPv6 (ping sockets), SCTP, UDP-Lite and raw IP. The kernel runs
 * the connect and sendmsg programs for some of them only, and never with
 * the address a raw packet goes to, so their packets are judged instead,
 * by destination address alone (port 0), as they leave (cgroup/sock.bpf.c).
 */
enum stk_net_proto {
	STK_NPROTO_TCP = 0,
	STK_NPROTO_UDP = 1,
	STK_NPROTO_OTHER = 2,
	STK_NPROTO_COUNT = 3,
};

/*
 * Keys of the LPM tries stk_net_v4 and stk_net_v6: the network table (a
 * scope, see stk_net_scopes), the direction byte, then the address (network
 * order). prefixlen counts the table's and direction's STK_NET_KEY_BITS, so
 * a /N rule is stored with prefixlen STK_NET_KEY_BITS + N. The value is a
 * class id (__u32).
 * The table's top bits are the policy generation (1 or 2) the entry
 * belongs to, so a reload writes the other generation's entries beside the
 * ones in force; the class ids and segment indexes of generation g point
 * into the g-th half of stk_net_classes and stk_net_segs (agent/net_gen.c).
 */
#define STK_NET_KEY_BITS 24
#define STK_NET_TABLE_GEN_SHIFT 14
struct stk_net_key4 {
	__u32 prefixlen;
	__u16 table;
	__u8 dir; /* enum stk_net_dir: CONNECT or BIND */
	__u8 addr[4];
	__u8 pad;
};

struct stk_net_key6 {
	__u32 prefixlen;
	__u16 table;
	__u8 dir;
	__u8 addr[16];
	__u8 pad;
};

/*
 * Value of stk_net_scopes at scope * STK_CONFIG_SLOTS + generation (the
 * slot the stk_config selector names, like the settings): the network
 * table, generation bits included, its processes are judged by (the
 * scope's own when its policy has network rules, else the host's, 0), or
 * STK_NET_NO_RULES when there is none: allowed unseen.
 *
 * With it, per direction and family (0: IPv4, IPv4-mapped IPv6 included;
 * 1: IPv6), which first address bytes the table's rule prefixes reach: bit
 * b % 64 of first_bytes[dir][family][b / 64] is set if some prefix of /1 or
 * longer contains an address whose first byte is b. An address whose first
 * byte has no bit can match no prefix but the table's /0: its class is
 * class0[dir][family], without a trie lookup. The agent sets every bit of
 * a direction and family whose /0 it did not find (the trie decides).
 */
#define STK_NET_NO_RULES 0xffffffffu
#define STK_NET_NFAMILIES 2
struct stk_net_scope {
	__u32 table;
	__u32 class0[STK_NET_NDIRS][STK_NET_NFAMILIES];
	__u32 pad;
	__u64 first_bytes[STK_NET_NDIRS][STK_NET_NFAMILIES][4];
};

/*
 * Value of stk_net_classes at class * STK_NPROTO_COUNT + protocol: where the
 * class's port segments for that protocol are in stk_net_segs.
 */
struct stk_net_class {
	__u32 first;
	__u32 count; /* >= 1; the first segment starts at port 0 */
};

/* One port segment: the verdict for ports lo .. (next segment's lo - 1). */
struct stk_net_seg {
	__u32 rule;
	__u16 lo;
	__u8 action; /* enum stk_action | STK_ACT_COMPLAIN */
	__u8 pad;
};

/* Binary search steps that cover any class: ceil(log2(65536)) + 1. */
#define STK_NET_SEARCH_STEPS 17

struct stk_event_net {
	struct stk_event_hdr hdr;
	__u8 address[16]; /* IPv4: first 4 bytes; network order */
	__u32 family;	  /* AF_INET (2) or AF_INET6 (10), as the socket used it */
	__u32 protocol;	  /* the socket's: IPPROTO_TCP (6), IPPROTO_UDP (17), or any for STK_NET_SEND */
	__u32 port;	  /* host order */
	__u32 direction;  /* enum stk_net_dir */
};

#ifndef __bpf__
_Static_assert(sizeof(struct stk_net_key4) == 12, "stk_net_key4 layout");
_Static_assert(STK_SCOPE_MAX < (1 << STK_NET_TABLE_GEN_SHIFT), "network tables and generations");
_Static_assert(sizeof(struct stk_net_key6) == 24, "stk_net_key6 layout");
_Static_assert(sizeof(struct stk_net_scope) == 24 + 128, "stk_net_scope layout");
_Static_assert(sizeof(struct stk_net_seg) == 8, "stk_net_seg layout");
_Static_assert(sizeof(struct stk_event_net) == STK_EVENT_HDR_SIZE + 32, "stk_event_net layout");
#endif

/*
 * Self-protection (bpf/lsm/guard.bpf.c, agent/lsm_guard.c). Hooks 70-79:
 * every event of these hooks is a refused attempt on stockade itself.
 */
enum stk_guard_hook {
	STK_HOOK_GUARD_BPF = 70,	 /* bpf(): detach/update a link, fd by id */
	STK_HOOK_GUARD_BPF_MAP = 71,	 /* a write-capable fd to one of our maps */
	STK_HOOK_GUARD_BPF_PROG = 72,	 /* an fd to one of our programs */
	STK_HOOK_GUARD_INODE_UNLINK = 73, /* unlink of a pin */
	STK_HOOK_GUARD_INODE_RMDIR = 74,
	STK_HOOK_GUARD_INODE_RENAME = 75,
	STK_HOOK_GUARD_INODE_PERMISSION = 76, /* opening a link pin, writing a pin directory */
	STK_HOOK_GUARD_PTRACE = 77,	 /* ptrace_access_check in attach mode on the agent */
	STK_HOOK_GUARD_TASK_KILL = 78,	 /* a signal to the agent */
	STK_HOOK_GUARD_SB_UMOUNT = 79,	 /* unmounting the bpffs that holds the pins */
};

/* Kinds of BPF object stk_guard_ids holds. */
enum stk_guard_kind {
	STK_GUARD_MAP = 1,
	STK_GUARD_PROG = 2,
	STK_GUARD_LINK = 3,
};

/* Key of stk_guard_ids: one of stockade's own BPF objects (the value is a __u8 1). */
struct stk_guard_id {
	__u32 kind; /* enum stk_guard_kind */
	__u32 id;
};

/* Value of stk_guard_inodes (keyed by struct stk_inode_key, gen 0): what the pin is. */
#define STK_GUARD_INO_FILE 1 /* a pinned map or the state map */
#define STK_GUARD_INO_LINK 2 /* a pinned link: nobody else may even open it */
#define STK_GUARD_INO_DIR 3  /* the pin directory or one below it */

/* stk_guard_config.flags */
#define STK_GUARDF_ENABLED 0x1 /* --protect: the hooks refuse; otherwise they do nothing */

/*
 * The single entry of stk_guard_cfg. An executable is named by its inode
 * (kernel dev_t as in stk_inode_key): a process becomes "stockade itself"
 * when it executes @agent_exe and was forked by the launcher, or by a
 * process running @via_exe that the launcher forked (systemd-executor).
 */
struct stk_guard_config {
	__u64 agent_ino;
	__u64 via_ino; /* 0: none */
	__u32 agent_dev;
	__u32 via_dev;
	__u32 flags; /* STK_GUARDF_* */
	__u32 pin_dev; /* the bpffs superblock holding the pins */
};

/* Value of stk_guard_tasks (task storage). */
#define STK_GUARD_LAUNCHER 0x4c4e4348u /* "LNCH": the service manager */
#define STK_GUARD_LAUNCHED 0x4c4e4344u /* "LNCD": forked by it, not yet exec'd stockade */

/*
 * A refused attempt. @detail: bpf command, fmode, MAY_* mask, ptrace mode
 * or signal, by hook; @obj_id: the BPF object's id (bpf hooks);
 * @ino/@dev: the pin (inode hooks); @target_pid/@name: the agent task
 * (ptrace, task_kill) or the pin's name (inode hooks).
 */
struct stk_event_guard {
	struct stk_event_hdr hdr;
	__u64 ino;
	__u32 dev;
	__u32 detail;
	__u32 obj_id;
	__u32 target_pid;
	char name[64];
};

#ifndef __bpf__
_Static_assert(sizeof(struct stk_guard_id) == 8, "stk_guard_id layout");
_Static_assert(sizeof(struct stk_guard_config) == 32, "stk_guard_config layout");
_Static_assert(sizeof(struct stk_event_guard) == STK_EVENT_HDR_SIZE + 24 + 64, "stk_event_guard layout");
#endif

#endif /* STK_ABI_H */
