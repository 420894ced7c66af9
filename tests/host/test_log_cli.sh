#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# "stockade log" as a user runs it, on the recorded fixture log
# (tests/fixtures/log): exit statuses, bad lines reported as file:line on
# stderr, filters, output forms, --against and --suggest, and --follow
# across logrotate's rename. No privilege needed. Prints TAP.
set -u
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-build}
STOCKADE=$OUTPUT/bin/stockade
FX=tests/fixtures/log
tmp=$(mktemp -d)
n=0
follow_pid=
cleanup() {
	[ -n "$follow_pid" ] && kill "$follow_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
log() { "$STOCKADE" log --file "$FX/audit.log" "$@"; }

echo "1..13"

log --json >"$tmp/all" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/all")" = 16 ] &&
	grep -q "^stockade: log: $FX/audit.log.1:4: corrupt line, skipped" "$tmp/err" &&
	grep -q "^stockade: log: $FX/audit.log:6: truncated last line" "$tmp/err"
ok $? "all 16 records as JSON lines; corrupt and truncated lines on stderr, exit 1 (rc=$rc)"

# The records are passed through byte for byte.
{ zcat "$FX/audit.log.2.gz"; cat "$FX/audit.log.1" "$FX/audit.log"; } | grep -a '"hook":"file_open"' |
	cmp -s - "$tmp/all"
ok $? "--json prints the records exactly as written"

"$STOCKADE" log --no-rotated --file "$FX/audit.log.2.gz" --json >"$tmp/gz" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$tmp/gz")" = 5 ] && [ ! -s "$tmp/err" ]
ok $? "a clean gz file alone: 5 records, nothing on stderr, exit 0 (rc=$rc)"

log --json --rule no-shadow --since "2026-11-25 00:00" 2>/dev/null >"$tmp/f"
[ "$(wc -l <"$tmp/f")" = 2 ] && ! grep -qv '"rule":"no-shadow"' "$tmp/f"
ok $? "--rule and --since AND together"

log --json --container 3f4e8a1c --action deny --path-prefix /var/lib/nginx 2>/dev/null >"$tmp/f"
[ "$(wc -l <"$tmp/f")" = 5 ]
ok $? "--container, --action, --path-prefix"

log --output table --uid 1000 2>/dev/null >"$tmp/t"
[ "$(wc -l <"$tmp/t")" = 3 ] && head -1 "$tmp/t" | grep -q '^TIME (UTC) .*TARGET$' &&
	! grep -q $'\x1b' "$tmp/t" && grep -q 'evil\\x1b\[2J\\x0ax' "$tmp/t"
ok $? "--output table: header, one row per record, hostile name escaped"

log --summary --output table 2>/dev/null >"$tmp/s"
grep -q '^16 events from 2026-11-24 22:05:01 to 2026-11-25 11:00:00 UTC' "$tmp/s" &&
	grep -q '^         4  baseline/no-shadow$' "$tmp/s"
ok $? "--summary"

log --against "$FX/draft" --output table >"$tmp/a" 2>/dev/null
grep -q '5 events that were denied in complain mode (allowed, logged) would be allowed' "$tmp/a" &&
	grep -q '2 events that were denied in complain mode (allowed, logged) would be denied' "$tmp/a" &&
	grep -q '9 events unchanged' "$tmp/a" && [ "$(grep -c ' \* ' "$tmp/a")" = 7 ]
ok $? "--against a draft: per-event decisions and the summary of changes"

log --against "$FX/draft" --changed --json >"$tmp/a" 2>"$tmp/err"
[ "$(wc -l <"$tmp/a")" = 7 ] && ! grep -q '"changed":false' "$tmp/a" &&
	grep -q '9 events unchanged' "$tmp/err"
ok $? "--against --changed: only the 7 changes, JSON lines; the summary on stderr"

printf '{"stockade": 1, "name": "x", "files": {"default": "maybe"}}\n' >"$tmp/bad.json"
log --against "$tmp/bad.json" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "^$tmp/bad.json:1:" "$tmp/err"
ok $? "--against a broken draft: its errors with positions, exit 2 (rc=$rc)"

log --suggest 2>/dev/null | grep -q '"/var/lib/nginx/body/"'
ok $? "--suggest"

"$STOCKADE" log --since yesterday >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "bad time 'yesterday'" "$tmp/err"
ok $? "a bad --since is a usage error (rc=$rc)"

# --follow: new lines appear; logrotate renames the file; lines go on.
live=$tmp/audit.log
head -n 2 "$FX/audit.log" >"$live"
"$STOCKADE" log --follow --json --file "$live" >"$tmp/fo" 2>&1 &
follow_pid=$!
sleep 0.5
sed -n 3p "$FX/audit.log" >>"$live"
sleep 0.5
mv "$live" "$live.1"
sed -n 4p "$FX/audit.log" >>"$live.1"
sed -n 5p "$FX/audit.log" >"$live"
for _ in $(seq 50); do
	[ "$(wc -l <"$tmp/fo")" -ge 5 ] && break
	sleep 0.1
done
kill "$follow_pid"
wait "$follow_pid" 2>/dev/null
follow_pid=
head -n 5 "$FX/audit.log" | cmp -s - "$tmp/fo"
ok $? "--follow: appended lines, the rotated file's last line, then the new file"
