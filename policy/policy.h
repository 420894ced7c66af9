/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * policy.h - the policy model: parse JSON text, validate it, compile it.
 *
 * Pure code: no syscalls, no libbpf, no logging. Errors go into a
 * struct stk_diags with file:line:column positions; functions return 0 or
 * a negative errno.
 */
#ifndef STK_POLICY_H
#define STK_POLICY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stk_abi.h"

enum stk_severity {
	STK_SEV_ERROR = 0,
	STK_SEV_WARNING = 1,
};

struct stk_diag {
	char *file;
	int line; /* 1-based */
	int col;  /* 1-based, in bytes */
	enum stk_severity severity;
	char *msg;
};

struct stk_diags {
	struct stk_diag *v;
	size_t n;
	size_t cap;
	size_t n_errors;
};

/* Appends one diagnostic; returns 0 or -ENOMEM. */
int stk_diags_add(struct stk_diags *d, const char *file, int line, int col,
		  enum stk_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* stk_diags_add() with a va_list, for callers that wrap it. */
int stk_diags_addv(struct stk_diags *d, const char *file, int line, int col,
		   enum stk_severity sev, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));
/*
 * Orders the diagnostics from index @from on by line, then column; equal
 * positions keep the order they were added in. Returns 0 or -ENOMEM (then
 * the order is unchanged).
 */
int stk_diags_sort(struct stk_diags *d, size_t from);
/* Writes every diagnostic as "file:line:col: error: msg\n" (or "warning:"). */
void stk_diags_print(const struct stk_diags *d, void *stdio_file);
void stk_diags_free(struct stk_diags *d);

/* The version of the policy language this code reads ("stockade": 1). */
#define STK_POLICY_VERSION 1
/* Longest policy name and rule id, in bytes. */
#define STK_ID_MAX 64
/* The rule id of a policy's default verdict in stk_compiled.rules; no rule may use it. */
#define STK_DEFAULT_RULE_ID "default"

enum stk_mode {
	STK_MODE_INHERIT = 0, /* rules only: take the policy's mode */
	STK_MODE_ENFORCE = 1,
	STK_MODE_COMPLAIN = 2,
};

struct stk_pos {
	int line;
	int col;
};

struct stk_file_rule {
	char *id;
	char **paths; /* absolute, normalised; a trailing '/' marks a subtree */
	struct stk_pos *path_pos;
	size_t n_paths;
	uint32_t access; /* STK_FACC_BIT mask */
	enum stk_action action;
	enum stk_mode mode;
	struct stk_pos pos; /* the rule's opening brace */
	bool alert; /* "alert": true: its events raise an alert */
};

/* A CIDR of a network rule; IPv4-mapped IPv6 CIDRs are stored as IPv4. */
struct stk_net_cidr {
	uint8_t addr[16]; /* network order, host bits zero; IPv4: first 4 bytes */
	uint8_t family;	  /* 4 or 6 */
	uint8_t plen;
};

/* A port range, both ends included. */
struct stk_net_ports {
	uint16_t lo;
	uint16_t hi;
};

struct stk_net_rule {
	char *id;
	struct stk_net_cidr *cidrs; /* none: any address */
	size_t n_cidrs;
	struct stk_net_ports *ports; /* none: any port */
	size_t n_ports;
	uint32_t protocols; /* 1 << enum stk_net_proto; 0 while unset: all */
	struct stk_pos other_pos; /* where "other" is listed, when it is */
	enum stk_action action;
	enum stk_mode mode;
	struct stk_pos pos;
	struct stk_pos id_pos;
	bool alert; /* "alert": true */
};

/* "network": per direction (enum stk_net_dir CONNECT, BIND) a default and rules. */
struct stk_network {
	bool present; /* the policy has a "network" section */
	struct {
		enum stk_action def; /* ALLOW or DENY */
		struct stk_net_rule *rules;
		size_t n_rules;
	} dir[STK_NET_NDIRS];
};

