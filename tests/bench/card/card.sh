#!/bin/bash
# The bench UICC: a private pcscd (real, Debian's) with vsmartcard's vpcd
# driver in server mode, and mcmig-vcard (our software ISIM) connected to it,
# all in a network namespace of their own (vpcd listens on 0.0.0.0).
#
#   card.sh start RUN_DIR PROFILE [PROFILE1]  pcscd + card in slot 0 (+ slot 1);
#                                             prints PCSCLITE_CSOCK_NAME=...
#   card.sh swap RUN_DIR SLOT PROFILE         replace the card in SLOT (0 or 1)
#   card.sh kill-card RUN_DIR SLOT            SIGKILL the card in SLOT (a pulled card)
#   card.sh restart-pcscd RUN_DIR             stop and start pcscd (cards reconnect)
#   card.sh env RUN_DIR                       print PCSCLITE_CSOCK_NAME=... again
#   card.sh stop RUN_DIR                      stop exactly what was started
#
# Clients (mcmigctl card, mcmigd) use the printed PCSCLITE_CSOCK_NAME: the
# socket path is compiled into pcscd (/run/pcscd/pcscd.comm), so pcscd runs in
# its own mount namespace with RUN_DIR/card/pcscd bind-mounted on /run/pcscd;
# a pathname socket is reachable from every network namespace. Reader names:
# "Virtual PCD 00 00" (slot 0, TCP 35963) and "Virtual PCD 00 01" (slot 1).
#
# Everything lives in RUN_DIR/card: pid files, logs (pcscd.log, card0.log,
# card1.log), the SQN state of each profile (<profile>.sqn, kept across swaps
# and restarts). Set CARD_PCSCD_APDU=1 to have pcscd log every APDU (the log
# then holds RES/CK/IK of the test keys). Binaries: $MCMIG_BUILD (default build/).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${MCMIG_BUILD:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
vcard=$build/bench/mcmig-vcard
vpcd_lib=/usr/lib/pcsc/drivers/serial/libifdvpcd.so

die() {
	echo "card.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage:" >&2
	sed -n '6,12p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
	exit 2
}

wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# Kills the process of a pid file, only if it still is the program we started.
stop_pid() {
	local f=$1 what=$2 pid i
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	rm -f "$f"
	[ -n "$pid" ] && [ -e "/proc/$pid" ] || return 0
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$what" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 60; i++)); do
		[ -e "/proc/$pid" ] || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait_for 3 test ! -e "/proc/$pid" || true
}

start_pcscd() {
	local d=$1 ns
	ns=$(cat "$d/netns")
	rm -f "$d/pcscd/pcscd.comm"
	# ip netns exec and unshare exec in place: $! ends up being pcscd's PID.
	setsid ip netns exec "$ns" unshare -m --propagation private sh -c '
		mount -t tmpfs -o mode=0755 mcmig-run /run &&
		mkdir -p /run/pcscd &&
		mount --bind "$0" /run/pcscd &&
		exec pcscd --foreground $2 -c "$1"' \
		"$d/pcscd" "$d/conf" "${CARD_PCSCD_APDU:+--apdu}" >>"$d/pcscd.log" 2>&1 </dev/null &
	echo $! >"$d/pcscd.pid"
	wait_for 10 test -S "$d/pcscd/pcscd.comm" || die "pcscd did not start (see $d/pcscd.log)"
}

start_card() {
	local d=$1 slot=$2 profile=$3 ns name
	[ -f "$profile" ] || die "no profile $profile"
	[ -x "$vcard" ] || die "$vcard not built (make bench-tools)"
	ns=$(cat "$d/netns")
	name=$(basename "$profile" .ini)
	: >"$d/card$slot.log"
	setsid ip netns exec "$ns" "$vcard" --profile "$profile" --state "$d/$name.sqn" \
		--vpcd "127.0.0.1:$((35963 + slot))" >>"$d/card$slot.log" 2>&1 </dev/null &
	echo $! >"$d/card$slot.pid"
	wait_for 10 grep -q "connected to vpcd" "$d/card$slot.log" ||
		die "card $slot did not reach vpcd (see $d/card$slot.log)"
}

cmd=${1:-}
[ $# -ge 2 ] || usage
run=$(realpath -m -- "$2")
d=$run/card
case "$cmd" in
start)
	[ $# -ge 3 ] || usage
	[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, mounts)"
	[ -r "$vpcd_lib" ] || die "vsmartcard-vpcd is not installed ($vpcd_lib)"
	[ ! -f "$d/pcscd.pid" ] || die "already started in $d (card.sh stop $run)"
	mkdir -p "$d/pcscd" "$d/conf"
	chmod 0700 "$d"
	cat >"$d/conf/vpcd" <<-EOF
		FRIENDLYNAME "Virtual PCD"
		DEVICENAME   /dev/null:0x8C7B
		LIBPATH      $vpcd_lib
		CHANNELID    0x8C7B
	EOF
	ns="mcmig-card-$$"
	ip netns add "$ns"
	echo "$ns" >"$d/netns"
	ip -n "$ns" link set lo up
	start_pcscd "$d"
	start_card "$d" 0 "$3"
	[ $# -lt 4 ] || start_card "$d" 1 "$4"
	echo "PCSCLITE_CSOCK_NAME=$d/pcscd/pcscd.comm"
	;;
swap)
	[ $# -eq 4 ] && [[ $3 == [01] ]] || usage
	stop_pid "$d/card$3.pid" mcmig-vcard
	start_card "$d" "$3" "$4"
	;;
kill-card)
	[ $# -eq 3 ] && [[ $3 == [01] ]] || usage
	[ -f "$d/card$3.pid" ] || die "no card in slot $3"
	pid=$(cat "$d/card$3.pid")
	rm -f "$d/card$3.pid"
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q mcmig-vcard || die "card $pid is gone"
	kill -KILL "$pid" 2>/dev/null || true
	wait_for 3 test ! -e "/proc/$pid" || die "card $pid does not die"
	;;
restart-pcscd)
	stop_pid "$d/pcscd.pid" pcscd
	start_pcscd "$d"
	;;
env)
	echo "PCSCLITE_CSOCK_NAME=$d/pcscd/pcscd.comm"
	;;
stop)
	[ -d "$d" ] || exit 0
	stop_pid "$d/card0.pid" mcmig-vcard
	stop_pid "$d/card1.pid" mcmig-vcard
	stop_pid "$d/pcscd.pid" pcscd
	if [ -f "$d/netns" ]; then
		ip netns del "$(cat "$d/netns")" 2>/dev/null || true
		rm -f "$d/netns"
	fi
	;;
*)
	usage
	;;
esac
