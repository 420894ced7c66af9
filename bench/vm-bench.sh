#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs inside the VM (bench/run): open+close cost side by side under
#   bare (no programs), floor (empty LSM program), stockade with an empty
#   policy, and stockade with 1, 1000 and 100000 file rules.
# Prints "RESULT <config> <median_ns> <min_ns> <max_ns> [load_ms] [rss_kb]".
set -u
ITER=${STK_BENCH_ITER:-20000}
REPS=${STK_BENCH_REPS:-7}
TARGET=/tmp/bench/a/b/c/d/file
mkdir -p /tmp/bench/a/b/c/d /tmp/rules && : > $TARGET

policy() { # N -> /tmp/policy-N.json with N deny rules on existing files
	n=$1
	stk-bench-syscalls mkfiles /tmp/rules "$n" || exit 1
	awk -v n="$n" 'BEGIN {
		printf "{ \"stockade\": 1, \"name\": \"bench\", \"files\": { \"default\": \"allow\", \"rules\": [\n"
		for (i = 0; i < n; i++)
			printf "%s{ \"id\": \"r%d\", \"paths\": [\"/tmp/rules/d%d/f%d\"], \"access\": [\"read\"], \"action\": \"deny\" }\n", (i ? "," : ""), i, int(i / 1000), i
		printf "] } }\n" }' > /tmp/policy-$n.json
}

measure() { # CONFIG [prefix command...]
	cfg=$1; shift
	set -- "$@" stk-bench-syscalls open $TARGET "$ITER" "$REPS"
	echo "RESULT $cfg $("$@") ${extra:-}"
}

with_stockade() { # CONFIG POLICY
	cfg=$1; pol=$2
	err=/tmp/agent-$cfg.err
	rm -f "$err"
	stockade run --policy "$pol" --audit-log none --no-syslog 2>"$err" &
	agent=$!
	until grep -q enforcing "$err" 2>/dev/null; do
		kill -0 $agent 2>/dev/null || { cat "$err"; exit 1; }
		sleep 0.05
	done
	ms=$(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$err")
	rss=$(awk '/VmRSS/ { print $2 }' /proc/$agent/status)
	extra="$ms $rss"
	measure "$cfg"
	extra=""
	kill $agent; wait $agent
}

echo "# kernel $(uname -r), $ITER opens x $REPS runs per config"
echo '{ "stockade": 1, "name": "empty" }' > /tmp/policy-0.json
measure bare
measure floor stk-bench-floor
with_stockade empty /tmp/policy-0.json
for n in 1 1000 100000; do
	policy $n
	with_stockade "rules-$n" /tmp/policy-$n.json
done
measure bare-again
