#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The Debian package, its systemd unit and the Kubernetes manifests: build
# the package (make deb), run lintian, install it with dpkg -i into a
# minimal Debian 12 chroot (debootstrap, cached in $OUTPUT/debootstrap) and
# check what it installed there. The chroot tests are skipped only when the
# Debian archive cannot be reached. Prints TAP.
set -u
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-build}
VERSION=$(cat VERSION)
DEB=$OUTPUT/deb/stockade_${VERSION}_$(dpkg --print-architecture).deb
UNIT=packaging/systemd/stockade.service
CACHE=$OUTPUT/debootstrap
BASE=$CACHE/bookworm-base
ROOT=$CACHE/work
# The unit's systemd-analyze security score may not get worse than this.
MAX_EXPOSURE=3.5

tmp=$(mktemp -d)
n=0
failed=0
mounts=()

cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[i]}" 2>/dev/null
	done
	# Only once nothing is mounted below it.
	grep -qs " $(realpath -m "$ROOT")/" /proc/mounts || rm -rf "$ROOT"
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
comment() { sed 's/^/# /' "$@"; }
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"; }

# The Debian mirror this machine uses (not its security archive), or
# $STK_DEBIAN_MIRROR.
mirror() {
	local m=${STK_DEBIAN_MIRROR-}
	[ -n "$m" ] && { echo "$m"; return; }
	m=$(grep -hsE '^[[:space:]]*(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources | grep -v security |
		grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1)
	m=${m%% }
	echo "${m:-http://deb.debian.org/debian}"
}

archive_reachable() {
	python3 - "$1/dists/bookworm/Release" <<'EOF'
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=20).read(64)
except Exception as e:
    print(f"{sys.argv[1]}: {e}")
    sys.exit(1)
EOF
}

echo "1..25"

# --- the package -------------------------------------------------------------
make -s deb >"$tmp/make.log" 2>&1
rc=$?
[ $rc = 0 ] || comment "$tmp/make.log"
[ $rc = 0 ] && [ -f "$DEB" ]
ok $? "make deb builds $DEB"

[ "$(dpkg-deb -f "$DEB" Version 2>/dev/null)" = "$VERSION" ]
ok $? "the package's version is VERSION ($VERSION): packaging/debian/changelog is up to date"

lintian --fail-on error --tag-display-limit 0 \
	"$OUTPUT/deb/stockade_${VERSION}_$(dpkg --print-architecture).changes" >"$tmp/lintian" 2>&1
rc=$?
comment "$tmp/lintian"
[ $rc = 0 ] && ! grep -q '^E: ' "$tmp/lintian"
ok $? "lintian reports no errors ($(grep -c '^W: ' "$tmp/lintian") warnings)"

# --- the unit on its own -----------------------------------------------------
props=$(sed -n 's/^\([A-Za-z]*\)=\(.*\)/\1=\2/p' "$UNIT")
grep -qx 'Type=notify' <<<"$props" &&
	grep -qx 'ExecStart=/usr/sbin/stockade run --policy /etc/stockade/policy.d --protect' <<<"$props" &&
	grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' <<<"$props" &&
	grep -qx 'Restart=on-failure' <<<"$props"
ok $? "the unit is Type=notify, runs the policy directory, reloads with SIGHUP, restarts on failure"

