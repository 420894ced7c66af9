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
	STK_FACC_COUNT = 7,
};
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
	union {
		__u32 pad;
		__u32 gen; /* the policy generation the entry belongs to (reload) */
	};
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
	__u8 pad;
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
};
#define STK_CONFIG_SLOTS 3

/* Event types: ABI, never renumber. */
enum stk_event_type {
	STK_EV_FILE = 1,    /* struct stk_event_file */
	STK_EV_EXEC = 2,    /* reserved: exec rules */
	STK_EV_CAP = 3,     /* reserved: capabilities */
	STK_EV_KERNEL = 4,  /* reserved: kernel operations */
	STK_EV_NET = 5,     /* reserved: sockets and network rules */
};

/* Hooks an event comes from: ABI, never renumber. */
enum stk_hook {
	/* 1-19: file rules */
	STK_HOOK_FILE_OPEN = 1,
	/* 20-29: exec; 30-39: capabilities; 40-49: kernel operations;
	 * 50-69: sockets and network (cgroup programs). */
};

/* Event flags. */
#define STK_EVF_PATH_TRUNCATED 0x1
#define STK_EVF_PATH_ERROR 0x2
#define STK_EVF_WALK_LIMIT 0x4 /* denied: the file is nested deeper than the walk goes */

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

/* Per-CPU counters, index into the stk_counters array. */
enum stk_counter {
	STK_CNT_EVENTS = 0,   /* events written to the ring buffer */
	STK_CNT_LOST = 1,     /* events the ring buffer had no room for */
	STK_CNT_DENIED = 2,   /* accesses denied */
	STK_CNT_WALK_LIMIT = 3, /* ancestry walks cut at STK_WALK_MAX */
	STK_CNT_COUNT = 4,
};

#ifndef __bpf__
_Static_assert(sizeof(struct stk_inode_key) == 16, "stk_inode_key layout");
_Static_assert(sizeof(struct stk_name_key) == 80, "stk_name_key layout");
_Static_assert(sizeof(struct stk_file_verdict) == 36, "stk_file_verdict layout");
_Static_assert(sizeof(struct stk_file_value) == 80, "stk_file_value layout");
_Static_assert(sizeof(struct stk_event_hdr) == 72, "stk_event_hdr layout");
_Static_assert(sizeof(struct stk_event_file) == 72 + 24 + STK_PATH_MAX, "stk_event_file layout");
#endif

#endif /* STK_ABI_H */
