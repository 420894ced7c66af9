#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs inside the VM (bench/run), under qemu -icount: the guest's clock counts
# emulated instructions, so what else runs on the host does not show in the
# times and samples need not be interleaved across configurations (which
# would mean an agent start, about 15 s of emulated verifier work, per
# sample). Every configuration
#   bare        no programs (measured first and again last: guest drift shows)
#   floor       empty programs on every hook stockade uses (stk-bench-floor)
#   empty       stockade with an empty policy (every stockade configuration
#               runs with --protect, as the package does)
#   rules-N     stockade with N rules of each kind (N file rules, N exec rules,
#               N connect CIDRs and N bind CIDRs), N = 1, 1000, 100000
#   complain    rules-1000 in complain mode (workloads only)
#   all-access  rules-1000 whose file rules deny every file access, not just
#               read, so no file hook skips its walk (workloads only)
# takes ROUNDS samples of every measure; bench/report.py takes the ratio of
# each sample to bare's sample of the same round, then medians over rounds.
# Prints
#   SAMPLE <round> <config> <measure> <ns per operation>
#   LOAD 1 <config> <ready ms> <agent RSS kB>
#   RELOAD <n> <config> <ms> <agent RSS kB after>
#   EVENTS <round> <sink> <denied opens> <logged> <ms> <lost> <suppressed>
#   PROGCOST <config> <hook> <program> <runs> <ns>   (one create-files sample)
set -u
# Under -icount a sample repeats to within a fraction of a percent: rounds buy
# spread, not precision (a full make bench takes about 20 minutes).
ROUNDS=${STK_BENCH_ROUNDS:-5}
ITER=${STK_BENCH_ITER:-3000}       # opens, connects, binds per sample
EXECS=${STK_BENCH_EXECS:-50}       # execs and launches per sample
FILES=${STK_BENCH_FILES:-2000}     # files created per sample
EVENTS=${STK_BENCH_EVENTS:-20000}  # denied opens per event-pipeline sample
RULES=${STK_BENCH_RULES:-"1 1000 100000"}
# Only these measures (e.g. "open" to time a change to the file walk alone);
# bench/report.py then needs --partial.
BUILDS=${STK_BENCH_BUILDS:-3}      # builds of the C project per sample
MEASURES=${STK_BENCH_MEASURES:-"open exec connect bind create-files launch build"}
TARGET=/tmp/bench/a/b/c/d/file
NOP=$(command -v stk-bench-nop)
TRUE=/bin/true
BUILD=/tmp/bench/build.sh
mkdir -p /tmp/bench
printf '#!/bin/sh\nPATH=/usr/bin:/bin exec make -s -C /opt/bench-project clean all >/dev/null\n' >$BUILD
chmod 0755 $BUILD

measured() { # MEASURE: is it one of STK_BENCH_MEASURES?
	case " $MEASURES " in *" $1 "*) return 0 ;; esac
	return 1
}