caps=$(grep '^CapabilityBoundingSet=' "$UNIT" | cut -d= -f2 | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ')
[ "$caps" = "CAP_BPF CAP_DAC_READ_SEARCH CAP_NET_ADMIN CAP_PERFMON CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_PTRACE " ]
ok $? "the capability bounding set is exactly what loading and dropping need ($caps)"

systemd-analyze security --offline=yes --no-pager "$UNIT" >"$tmp/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for stockade.service: \([0-9.]*\).*/\1/p' "$tmp/security")
echo "# systemd-analyze security: exposure ${score:-unknown}"
[ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'
ok $? "systemd-analyze security --offline: exposure ${score:-?} is at most $MAX_EXPOSURE"

grep -q "exposure \*\*$score " README.md && grep -q "rates it \*\*$score " docs/deploy.md
ok $? "README.md and docs/deploy.md report the exposure score ${score:-?}"

# Options that would change which file a rule path names for the agent.
! grep -qE '^(PrivateTmp|PrivateDevices|ProtectProc|ProcSubset|ProtectKernelModules|ProtectKernelLogs|PrivateNetwork|TemporaryFileSystem|InaccessiblePaths)=' "$UNIT" &&
	grep -qx 'ProtectHome=read-only' "$UNIT"
ok $? "the unit changes no part of the file tree the agent resolves rule paths in"

# The agent under the unit's capability bounding set, in the VM (BPF LSM),
# under strace: it must load, enforce and stop, and use no system call the
# unit's filter denies. (The VM has no systemd; the file system options are
# read-only views and are not exercised here.)
vm_sandbox() {
	local caps deny g
	mkdir -p "$tmp/vm/bin"
	cp "$OUTPUT/bin/stockade" "$(command -v strace)" "$(command -v setpriv)" "$tmp/vm/bin/" || return 1
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z ' 'a-z\n' | sed 's/^cap_/+/' |
		paste -sd, -)
	for g in $(sed -n 's/^SystemCallFilter=~//p' "$UNIT"); do
		case $g in
		@*) deny="${deny-} $(systemd-analyze syscall-filter --no-pager "$g" |
			sed -n 's/^ *\([a-z0-9_]*\)$/\1/p' | tr '\n' ' ')" ;;
		*) deny="${deny-} $g" ;;
		esac
	done
	echo "# bounding set -all,$caps; denied: $(wc -w <<<"$deny") system calls"
	STK_UNIT_CAPS="-all,$caps" STK_UNIT_DENY="$deny" OUTPUT=$tmp/vm \
		tests/vm/run --kernel 6.12 -- sh /src/tests/host/vm_unit_sandbox.sh >"$tmp/vm.log" 2>&1
}
vm_sandbox
rc=$?
grep -E 'sandbox:|stockade:|^vm:' "$tmp/vm.log" | comment
[ $rc = 0 ] && grep -q '^sandbox: ok' "$tmp/vm.log"
ok $? "with only the unit's capabilities the agent enforces and stops, using no denied system call (VM)"

