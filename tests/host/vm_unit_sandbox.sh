#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Run in the test VM by test_packaging.sh: the agent with --protect like the
# unit (this shell is its launcher) under the systemd unit's capability
# bounding set ($STK_UNIT_CAPS, setpriv syntax) and strace
# must start, enforce, stop cleanly, and make no system call of the unit's
# deny list ($STK_UNIT_DENY, names separated by spaces).
set -u
bin=/usr/local/bin
fail() { echo "sandbox: FAIL: $*"; exit 1; }

echo secret >/etc/shadow
cat >/tmp/policy.json <<'JSON'
{ "stockade": 1, "name": "sandbox", "files": { "rules": [
  { "id": "no-shadow", "paths": ["/etc/shadow"], "access": ["read"], "action": "deny" } ] } }
JSON
# strace -e raw=all: it decodes no argument, so it reads nothing of the
# agent's memory. Self-protection refuses it that (process_vm_readv is a
# ptrace access): each decoded call was a denial event, and their flood
# (some 76,000 in the canary's first 15 s on 6.12.117) kept the canary's
# own event from the reader in time.
"$bin/setpriv" --bounding-set "$STK_UNIT_CAPS" --inh-caps -all \
	"$bin/strace" -f -qq -e raw=all -o /tmp/trace "$bin/stockade" run --policy /tmp/policy.json \
	--audit-log /var/log/stockade/audit.log --protect --launcher-pid $$ 2>/tmp/err &
tracer=$!
i=0
until grep -q 'ready in' /tmp/err; do
	i=$((i + 1))
	[ $i -gt 120 ] && { cat /tmp/err; fail "the agent did not become ready"; }
	kill -0 $tracer 2>/dev/null || { cat /tmp/err; fail "the agent exited"; }
	sleep 0.5
done
# The agent is strace's child; its event reader (the agent's child) may be
# running already and must not get the SIGTERM too.
pid=
for p in $(pidof stockade); do
	[ "$(cut -d' ' -f4 /proc/$p/stat)" = "$tracer" ] && pid=$p
done
[ -n "$pid" ] || fail "no stockade process under strace ($tracer)"
echo "sandbox: $(grep CapBnd /proc/$pid/status)"
cat /etc/shadow >/dev/null 2>&1 && fail "/etc/shadow was readable"
# The bounding set lets libbpf read the kernel addresses the file decision
# caches need (CAP_SYSLOG): the agent warns when it cannot.
grep -q 'file decision caches are off' /tmp/err && fail "the file decision caches are off"
# The agent writes its status once the canary has passed, just after "ready in".
i=0
until "$bin/stockade" status --json >/tmp/status.json 2>&1 && grep -q '"agent"' /tmp/status.json; do
	i=$((i + 1))
	[ $i -gt 60 ] && fail "status shows no agent"
	sleep 0.5
done
grep -q '"file_cache": *true' /tmp/status.json ||
	{ sed -n '/"agent"/,+12p' /tmp/status.json | sed 's/^/sandbox: /'; fail "status: file_cache is not true"; }
kill -TERM "$pid"
wait $tracer
rc=$?
cat /tmp/err
[ $rc = 0 ] || fail "the agent exited with $rc on SIGTERM"
grep -q '"rule":"no-shadow"' /var/log/stockade/audit.log || fail "no audit event"
used=$(sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' /tmp/trace | sort -u | tr '\n' ' ')
echo "sandbox: system calls: $used"
for s in $used; do
	case " $STK_UNIT_DENY " in
	*" $s "*) fail "the agent calls $s, which the unit denies" ;;
	esac
done
echo "sandbox: ok"
