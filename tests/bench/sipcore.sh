#!/bin/bash
# Starts and stops the bench's SIP side inside the topology's namespaces:
# the primary SIP DB, the partner SIP DB and the partner SIP core as an
# operator runs it: S-CSCF, I-CSCF and P-CSCF (unmodified Kamailio each).
#
#   tests/bench/sipcore.sh start RUN_DIR [primary] [partner] [scscf] [icscf] [pcscf] [mcprimary] [mcpartner]
#   tests/bench/sipcore.sh stop RUN_DIR [mcpartner] [mcprimary] [pcscf] [icscf] [scscf] [partner] [primary]
#   tests/bench/sipcore.sh bind RUN_DIR USER-IMPU
#   tests/bench/sipcore.sh contacts RUN_DIR IMPU
#
# "contacts" prints the S-CSCF's contacts of IMPU with their state, one
# "URI STATE" line each (from a usrloc snapshot through its control socket):
# "Contact valid" while registered; an RTR (network-initiated deregistration)
# makes it "Contact deleted" at once, usrloc's timer removes it later.
#
# "bind" does over Sh what the two CMSs do in seed steps 4-11 (for tests that
# run without them): outbound identities at the primary, inbound identities
# at the partner, printed as outbound_impi= outbound_impu= impi= impu= lines
# (impi/impu: what the UE registers with at the partner).
#
# No component named = all of the SIP core (start order primary, partner,
# scscf, icscf, pcscf; stop in reverse). The MC servers (service
# authorisation, step 25; tests/bench/mcserver) only when named:
# mcprimary on $MCMIG_PRIMARY_CORE_ADDR:5070 (primary namespace; it permits
# the lines of RUN_DIR/mc-permit, "MC-SERVICE-ID PARTNER-SYSTEM"), mcpartner
# on 127.0.0.5:5070 (partner namespace, the AS of the iFC that a partner
# SIP DB with "application-server sip:127.0.0.5:5070" returns) checking
# tokens against MCMIG_MC_JWKS (default RUN_DIR/partner-idms.jwks), issuer
# MCMIG_MC_ISSUER (https://idms.partner.example), audience MCMIG_MC_AUDIENCE
# (mcptt.partner.example), granting MCMIG_MC_GRANT seconds (600); mcprimary
# answers MCMIG_MC_DELAY_MS later when set. RUN_DIR must hold topology.env (tests/bench/topology.sh up).
# Per component: RUN_DIR/<c>.conf (rendered), <c>.log, <c>.pid; SIP DB state
# in RUN_DIR/<c>-sipdb.state. Stop kills exactly the PID in <c>.pid.
#
# Optional inputs in RUN_DIR: primary-subscriber.conf (a "subscriber" line
# that replaces the bench card's alice at the primary); appended to the
# rendered SIP DB configuration:
#   primary-extra.conf, partner-extra.conf (more "subscriber"/"peer"/... lines;
#   the first name, <c>-subscribers.conf, is still read too)
# Environment: MCMIG_BUILD (default build), MCMIG_PROXY_TIMEOUT (ms, 3000),
# MCMIG_SCSCF_ALGORITHM (the S-CSCF's challenge algorithm, AKAv1-MD5 or
# AKAv2-MD5 (RFC 4169); default AKAv1-MD5; a UE asking for AKAv2-MD5 gets it).
#
# Diameter: hss.primary.example (realm primary.example) on 127.0.0.1:3868 and
# 203.0.113.1:3868 in the primary namespace; hss.partner.example (realm
# partner.example) on 127.0.0.1:3868 in the partner namespace, dialling the
# primary. Sh clients allowed: cms.primary.example, cms.partner.example.
# Partner SIP core (tests/bench/kamailio/README.md), UDP+TCP port 5060 each:
# P-CSCF pcscf.partner.example at 198.51.100.1 (the UE side: the P-CSCF of
# the partner configuration) and 127.0.0.2 (core side); I-CSCF
# icscf.partner.example at 127.0.0.3 and S-CSCF scscf.partner.example at
# 127.0.0.4, both Cx peers of the partner SIP DB. The UE reaches only the
# P-CSCF: the others are on the partner namespace's loopback.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MCMIG_BUILD:-build}
case "$build" in /*) ;; *) build=$top/$build ;; esac

usage() {
	echo "usage: $0 start|stop RUN_DIR [primary|partner|scscf|icscf|pcscf]... | bind RUN_DIR USER-IMPU | contacts RUN_DIR IMPU" >&2
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

extra() {
	local f
	for f in "$run/$1-subscribers.conf" "$run/$1-extra.conf"; do
		[ ! -f "$f" ] || cat "$f"
	done
}

render_primary() {
	cat <<EOT
# Rendered by tests/bench/sipcore.sh
role primary
identity hss.primary.example
realm primary.example
listen 127.0.0.1
listen $MCMIG_PRIMARY_CORE_ADDR
state $run/primary-sipdb.state
peer cms.primary.example sh
peer hss.partner.example cx
pool sequential mig- ims.primary.example 1 1000
# The run directory is thrown away: durable across restarts, no fsync (README).
sync-state no
# Kamailio 5.6.3 compares an AKAv2 response against SIP-Authorization as is.
akav2-password yes
EOT
	# The subscriber: the bench card's, or RUN_DIR/primary-subscriber.conf
	# (one "subscriber" line in its place: a field test's ISIM,
	# tests/hil/README.md; tests/hil/net.sh rewrites it for a MAC failure).
	if [ -f "$run/primary-subscriber.conf" ]; then
		cat "$run/primary-subscriber.conf"
	else
		echo "$BENCH_SUB"
	fi
	extra primary
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
peer cms.partner.example sh
peer scscf.partner.example cx
peer icscf.partner.example cx
peer hss.primary.example $MCMIG_PRIMARY_CORE_ADDR 3868
primary hss.primary.example primary.example
# NOTE 5: a MAR for an identity of ims.primary.example goes to realm primary.example.
route ims.primary.example primary.example
pool random mcmig- ims.partner.example
sync-state no
EOT
	extra partner
}

# render_kamailio FILE ADDR [sed args...]: a template of tests/bench/kamailio
# into RUN_DIR with the substitutions every component shares.
render_kamailio() {
	local f=$1 addr=$2
	shift 2
	sed -e "s|@RUN_DIR@|$run|g" -e "s|@ADDR@|$addr|g" \
		-e "s|@HSS@|hss.partner.example|g" -e "s|@HSS_REALM@|partner.example|g" \
		"$@" "$top/tests/bench/kamailio/$f" >"$run/$f"
}

render_scscf() {
	local f alg=${MCMIG_SCSCF_ALGORITHM:-AKAv1-MD5}
	case "$alg" in
	AKAv1-MD5 | AKAv2-MD5) ;;
	*)
		echo "sipcore: MCMIG_SCSCF_ALGORITHM '$alg': AKAv1-MD5 or AKAv2-MD5" >&2
		return 1
		;;
	esac
	for f in scscf.cfg scscf-cdp.xml; do
		render_kamailio "$f" "$MCMIG_SCSCF_ADDR" -e "s|@ALGORITHM@|$alg|g"
	done
}

render_icscf() {
	local f
	for f in icscf.cfg icscf-cdp.xml; do
		render_kamailio "$f" "$MCMIG_ICSCF_ADDR"
	done
	# db_text tables of ims_icscf (it may rewrite them: a copy per run).
	rm -rf "$run/icscf-db"
	cp -r "$top/tests/bench/kamailio/icscf-db" "$run/icscf-db"
}

render_pcscf() {
	# The IPv6 access address only where the topology has one (MCMIG_BENCH_VARIANTS).
	local v6=(-e "s|@ACCESS6@|$MCMIG_PARTNER_UE_ADDR|g" -e "/^listen=.*\\[/d")
	[ -z "${MCMIG_PARTNER_UE_ADDR6:-}" ] || v6=(-e "s|@ACCESS6@|$MCMIG_PARTNER_UE_ADDR6|g")
	render_kamailio pcscf.cfg "$MCMIG_PARTNER_UE_ADDR" -e "s|@ACCESS@|$MCMIG_PARTNER_UE_ADDR|g" \
		"${v6[@]}" \
		-e "s|@CORE@|$MCMIG_PCSCF_CORE_ADDR|g" -e "s|@ICSCF@|$MCMIG_ICSCF_ADDR|g"
}

ns_of() {
	case "$1" in
	primary | mcprimary) echo "$MCMIG_NS_PRIMARY" ;;
	partner | scscf | icscf | pcscf | mcpartner) echo "$MCMIG_NS_PARTNER" ;;
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

# start_kamailio C: Kamailio with RUN_DIR/C.cfg in the partner namespace.
start_kamailio() {
	local c=$1
	mkdir -p "$run/$c-runtime" "$run/$c-tmp"
	chmod 0700 "$run/$c-tmp"
	# cdp makes two FIFOs per start under a fixed /tmp path
	# (cdp_send_<pid>_*) and never removes them: give Kamailio a private
	# /tmp inside the run directory (a mount namespace of its own; every
	# exec keeps the PID that C.pid records).
	ip netns exec "$MCMIG_NS_PARTNER" unshare --mount --propagation private \
		sh -c 'mount --bind "$0" /tmp && exec "$@"' "$run/$c-tmp" \
		/usr/sbin/kamailio -f "$run/$c.cfg" -DD -E \
		-Y "$run/$c-runtime" -m 64 -M 8 >>"$run/$c.log" 2>&1 &
	echo $! >"$run/$c.pid"
}

start_one() {
	local c=$1 ns mark addr
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
	mcprimary)
		mark=$(lines "$run/$c.log")
		ip netns exec "$ns" "$build/bench/mcmig-mcserver" primary \
			--listen "$MCMIG_PRIMARY_CORE_ADDR:5070" --permit "$run/mc-permit" \
			${MCMIG_MC_DELAY_MS:+--delay-ms "$MCMIG_MC_DELAY_MS"} \
			>>"$run/$c.log" 2>&1 &
		echo $! >"$run/$c.pid"
		wait_for "$c" 50 logged_since "$run/$c.log" "$mark" "MC server up"
		;;
	mcpartner)
		mark=$(lines "$run/$c.log")
		ip netns exec "$ns" "$build/bench/mcmig-mcserver" partner --listen 127.0.0.5:5070 \
			--peer-bind "$MCMIG_PARTNER_CORE_ADDR" --primary "$MCMIG_PRIMARY_CORE_ADDR:5070" \
			--jwks "${MCMIG_MC_JWKS:-$run/partner-idms.jwks}" \
			--issuer "${MCMIG_MC_ISSUER:-https://idms.partner.example}" \
			--audience "${MCMIG_MC_AUDIENCE:-mcptt.partner.example}" \
			--system urn:mcmig:system:partner --grant "${MCMIG_MC_GRANT:-600}" \
			>>"$run/$c.log" 2>&1 &
		echo $! >"$run/$c.pid"
		wait_for "$c" 50 logged_since "$run/$c.log" "$mark" "MC server up"
		;;
	scscf | icscf | pcscf)
		"render_$c"
		mark=$(lines "$run/partner.log")
		start_kamailio "$c"
		case "$c" in
		scscf) addr=$MCMIG_SCSCF_ADDR ;;
		icscf) addr=$MCMIG_ICSCF_ADDR ;;
		pcscf) addr=$MCMIG_PARTNER_UE_ADDR ;;
		esac
		wait_for "$c on $addr:5060" 150 listening_udp "$ns" "$addr:5060"
		# cdp (5.6.3) may send its CER before its receiver holds the socket,
		# without Host-IP-Address: the SIP DB accepts that, but wait for the
		# peering itself (cdp redials every ~10 s when anything fails).
		if [ "$c" != pcscf ]; then
			wait_for "$c Cx peering" 250 logged_since "$run/partner.log" "$mark" \
				"peer $c.partner.example connected"
		fi
		;;
	*) usage ;;
	esac
	alive "$c" || { echo "sipcore: $c died (see $run/$c.log)" >&2; return 1; }
	echo "sipcore: $c started (pid $(cat "$run/$c.pid"))"
}

# descendants PID: the PIDs of PID's children, their children, ...
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# any_alive PID...: one of them still runs (a zombie holds no socket).
any_alive() {
	local p st
	for p in "$@"; do
		st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) || continue
		[ -n "$st" ] && [ "$st" != Z ] && return 0
	done
	return 1
}

# Stops exactly the component's process and the processes it forked
# (Kamailio's children hold its sockets: until the last one is gone the next
# start cannot bind 5060, and a restart failed with "Address already in use").
stop_one() {
	local c=$1 pid i pids left=
	[ -f "$run/$c.pid" ] || return 0
	pid=$(cat "$run/$c.pid")
	rm -f "$run/$c.pid"
	kill -0 "$pid" 2>/dev/null || return 0
	# shellcheck disable=SC2207
	pids=($pid $(descendants "$pid"))
	kill -TERM "$pid" 2>/dev/null || true
	kill -CONT "${pids[@]}" 2>/dev/null || true # a test may have stopped it
	for ((i = 0; i < 50; i++)); do
		any_alive "${pids[@]}" || { echo "sipcore: $c stopped"; return 0; }
		sleep 0.1
	done
	# Which processes were still running after TERM: their PIDs match the
	# log's "rank(pid)" prefixes (seen once: a child of the S-CSCF ignoring
	# TERM after an RTR, its main process waiting for it).
	for i in "${pids[@]}"; do
		any_alive "$i" && left="$left $i"
	done
	kill -KILL "${pids[@]}" 2>/dev/null || true
	for ((i = 0; i < 20; i++)); do
		any_alive "${pids[@]}" || break
		sleep 0.1
	done
	echo "sipcore: $c killed (still running after TERM:$left)"
}

bind_user() {
	local impu=$1 out inb sh=$build/bench/mcmig-sh
	out=$(ip netns exec "$MCMIG_NS_PRIMARY" "$sh" --identity cms.primary.example --realm primary.example \
		--peer hss.primary.example --peer-realm primary.example --peer-addr 127.0.0.1 \
		--work-dir "$run" outbound "$impu")
	inb=$(ip netns exec "$MCMIG_NS_PARTNER" "$sh" --identity cms.partner.example --realm partner.example \
		--peer hss.partner.example --peer-realm partner.example --peer-addr 127.0.0.1 \
		--work-dir "$run" inbound "$(sed -n 's/^impi=//p' <<<"$out")" "$(sed -n 's/^impu=//p' <<<"$out")" \
		"$(sed -n 's/^sipdb_host=//p' <<<"$out")" "$(sed -n 's/^sipdb_realm=//p' <<<"$out")")
	sed -n 's/^\(impi\|impu\)=/outbound_\1=/p' <<<"$out"
	grep -E '^(impi|impu)=' <<<"$inb"
}

contacts() {
	local snap=$run/scscf-snapshot.txt
	rm -f "$snap"
	ip netns exec "$MCMIG_NS_PARTNER" kamcmd -s "unix:$run/scscf-runtime/kamailio_ctl" \
		ulscscf.snapshot "$snap" >/dev/null
	[ -f "$snap" ] || { echo "sipcore: no S-CSCF usrloc snapshot" >&2; return 1; }
	awk -v want="'$1'" '
		/^\tpublic_identity / { cur = index($0, want) > 0 }
		cur && /^\t\tContact +:/ { uri = $3; gsub("'"'"'", "", uri) }
		cur && /^\t\tState +:/ { st = $0; sub(/^[^:]*: /, "", st); print uri, st }
	' "$snap"
}

case "$cmd" in
contacts)
	[ $# -eq 1 ] || usage
	contacts "$1"
	;;
bind)
	[ $# -eq 1 ] || usage
	bind_user "$1"
	;;
start)
	[ $# -gt 0 ] || set -- primary partner scscf icscf pcscf
	for c in "$@"; do start_one "$c"; done
	;;
stop)
	[ $# -gt 0 ] || set -- pcscf icscf scscf partner primary
	for c in "$@"; do stop_one "$c"; done
	;;
*) usage ;;
esac