/* One name in a capabilities, kernel or sockets section. */
struct stk_op_item {
	uint32_t which; /* CAP_* number, enum stk_kernel_op, or index in the socket words */
	enum stk_action action; /* STK_ACT_DENY or STK_ACT_AUDIT */
	struct stk_pos pos;
};

/* The capabilities, kernel or sockets section: "deny" and "audit" lists. */
struct stk_op_section {
	struct stk_op_item *items;
	size_t n;
	enum stk_mode mode; /* STK_MODE_INHERIT: the policy's */
};

/* "scope": the cgroups a scoped policy applies to (none: a host policy). */
struct stk_scope {
	char **cgroups; /* globs, relative to the cgroup v2 mount: "/system.slice/x-*.scope" */
	struct stk_pos *pos;
	size_t n;
	struct stk_pos key_pos; /* of the "scope" key */
};

struct stk_policy {
	char *file; /* as given to stk_policy_parse */
	char *name;
	enum stk_mode mode;
	bool alert;
	struct {
		enum stk_action def; /* ALLOW or DENY */
		struct stk_file_rule *rules;
		size_t n_rules;
	} files;
	/* Exec rules are path rules with the one access kind STK_FACC_EXEC. */
	struct {
		enum stk_action def; /* ALLOW or DENY; ALLOW without the section */
		struct stk_file_rule *rules;
		size_t n_rules;
		bool deny_fileless; /* refuse to execute files without a name */
	} exec;
	struct stk_network network; /* see network.c */
	struct stk_op_section caps;    /* "capabilities" */
	struct stk_op_section kernel;  /* "kernel" */
	struct stk_op_section sockets; /* "sockets" */
	struct stk_scope scope;	       /* see scope.c */
};

/*
 * stk_policy_parse() - parse and validate one policy document.
 * @file: name used in diagnostics
 * @text, @len: the document
 * @ret_policy: on success, the new policy (free with stk_policy_free)
 * @diags: receives every error and warning found, with positions, in the
 *	order of the text. A document of another language version gets that
 *	one error: it is not checked against this version's keys.
 *
 * Return: 0, -EINVAL when the document has errors, -ENOMEM.
 */
int stk_policy_parse(const char *file, const char *text, size_t len, struct stk_policy **ret_policy,
		     struct stk_diags *diags);
void stk_policy_free(struct stk_policy *p);
/*
 * stk_policy_drop_rules() - free @p's file, exec and network rules once
 * compiled and loaded (the compiled set owns copies of what events need).
 * The lists become NULL and their counts stay, as status reports them; the
 * name, file, mode, defaults, operations and scope stay too. Nothing may
 * read the lists afterwards: compile, check and explain need the whole
 * policy.
 */
void stk_policy_drop_rules(struct stk_policy *p);

/* One rule as events name it. */
struct stk_rule_ref {
	const char *policy; /* policy name */
	const char *id;     /* rule id, or "default" */
	bool alert;         /* the rule or its policy is marked "alert": true */
};

/*
 * STK_FACC_BIT masks of the accesses for which some file key says deny,
 * deny in complain mode, or audit (stk_config.file_keyed_*).
 */
struct stk_file_keyed {
	uint8_t deny, complain, audit;
};

/*
 * One path of the compiled table, with the combined verdicts of all policies.
 *
 * value.exact: the verdict for the file at @path itself; present only when
 *	has_exact, and then it already combines the exact and subtree rules
 *	at @path (same length: the most severe wins).
 * value.tree: the verdict for everything strictly below @path, and for
 *	@path itself when !has_exact; present only when has_tree.
 * A verdict is absent when all its action bytes are STK_ACT_NONE (its rules
 * STK_RULE_NONE); a present verdict has no STK_ACT_NONE byte. The kernel
 * cannot see has_exact and has_tree: it reads presence from the bytes.
 * value.flags is left 0 (the agent sets STK_FVAL_HAS_NAMES).
 *
 * Lookup of an access to F, walking F (level 0), its parent, ..., "/":
 * level 0: exact if present, else tree if present; level > 0: tree if
 * present, else go on up; nothing found: stk_compiled.file_default. The
 * first entry that decides, decides every access kind. See compile.c.
 */
