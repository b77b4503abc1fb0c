#!/bin/bash
# Runs a command the way the installed mcmigd.service would, as far as that
# is possible without systemd as PID 1 (systemd-run needs it):
#
#   unit-sandbox.sh UNIT UID GID STATE_DIR [--no-ambient] [--deny-syscalls] -- CMD...
#
# UNIT is the rendered mcmigd.service: UMask=, AmbientCapabilities= and
# CapabilityBoundingSet= are read from it, and every other setting applied
# here is first checked to be in it, so that the sandbox follows the unit.
# Needs root; execs CMD in the end (its PID is this script's).
#
# Applied here:
#   User=/Group= (UID/GID, no supplementary groups), AmbientCapabilities=,
#   CapabilityBoundingSet=, NoNewPrivileges=, UMask=, ProtectSystem=strict
#   (every mount read-only but STATE_DIR, the StateDirectory=, and /dev),
#   PrivateTmp=, ProtectHome= (but UNIT_SANDBOX_KEEP, see below), ProtectKernelTunables= and
#   ProtectControlGroups= (/sys read-only), ProtectKernelLogs= (/dev/kmsg
#   hidden), ProtectProc=invisible and ProcSubset=pid (a proc mount of its
#   own), ProtectHostname= (a UTS namespace), PrivateMounts= (a mount
#   namespace), MemoryDenyWriteExecute= (prctl PR_SET_MDWE, Linux 6.3; kept
#   across execve; said and skipped on older kernels). --no-ambient drops
#   the ambient capability (the test that the capability is needed).
# --deny-syscalls emulates the deny part of SystemCallFilter= (the groups of
#   its "~" line, expanded by systemd-analyze) with strace fault injection:
#   each of those calls fails with SystemCallErrorNumber= and is logged
#   "(INJECTED)" on stderr. CMD then runs as strace's child, not as this PID.
# Only systemd can apply (seccomp and cgroup BPF, no tool here sets them up):
#   SystemCallFilter='s allow list, SystemCallArchitectures=,
#   RestrictAddressFamilies=, RestrictNamespaces=, RestrictRealtime=,
#   RestrictSUIDSGID=, LockPersonality=, ProtectClock=,
#   ProtectKernelModules= (its seccomp part), DevicePolicy=/DeviceAllow=,
#   IPAddressAllow=/IPAddressDeny=, RemoveIPC=, WatchdogSec=.
set -euo pipefail

die() {
	echo "unit-sandbox: $*" >&2
	exit 1
}

[ $# -ge 6 ] || die "usage: unit-sandbox.sh UNIT UID GID STATE_DIR [--no-ambient] [--deny-syscalls] -- CMD..."
unit=$1 uid=$2 gid=$3 state=$4
shift 4
opts=()
ambient=yes deny=no
while [ "$1" != -- ]; do
	case "$1" in
	--no-ambient) ambient=no ;;
	--deny-syscalls) deny=yes ;;
	*) die "unknown option $1" ;;
	esac
	opts+=("$1")
	shift
done
shift
[ "$(id -u)" -eq 0 ] || die "needs root"

setting() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
for want in User=mcmig NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes ProtectHome=yes \
	PrivateMounts=yes ProtectKernelTunables=yes ProtectControlGroups=yes ProtectKernelLogs=yes \
	ProtectProc=invisible ProcSubset=pid ProtectHostname=yes StateDirectoryMode=0700 \
	MemoryDenyWriteExecute=yes; do
	grep -qx "$want" "$unit" || die "$unit does not say $want: this sandbox no longer matches it"
done
umask_=$(setting UMask)
[ -n "$umask_" ] || die "$unit has no UMask="
# CAP_NET_ADMIN CAP_X -> +net_admin,+cap_x (setpriv's spelling).
caps() { tr ' ' '\n' | sed -n 's/^CAP_\(.*\)/+\L\1/p' | paste -sd, -; }
amb=$(setting AmbientCapabilities | caps)
bnd=$(setting CapabilityBoundingSet | caps)
[ -n "$bnd" ] || die "$unit has no CapabilityBoundingSet="
[ "$ambient" = yes ] || amb=

if [ -z "${UNIT_SANDBOX_INNER:-}" ]; then
	# PrivateMounts=, ProtectHostname=: namespaces of their own (exec keeps the PID).
	UNIT_SANDBOX_INNER=1 exec unshare --mount --uts --propagation private -- bash "$0" "$unit" "$uid" \
		"$gid" "$state" "${opts[@]}" -- "$@"
