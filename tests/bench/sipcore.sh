#!/bin/bash
# Starts and stops the bench's SIP side inside the topology's namespaces:
# the primary SIP DB, the partner SIP DB and the partner S-CSCF (Kamailio).
#
#   tests/bench/sipcore.sh start RUN_DIR [primary] [partner] [scscf]
#   tests/bench/sipcore.sh stop RUN_DIR [scscf] [partner] [primary]
#
# No component named = all (start order primary, partner, scscf; stop in
# reverse). RUN_DIR must hold topology.env (tests/bench/topology.sh up).
# Per component: RUN_DIR/<c>.conf (rendered), <c>.log, <c>.pid; SIP DB state
# in RUN_DIR/<c>-sipdb.state. Stop kills exactly the PID in <c>.pid.
#
# Optional inputs in RUN_DIR (appended to the rendered SIP DB configuration):
#   primary-subscribers.conf, partner-subscribers.conf  ("subscriber ..." lines)
# Environment: MCMIG_BUILD (default build), MCMIG_PROXY_TIMEOUT (ms, 3000).
#
# Diameter: hss.primary.example (realm primary.example) on 127.0.0.1:3868 and
# 203.0.113.1:3868 in the primary namespace; hss.partner.example (realm
# partner.example) on 127.0.0.1:3868 in the partner namespace, dialling the
# primary. Sh clients allowed: cms.primary.example, cms.partner.example.
# Kamailio S-CSCF scscf.partner.example at 198.51.100.1:5060 UDP+TCP.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MCMIG_BUILD:-build}
case "$build" in /*) ;; *) build=$top/$build ;; esac

usage() {
	echo "usage: $0 start|stop RUN_DIR [primary|partner|scscf]..." >&2
	exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
run=$(cd "$2" && pwd)
shift 2
[ -f "$run/topology.env" ] || { echo "sipcore: $run/topology.env missing (topology.sh up)" >&2; exit 1; }
. "$run/topology.env"

# Bench subscriber (shared plan): Milenage test set 1 K/OPc (vectors/milenage.txt).
BENCH_SUB="subscriber alice@ims.primary.example sip:alice@ims.primary.example k=465b5ce8b199b49faa5f0a2ee238a6bc opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 sqn=0"

render_primary() {
	cat <<EOT
# Rendered by tests/bench/sipcore.sh
role primary
identity hss.primary.example
realm primary.example
listen 127.0.0.1
listen $MCMIG_PRIMARY_CORE_ADDR
state $run/primary-sipdb.state
peer cms.primary.example
peer hss.partner.example
pool sequential mig- ims.primary.example 1 1000
$BENCH_SUB
EOT
	[ ! -f "$run/primary-subscribers.conf" ] || cat "$run/primary-subscribers.conf"
}

render_partner() {
	cat <<EOT
# Rendered by tests/bench/sipcore.sh
role partner
identity hss.partner.example
realm partner.example
listen 127.0.0.1
state $run/partner-sipdb.state
server-name sip:scscf.partner.example:5060
proxy-timeout ${MCMIG_PROXY_TIMEOUT:-3000}
peer cms.partner.example
peer scscf.partner.example
peer hss.primary.example $MCMIG_PRIMARY_CORE_ADDR 3868
primary hss.primary.example primary.example
pool random mcmig- ims.partner.example
EOT
	[ ! -f "$run/partner-subscribers.conf" ] || cat "$run/partner-subscribers.conf"
}

render_scscf() {
	local f
	mkdir -p "$run/scscf-runtime"
	for f in scscf.cfg scscf-cdp.xml; do
		sed -e "s|@RUN_DIR@|$run|g" -e "s|@ADDR@|$MCMIG_PARTNER_UE_ADDR|g" \
			-e "s|@HSS@|hss.partner.example|g" -e "s|@HSS_REALM@|partner.example|g" \
			"$top/tests/bench/kamailio/$f" >"$run/$f"
	done
}

ns_of() {
	case "$1" in
	primary) echo "$MCMIG_NS_PRIMARY" ;;
	partner | scscf) echo "$MCMIG_NS_PARTNER" ;;
	esac
}

listening_udp() { # ns, addr:port
	ip netns exec "$1" ss -Hlun src "$2" | grep -q .
}

# logged_since LOG MARK PATTERN: PATTERN in LOG after its first MARK lines.
logged_since() {
	tail -n +$(($2 + 1)) "$1" 2>/dev/null | grep -q -- "$3"
}

lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

wait_for() { # desc, tenths, cmd...
	local desc=$1 n=$2 i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sipcore: timed out waiting for $desc" >&2
	return 1
}

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

start_one() {
	local c=$1 ns mark
	ns=$(ns_of "$c")
	if alive "$c"; then
		echo "sipcore: $c already running" >&2
		return 1
	fi
	case "$c" in
	primary | partner)
		(umask 077 && "render_$c" >"$run/$c.conf")
		mark=$(lines "$run/$c.log")
		ip netns exec "$ns" "$build/bench/mcmig-sipdb" "$run/$c.conf" >>"$run/$c.log" 2>&1 &
		echo $! >"$run/$c.pid"
		wait_for "$c SIP DB" 100 logged_since "$run/$c.log" "$mark" "SIP DB up"
		if [ "$c" = partner ]; then
			wait_for "partner SIP DB -> primary" 100 logged_since "$run/$c.log" "$mark" \
				"peer hss.primary.example connected" ||
				echo "sipcore: primary SIP DB not connected (yet)" >&2
		fi
		;;
	scscf)
		render_scscf
		mark=$(lines "$run/partner.log")
		ip netns exec "$ns" /usr/sbin/kamailio -f "$run/scscf.cfg" -DD -E \
			-Y "$run/scscf-runtime" -m 64 -M 8 >>"$run/scscf.log" 2>&1 &
		echo $! >"$run/scscf.pid"
		wait_for "S-CSCF on $MCMIG_PARTNER_UE_ADDR:5060" 150 listening_udp "$ns" "$MCMIG_PARTNER_UE_ADDR:5060"
		# cdp's first CER on a fresh connection may lack Host-IP-Address
		# (5.6.3); it retries after Tc. Wait for the peering to be open.
		wait_for "S-CSCF Cx peering" 150 logged_since "$run/partner.log" "$mark" \
			"peer scscf.partner.example connected"
		;;
	*) usage ;;
	esac
	alive "$c" || { echo "sipcore: $c died (see $run/$c.log)" >&2; return 1; }
	echo "sipcore: $c started (pid $(cat "$run/$c.pid"))"
}

stop_one() {
	local c=$1 pid i
	[ -f "$run/$c.pid" ] || return 0
	pid=$(cat "$run/$c.pid")
	rm -f "$run/$c.pid"
	kill -TERM "$pid" 2>/dev/null || return 0
	kill -CONT "$pid" 2>/dev/null || true # a test may have stopped it
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { echo "sipcore: $c stopped"; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	echo "sipcore: $c killed"
}

case "$cmd" in
start)
	[ $# -gt 0 ] || set -- primary partner scscf
	for c in "$@"; do start_one "$c"; done
	;;
stop)
	[ $# -gt 0 ] || set -- scscf partner primary
	for c in "$@"; do stop_one "$c"; done
	;;
*) usage ;;
esac