struct stk_path_entry {
	char *path; /* normalised, without the trailing '/' (except "/") */
	struct stk_file_value value;
	bool has_exact; /* some rule names this path as a file */
	bool has_tree;  /* some rule names this path as a subtree */
};

struct stk_compiled {
	/*
	 * Everything below but @scopes and @globs is scope 0: the host
	 * policies (those without "scope") alone. Scope s >= 1 is the s-th
	 * scoped policy together with the host policies, at scopes[s - 1];
	 * its rule numbers index this table's @rules (their own are appended).
	 */
	struct stk_compiled **scopes;
	size_t n_scopes;
	const struct stk_policy **scope_policy; /* the scoped policy of scope s, at [s - 1] */
	struct stk_glob_prog *globs; /* every glob of every scope, in policy order */
	const char **glob_text;	     /* the globs as written */
	size_t n_globs;
	struct stk_path_entry *paths; /* sorted by path, in strcmp() order */
	size_t n_paths;
	/*
	 * Indexed by the rule numbers in verdicts: per policy, in the order
	 * given, its default (id STK_DEFAULT_RULE_ID), then its file rules,
	 * then its exec rules, in order. Owns its strings: it outlives the policies.
	 */
	struct stk_rule_ref *rules;
	size_t n_rules;
	struct stk_file_verdict file_default;
	struct stk_net_compiled *net; /* see compile_net.c; never NULL after stk_compile */
	/*
	 * The network tables of every scope in one (compile_scope.c), when a
	 * scoped policy has a network section; else NULL: @net serves all.
	 * stk_net_of() picks the one to load.
	 */
	struct stk_net_compiled *net_scoped;
	/*
	 * Capabilities, kernel operations, sockets (policy/ops_compile.c): one
	 * combined verdict each; their rules follow the others in @rules, with
	 * the capability, operation or socket word as id.
	 */
	struct stk_ops_config ops;
	/*
	 * deny_fileless of any policy: STK_EXECF_DENY_FILELESS, and the action
	 * byte and rule (that policy's default) its events carry.
	 */
	uint32_t exec_flags;
	uint8_t fileless_action;
	uint32_t fileless_rule;
	/*
	 * The accesses for which @file_default and every entry of @paths say
	 * plain allow (stk_config.file_unruled): kept when @paths is dropped,
	 * because container roots add this scope's keys later.
	 */
	uint8_t file_unruled;
	/* What the entries of @paths say (stk_config.file_keyed_*): kept as file_unruled. */
	struct stk_file_keyed file_keyed;
};

/*
 * stk_compile() - combine policies into one path table per scope.
 *
 * Policies without "scope" (host policies) compile into scope 0; each
 * scoped policy, with the host policies, into a scope of its own
 * (stk_compiled.scopes). Two scoped policies with an identical glob are an
 * error (which one applies would be a tie).
 *
 * Every policy is evaluated on its own (longest match, ties: deny, then
 * audit, then allow; default where nothing matches) and a process must pass
 * all of them. The table stores, for every path any rule names, the
 * combined verdict there, so one longest-match lookup gives the answer of
 * all policies at once.
 *
 * Return: 0, -EINVAL (errors in @diags), -ENOMEM.
 */
int stk_compile(struct stk_policy *const *pols, size_t n_pols, struct stk_compiled **ret,
		struct stk_diags *diags);
void stk_compiled_free(struct stk_compiled *c);
/*
 * Rebuilds @c's rule table with @add appended, as one block again (the
 * strings copied in after the array, so one free() releases it; a policy
 * name shared by neighbours is stored once). Every field is copied:
 * rule numbers in events index this table.
 */
int stk_compiled_append_rules(struct stk_compiled *c, const struct stk_rule_ref *add, size_t n_add);
/*
 * Frees the host's path table once it is in the kernel; the rule names
 * events need and the defaults stay, and so do the scopes' tables: the
 * agent resolves them again in each container root it meets.
 */