fi
unset UNIT_SANDBOX_INNER

# StateDirectory=: owned by the user, StateDirectoryMode=, the one writable place.
chown -R "$uid:$gid" "$state"
chmod "$(setting StateDirectoryMode)" "$state"
mount --bind "$state" "$state"

# ProtectSystem=strict (+ ProtectKernelTunables=, ProtectControlGroups=): every
# mount read-only but the state directory and /dev. Namespace files (nsfs,
# e.g. /run/netns/*) are skipped: they hold no data, and one that a test
# running beside this one deletes between the listing and the remount has a
# path that no longer resolves here, which would fail the remount.
awk '$3 != "nsfs" { print $2 }' /proc/self/mounts | sed 's/\\040/ /g' | while read -r m; do
	case "$m" in
	"$state" | /dev | /dev/*) continue ;;
	esac
	mount -o remount,bind,ro "$m"
done
if touch /usr/.unit-sandbox-probe 2>/dev/null; then
	rm -f /usr/.unit-sandbox-probe
	die "/usr still writable"
fi

# PrivateTmp=: empty private /tmp and /var/tmp.
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
# ProtectHome=yes: the homes and runtime dirs inaccessible. One exception,
# UNIT_SANDBOX_KEEP (the checkout, with the daemon under test and the bench's
# run directory): a newcomer's clone is often /root/mcmig, and a daemon
# installed by a package never lives in a home, so that home stays hidden but
# for the checkout, bound back at its place (the home itself traversable,
# nothing else in it).
keep=${UNIT_SANDBOX_KEEP:-}
for h in /home /root /run/user; do
	[ -d "$h" ] || continue
	case "$keep" in
	"$h"/*)
		# Parked on the private /tmp while the home is covered.
		mkdir /tmp/.keep
		mount --rbind "$keep" /tmp/.keep # with the state directory's rw mount
		mount -t tmpfs -o mode=0711 tmpfs "$h"
		mkdir -p "$keep"
		mount -n --move /tmp/.keep "$keep" # -n: /run/mount is read-only now
		rmdir /tmp/.keep
		mount -o remount,ro "$h"
		;;
	*) mount -t tmpfs -o ro,mode=000 tmpfs "$h" ;;
	esac
done
# ProtectKernelLogs=: /dev/kmsg inaccessible (an empty mode 000 file over it).
touch /tmp/.inaccessible && chmod 000 /tmp/.inaccessible
if [ -e /dev/kmsg ]; then
	mount --bind /tmp/.inaccessible /dev/kmsg
fi
# ProtectProc=invisible, ProcSubset=pid: a proc of its own.
mount -t proc -o nosuid,nodev,noexec,hidepid=invisible,subset=pid proc /proc

# The calls of the groups SystemCallFilter=~ names, those strace knows (the
# groups also list other architectures' calls).
denied_syscalls() {
	local x sub
	for x in "$@"; do
		case "$x" in
		@*)
			mapfile -t sub < <(systemd-analyze syscall-filter "$x" | sed -n 's/^    \([^#]\)/\1/p')
			denied_syscalls "${sub[@]}"
			;;
		*) if strace -qq -e trace="$x" true >/dev/null 2>&1; then echo "$x"; fi ;;
		esac
	done
}
# MemoryDenyWriteExecute=: no mapping may become writable and executable.
wrap=(python3 -c 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
# PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
if libc.prctl(65, 1, 0, 0, 0):
    print("unit-sandbox: MemoryDenyWriteExecute= not applied: PR_SET_MDWE: "
          + os.strerror(ctypes.get_errno()), file=sys.stderr)
os.execvp(sys.argv[1], sys.argv[1:])')
if [ "$deny" = yes ]; then
	read -ra groups <<<"$(sed -n 's/^SystemCallFilter=~//p' "$unit")"
	[ ${#groups[@]} -gt 0 ] || die "$unit has no SystemCallFilter=~"
	errno=$(setting SystemCallErrorNumber)
	set=$(denied_syscalls "${groups[@]}" | sort -u | paste -sd, -)
	[ -n "$set" ] || die "no call to deny from ${groups[*]}"
	wrap+=(strace -f -qq --seccomp-bpf -e trace="$set" -e inject="$set":error="${errno:-EPERM}" --)
fi

umask "$umask_"
exec setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	--inh-caps=-all${amb:+,$amb} --ambient-caps=-all${amb:+,$amb} --bounding-set=-all,"$bnd" \
	--no-new-privs -- "${wrap[@]}" "$@"