# One sample of every measure, in the current configuration.
measures() { # CONFIG ROUND [workloads-only]
	cfg=$1 round=$2
	if [ -z "${3:-}" ]; then
		measured open && echo "SAMPLE $round $cfg open $(stk-bench-syscalls open $TARGET "$ITER")"
		measured exec && echo "SAMPLE $round $cfg exec $(stk-bench-syscalls exec "$NOP" "$EXECS")"
		measured connect && echo "SAMPLE $round $cfg connect $(stk-bench-syscalls connect "$ITER")"
		measured bind && echo "SAMPLE $round $cfg bind $(stk-bench-syscalls bind "$ITER")"
	fi
	if measured create-files; then
		rm -rf /tmp/bench/files && mkdir -p /tmp/bench/files
		echo "SAMPLE $round $cfg create-files $(stk-bench-syscalls files /tmp/bench/files "$FILES")"
	fi
	measured launch && echo "SAMPLE $round $cfg launch $(stk-bench-syscalls spawn $TRUE "$EXECS")"
	# /opt/bench-project and its compiler: bench/build-tree.sh.
	measured build && echo "SAMPLE $round $cfg build $(stk-bench-syscalls spawn $BUILD "$BUILDS")"
	return 0
}
# ROUNDS samples of every measure in the current configuration.
rounds() { # CONFIG [workloads-only]
	r=1
	while [ $r -le "$ROUNDS" ]; do
		measures "$1" $r ${2:-}
		r=$((r + 1))
	done
}
# One more create-files sample, with the kernel timing every program run
# (kernel.bpf_stats_enabled, left on for the caller to read and turn off):
# what each hook costs per file, in the kernel's own count, which the
# guest's drift between configurations does not touch. Not a SAMPLE.
costed_files() {
	measured create-files || return 0
	echo 1 >/proc/sys/kernel/bpf_stats_enabled || return 0
	rm -rf /tmp/bench/files && mkdir -p /tmp/bench/files
	stk-bench-syscalls files /tmp/bench/files "$FILES" >/dev/null
}
# What the kernel counted for stockade's programs ("stockade status --json",
# one key per line): PROGCOST <config> <hook> <program> <runs> <ns>.
stockade_costs() { # CONFIG
	measured create-files || return 0
	stockade status --json | awk -v cfg="$1" '
		function val(s) { sub(/^[^:]*: *"?/, "", s); sub(/"?,? *$/, "", s); return s }
		/"name":/ { name = val($0); hook = "?"; runs = "" }
		/"hook":/ { hook = val($0) }
		/"runs":/ { runs = val($0) }
		/"run_ns":/ { if (runs + 0 > 0) print "PROGCOST", cfg, hook, name, runs, val($0) }'
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
}
if [ "${1:-}" = rounds ]; then
	shift
	rounds "$@"
	# Under stk-bench-floor, which prints the floor's PROGCOST lines.
	[ "${1:-}" = floor ] && costed_files
	exit 0
fi

agent=""
start_agent() { # CONFIG ROUND POLICY [stockade run options...]
	cfg=$1 round=$2 pol=$3
	shift 3
	err=/tmp/agent.err
	rm -f "$err"
	stockade run --policy "$pol" "$@" 2>"$err" &
	agent=$!
	until grep -q 'ready in' "$err" 2>/dev/null; do
		kill -0 $agent 2>/dev/null || { echo "bench: the agent failed ($cfg)"; cat "$err"; exit 1; }
		sleep 0.05
	done
	ms=$(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$err")
	echo "LOAD $round $cfg $ms $(awk '/VmRSS/ { print $2 }' /proc/$agent/status)"
}

stop_agent() {
	kill $agent
	wait $agent
	agent=""
}

now_ms() {
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

# `stockade reload` of the policy in force, timed from the command's start to
# its exit (the new generation is in force then), and the agent's RSS after.
reloads() { # CONFIG
	i=1
	while [ $i -le "${STK_BENCH_RELOADS:-3}" ]; do
		t0=$(now_ms)
		stockade reload >/tmp/reload.out 2>&1 || { echo "bench: reload failed ($1)"; cat /tmp/reload.out; exit 1; }
		t1=$(now_ms)
		echo "RELOAD $i $1 $((t1 - t0)) $(awk '/VmRSS/ { print $2 }' /proc/$agent/status)"
		i=$((i + 1))
	done
}

# As the package runs it (packaging/systemd/stockade.service): with
# self-protection, this shell in the service manager's place (--launcher-pid).
with_stockade() { # CONFIG POLICY [workloads-only]
	start_agent "$1" 1 "$2" --audit-log none --no-syslog --protect --launcher-pid $$
	rounds "$1" ${3:-}
	costed_files && stockade_costs "$1"
	case $1 in rules-*) reloads "$1" ;; esac
	stop_agent
}

# Denied opens into the audit log: how many arrive, how fast, how many are lost.
events() { # ROUND SINK
	round=$1 sink=$2 log=/tmp/bench/audit.log
	rm -f $log /tmp/bench/syslog
	if [ "$sink" = json ]; then
		start_agent "events-$sink" "$round" /tmp/policy-deny.json --audit-log $log --no-syslog
	else
		rm -f /dev/log
		syslogd -n -O /tmp/bench/syslog & syslogd=$!
		i=0
		until [ -e /dev/log ]; do
			i=$((i + 1))
			[ $i -lt 200 ] || { echo "bench: syslogd did not start"; exit 1; }
			sleep 0.05
		done
		start_agent "events-$sink" "$round" /tmp/policy-deny.json --audit-log none --syslog
	fi
	t0=$(now_ms)
	stk-bench-syscalls denied /tmp/bench/denied "$EVENTS" >/dev/null
	# The agent has written everything when the count stops growing.
	file=$log
	[ "$sink" = json ] || file=/tmp/bench/syslog
	last=-1 got=0 t1=$t0
	while :; do
		got=$(grep -c '"action":"deny"' $file 2>/dev/null)
		[ "${got:-0}" -ge "$EVENTS" ] && { t1=$(now_ms); break; }
		[ "$got" = "$last" ] && break
		last=$got t1=$(now_ms)
		sleep 0.5
	done
	stockade status --json >/tmp/status.json 2>/dev/null
	# The kernel's counters (pretty JSON: one key per line, in the "counters" block).
	lost=$(sed -n '/"counters"/,/}/ s/.*"lost": *\([0-9]*\).*/\1/p' /tmp/status.json)
	suppressed=$(sed -n '/"counters"/,/}/ s/.*"suppressed": *\([0-9]*\).*/\1/p' /tmp/status.json)
	stop_agent
	[ "$sink" = json ] || { kill $syslogd; wait $syslogd; } 2>/dev/null
	echo "EVENTS $round $sink $EVENTS $got $((t1 - t0)) ${lost:-?} ${suppressed:-?}"
}

echo "# kernel $(uname -r); $ROUNDS rounds; $ITER opens/connects/binds, $EXECS execs, $FILES files per sample"
mkdir -p /tmp/bench/a/b/c/d && : > $TARGET && : > /tmp/bench/denied
echo '{ "stockade": 1, "name": "empty" }' > /tmp/policy-0.json
echo '{ "stockade": 1, "name": "deny", "files": { "rules": [
  { "id": "denied", "paths": ["/tmp/bench/denied"], "access": ["read"], "action": "deny" } ] } }' \
	> /tmp/policy-deny.json
