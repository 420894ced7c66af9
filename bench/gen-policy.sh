#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bench/gen-policy.sh N DIR [MODE [ACCESS]] - print a policy with N rules of
# each kind (N file rules and N exec rules on files DIR/d<i/1000>/f<i>, created
# here if missing; N connect CIDRs in 10/8 and N bind CIDRs in 11/8). The
# benchmarks touch none of them, so every rule costs lookups and none decides.
# The file rules deny ACCESS: "read" unless given ("all": every file access,
# so no file hook can skip its walk, see docs/design.md).
set -eu
n=$1 dir=$2 mode=${3:-enforce} access=${4:-read}
[ "$access" = all ] && access='read", "write", "create", "delete", "rename", "link", "attr'
mkdir -p "$dir"
[ -e "$dir/d$(((n - 1) / 1000))/f$((n - 1))" ] || stk-bench-syscalls mkfiles "$dir" "$n"
awk -v n="$n" -v dir="$dir" -v mode="$mode" -v access="$access" '
function ip(a, i) { return a "." int(i / 65536) "." int(i / 256) % 256 "." i % 256 }
function arg(kind, i) {
	if (kind == "f" || kind == "x")
		return dir "/d" int(i / 1000) "/f" i
	return ip(kind == "c" ? 10 : 11, i) "/32"
}
function list(kind, fmt,   i) {
	for (i = 0; i < n; i++)
		printf "%s{ \"id\": \"%s%d\", " fmt ", \"action\": \"deny\" }\n", (i ? "," : ""), kind, i, arg(kind, i)
}
BEGIN {
	printf "{ \"stockade\": 1, \"name\": \"bench\", \"mode\": \"%s\",\n", mode
	printf "\"files\": { \"default\": \"allow\", \"rules\": [\n"
	list("f", "\"paths\": [\"%s\"], \"access\": [\"" access "\"]")
	printf "] },\n\"exec\": { \"default\": \"allow\", \"rules\": [\n"
	list("x", "\"paths\": [\"%s\"]")
	printf "] },\n\"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [\n"
	list("c", "\"cidrs\": [\"%s\"]")
	printf "] },\n\"bind\": { \"default\": \"allow\", \"rules\": [\n"
	list("b", "\"cidrs\": [\"%s\"]")
	printf "] } } }\n"
}'