void stk_compiled_drop_paths(struct stk_compiled *c);
/*
 * Frees the network tables (the host's, the merged scopes' and each
 * scope's) once they are in the kernel's maps: their counts become 0,
 * @present and @table stay. A policy's digest (agent/enforcer.c) cannot be
 * taken afterwards; a reload compiles its own.
 */
void stk_compiled_drop_net(struct stk_compiled *c);

struct stk_decision {
	uint8_t action; /* enum stk_action | STK_ACT_COMPLAIN */
	uint32_t rule;  /* index into stk_compiled.rules */
};

/*
 * stk_explain_file() - the decision for one access to @path, as the kernel
 * makes it when @path has no other names (links, mounts).
 * @path: absolute and normalised (no "//", ".", ".."); a trailing '/' is
 *	ignored
 *
 * Return: 0, or -EINVAL for a bad argument.
 */
int stk_explain_file(const struct stk_compiled *c, const char *path, enum stk_file_access acc,
		     struct stk_decision *ret);

/* The network tables to load: every scope's (see net_scoped). */
static inline const struct stk_net_compiled *stk_net_of(const struct stk_compiled *c)
{
	return c->net_scoped ? c->net_scoped : c->net;
}

/*
 * stk_glob_compile() - the automaton of one cgroup glob (stk_glob.h).
 * Return: 0, or -EINVAL with a message in @why and the byte offset in
 * @glob where the problem is in @ret_off.
 */
int stk_glob_compile(const char *glob, __u16 scope, struct stk_glob_prog *ret, const char **why,
		     size_t *ret_off);
/* Whether the cgroup at @path ("/a/b", relative to the mount) matches @g. */
bool stk_glob_match(const struct stk_glob_prog *g, const char *path);
/* The entry of the root cgroup (scope 0, every glob at its start). */
void stk_scope_root(const struct stk_glob_prog *globs, size_t n_globs,
		    struct stk_cgroup_scope *ret);
/*
 * The entry of child @name of the cgroup whose entry is @parent: the scope
 * of the lowest-numbered scope whose glob matches the child itself, else
 * the parent's (the nearer ancestor wins). What the kernel computes on mkdir.
 */
void stk_scope_child(const struct stk_glob_prog *globs, size_t n_globs,
		     const struct stk_cgroup_scope *parent, const char *name,
		     struct stk_cgroup_scope *ret);
/*
 * The scope of the cgroup at @path ("/" or "/a/b"), from the root down;
 * @ret_flags gets STK_CGS_TIE if a cgroup on the way matched two scopes.
 */
unsigned int stk_scope_of_path(const struct stk_compiled *c, const char *path,
			       unsigned int *ret_flags);

/*
 * stk_tree_at_or_above() - the subtree verdict the kernel's walk finds for
 * what lies below the directory @dir: that of the nearest entry at @dir or
 * above it that has a subtree part (see compile.c).
 *
 * Return: 1 with *@ret set, 0 when no such entry exists (the default
 * decides), or -EINVAL for a bad argument.
 */
int stk_tree_at_or_above(const struct stk_compiled *c, const char *dir,
			 struct stk_file_verdict *ret);

/*
 * Names used by the language. The _from_name functions return the value,
 * or -1 if unknown; the _name functions return NULL for a value out of range.
 * stk_action_name(STK_ACT_NONE) is "none", which no policy may write.
 */
int stk_file_access_from_name(const char *name);
const char *stk_file_access_name(enum stk_file_access a);
const char *stk_action_name(enum stk_action a);
int stk_action_from_name(const char *name);
int stk_mode_from_name(const char *name); /* "enforce" or "complain" */
const char *stk_mode_name(enum stk_mode m);

/*
 * Names of the capabilities, kernel and sockets sections (policy/ops.c).
 * stk_cap_name: "CAP_NET_RAW" for 13, NULL if unknown; stk_kernel_op_name:
 * "mount" for STK_KOP_MOUNT; stk_sock_family_name: the policy word of an
 * address family ("inet6" for 10), NULL if the language has none.
 */
const char *stk_cap_name(uint32_t cap);
const char *stk_kernel_op_name(uint32_t op);
const char *stk_sock_family_name(uint32_t family);

#endif /* STK_POLICY_H */