# --- the Kubernetes manifests ------------------------------------------------
python3 packaging/kubernetes/check-manifests.py packaging/kubernetes/*.yaml >"$tmp/k8s" 2>&1
rc=$?
comment "$tmp/k8s"
ok $rc "the Kubernetes manifests parse and the DaemonSet has what the agent needs"

sh -n packaging/container/entrypoint.sh
ok $? "the container entrypoint is valid sh"

# --- a Debian 12 chroot --------------------------------------------------------
chroot_tests=14
chroot_ready=0
if [ ! -d "$BASE" ]; then
	mirror=$(mirror)
	if ! archive_reachable "$mirror" >"$tmp/reach" 2>&1; then
		reason="the Debian archive is not reachable: $(head -c 200 "$tmp/reach")"
	else
		rm -rf "$BASE.tmp"
		mkdir -p "$CACHE"
		echo "# debootstrap bookworm from $mirror (cached in $BASE)"
		if debootstrap --variant=minbase bookworm "$BASE.tmp" "$mirror" >"$tmp/debootstrap" 2>&1; then
			mv "$BASE.tmp" "$BASE"
		else
			tail -n 20 "$tmp/debootstrap" | comment
			reason=""
		fi
	fi
fi
if [ -d "$BASE" ]; then
	rm -rf "$ROOT"
	cp -a "$BASE" "$ROOT" &&
		mount -t proc proc "$ROOT/proc" && mounts+=("$ROOT/proc") &&
		mkdir -p "$CACHE/apt-archives/partial" &&
		mount --bind "$CACHE/apt-archives" "$ROOT/var/cache/apt/archives" &&
		mounts+=("$ROOT/var/cache/apt/archives") &&
		cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
	chroot_ready=$((! $?))
fi

if [ "$chroot_ready" = 0 ]; then
	if [ -n "${reason-}" ]; then
		for ((i = 0; i < chroot_tests; i++)); do skip "chroot test" "$reason"; done
		exit $failed
	else
		ok 1 "debootstrap a Debian 12 chroot"
		for ((i = 1; i < chroot_tests; i++)); do ok 1 "chroot test (no chroot)"; done
	fi
	exit 1
fi

cp "$DEB" "$ROOT/tmp/stockade.deb"
# dpkg -i leaves the package unconfigured when its dependencies are missing;
# apt-get -f installs them and finishes. The index may be older than the
# archive: update it once if that fails.
{
	in_root dpkg -i /tmp/stockade.deb
	export DEBIAN_FRONTEND=noninteractive
	in_root apt-get install -f -y -q --no-install-recommends ||
		{ in_root apt-get update -q && in_root apt-get install -f -y -q --no-install-recommends; }
	# logrotate, to exercise the shipped configuration.
	in_root apt-get install -y -q --no-install-recommends logrotate
} >"$tmp/install" 2>&1
[ "$(in_root dpkg-query -W -f='${Status}' stockade 2>/dev/null)" = "install ok installed" ]
rc=$?
[ $rc = 0 ] || tail -n 30 "$tmp/install" | comment
ok $rc "dpkg -i (and apt-get -f for its dependencies) installs the package in a Debian 12 chroot"

missing=""
for f in /usr/sbin/stockade /lib/systemd/system/stockade.service \
	/etc/stockade/policy.d/README /etc/stockade/policy.d/10-credentials.json \
	/etc/logrotate.d/stockade /usr/share/man/man8/stockade.8.gz \
	/usr/share/man/man5/stockade.policy.5.gz /usr/share/bash-completion/completions/stockade \
	/usr/lib/sysusers.d/stockade.conf; do
	[ -e "$ROOT$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && [ -x "$ROOT/usr/sbin/stockade" ]
ok $? "the binary, unit, policies, logrotate, man pages, completion are installed${missing:+ (missing:$missing)}"

user=$(in_root getent passwd stockade)
echo "# $user"
uid=$(cut -d: -f3 <<<"$user")
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && [ "$(cut -d: -f7 <<<"$user")" != /bin/bash ]
ok $? "the stockade system user exists (uid ${uid:-none}, no login shell)"

in_root stockade check /etc/stockade/policy.d >"$tmp/check" 2>&1
rc=$?
comment "$tmp/check"
[ $rc = 0 ] && grep -q '^ok: 3 policies' "$tmp/check"
ok $? "stockade check /etc/stockade/policy.d accepts the shipped examples"

bad=0
for f in "$ROOT"/etc/stockade/policy.d/*.json; do
	[ "$(jq -r .mode "$f")" = complain ] || { echo "# $f is not in complain mode"; bad=1; }
done
in_root stockade check --explain /etc/shadow --access read /etc/stockade/policy.d >"$tmp/explain" 2>&1
comment "$tmp/explain"
[ $bad = 0 ] && grep -q 'complain: logged, not enforced' "$tmp/explain"
ok $? "every shipped policy runs in complain mode, so installing never denies anything"

[ "$(in_root stockade version)" = "stockade $VERSION" ]
ok $? "stockade version prints stockade $VERSION"

in_root systemd-analyze verify --man=no /lib/systemd/system/stockade.service >"$tmp/verify" 2>&1
rc=$?
comment "$tmp/verify"
[ $rc = 0 ] && [ ! -s "$tmp/verify" ]
ok $? "systemd-analyze verify accepts the installed unit"

in_root systemctl is-enabled stockade.service >"$tmp/enabled" 2>&1
[ "$(cat "$tmp/enabled")" = disabled ]
ok $? "installing does not enable the service ($(cat "$tmp/enabled"))"

: >"$tmp/warn"
for m in man8/stockade.8.gz man5/stockade.policy.5.gz; do
	MANWIDTH=80 man --warnings -l "$ROOT/usr/share/man/$m" 2>>"$tmp/warn" >"$tmp/page"
	grep -q '^NAME' "$tmp/page" || echo "$m: no NAME section" >>"$tmp/warn"
done
comment "$tmp/warn"
[ ! -s "$tmp/warn" ]
ok $? "the man pages render without warnings"

in_root logrotate -d /etc/logrotate.d/stockade >"$tmp/logrotate" 2>&1
rc=$?
grep -q 'error' "$tmp/logrotate" && rc=1
[ $rc = 0 ] || comment "$tmp/logrotate"
ok $rc "logrotate accepts /etc/logrotate.d/stockade"

mkdir -p "$ROOT/var/log/stockade"
echo '{"seq":1}' >"$ROOT/var/log/stockade/audit.log"
in_root logrotate -f -s /tmp/logrotate.state /etc/logrotate.d/stockade >"$tmp/rotate" 2>&1
rc=$?
comment "$tmp/rotate"
[ $rc = 0 ] && [ -s "$ROOT/var/log/stockade/audit.log.1" ] && [ ! -e "$ROOT/var/log/stockade/audit.log" ]
ok $? "a forced rotation moves the audit log aside and leaves creating the new one to the agent"

# The completion, with bash-completion's two helpers reduced to what it uses.
complete_words() {
	in_root bash -c '
		_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]};
			words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
		_filedir() { :; }
		. /usr/share/bash-completion/completions/stockade
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _stockade; echo "${COMPREPLY[*]}"' _ "$@"
}
[ "$(complete_words stockade ch)" = check ] &&
	[ "$(complete_words stockade run --po)" = --policy ] &&
	[ "$(complete_words stockade check --access wr)" = write ]
ok $? "bash completion completes commands, options and access kinds"

# The container entrypoint, with the installed chroot as the image and a
# bare "node" tree with neither stockade nor its libraries: the image's
# binary must run there, see the node's files and the image's policies,
# laid out as kubelet lays out a ConfigMap volume (symbolic links into a
# hidden, atomically swapped ..data directory).
node=$ROOT/node
mkdir -p "$node/proc" "$node/run"
cm=$ROOT/etc/stockade/policy.d
mkdir "$cm/..2026_11_25_15_00_00.1" && mv "$cm"/*.json "$cm/..2026_11_25_15_00_00.1/" &&
	ln -s ..2026_11_25_15_00_00.1 "$cm/..data" &&
	for f in "$cm"/..data/*.json; do ln -s "..data/${f##*/}" "$cm/${f##*/}"; done
cp examples/demo.json "$node/node-only.json"
install -m 0755 packaging/container/entrypoint.sh "$ROOT/usr/local/sbin/stockade-entrypoint"
unshare -m --propagation private sh -c 'mount -t proc proc "$1/node/proc" &&
	chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOST_ROOT=/node \
	/usr/local/sbin/stockade-entrypoint check /etc/stockade/policy.d /node-only.json' \
	_ "$ROOT" >"$tmp/entry" 2>&1
rc=$?
comment "$tmp/entry"
[ $rc = 0 ] && grep -q '^ok: 4 policies' "$tmp/entry" && [ ! -e "$node/usr" ] && [ -L "$cm/20-ssh.json" ]
ok $? "the container entrypoint runs the image's stockade in the node's tree with ConfigMap-style policies"

in_root dpkg --purge stockade >"$tmp/purge" 2>&1
rc=$?
[ $rc = 0 ] || comment "$tmp/purge"
[ $rc = 0 ] && [ ! -e "$ROOT/usr/sbin/stockade" ] && [ ! -e "$ROOT/etc/stockade/policy.d/README" ] &&
	[ ! -e "$ROOT/lib/systemd/system/stockade.service" ]
ok $? "dpkg --purge removes the package and its configuration"

exit $failed