for n in $RULES; do
	sh /src/bench/gen-policy.sh "$n" /tmp/rules > /tmp/policy-$n.json || exit 1
done

configs="bare floor empty"
for n in $RULES; do
	configs="$configs rules-$n"
done
configs=${STK_BENCH_CONFIGS:-"$configs complain all-access"}
case " $configs " in
*" complain "*) sh /src/bench/gen-policy.sh 1000 /tmp/rules complain > /tmp/policy-complain.json || exit 1 ;;
esac
case " $configs " in
*" all-access "*) sh /src/bench/gen-policy.sh 1000 /tmp/rules enforce all > /tmp/policy-all-access.json || exit 1 ;;
esac
# A round that is not reported: the first pass of each measure runs cold
# (page cache, dentries, slab caches) and would count against whoever goes first.
measures warmup 0 >/dev/null
for cfg in $configs; do
	case $cfg in
	bare) rounds bare ;;
	floor)
		stk-bench-floor sh /src/bench/vm-bench.sh rounds floor || exit 1
		echo 0 >/proc/sys/kernel/bpf_stats_enabled
		;;
	empty) with_stockade empty /tmp/policy-0.json ;;
	complain) with_stockade complain /tmp/policy-complain.json workloads-only ;;
	all-access) with_stockade all-access /tmp/policy-all-access.json workloads-only ;;
	rules-*) with_stockade $cfg /tmp/policy-${cfg#rules-}.json ;;
	esac
done
# bare again: had the guest drifted (caches, slabs), it shows against the first.
case " $configs " in *" bare "*) rounds bare-again ;; esac
round=1
while [ $round -le "${STK_BENCH_EVENT_ROUNDS:-3}" ]; do
	for sink in ${STK_BENCH_SINKS:-json syslog}; do
		events $round $sink
	done
	round=$((round + 1))
done
echo "DONE"
