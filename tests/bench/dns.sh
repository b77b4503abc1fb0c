#!/bin/bash
# The partner's DNS server: Debian's dnsmasq in the partner namespace,
# listening on the partner PDN's side (198.51.100.1:53), the server the QMI
# and MBIM emulators hand out as the partner PDN's DNS. It alone knows the
# partner's names: the ue namespace's own resolver (the primary's, through
# its hosts file and resolv.conf) does not, so a UE that resolves the
# partner's P-CSCF must ask this server over the partner PDN (issue 11).
#
#   tests/bench/dns.sh start RUN_DIR    RUN_DIR/dns.conf, dns.log, dns.pid
#   tests/bench/dns.sh stop RUN_DIR     kills exactly the PID in dns.pid
#
# The zone (RFC 3263 for the P-CSCF pcscf.partner.example, sip: URI without
# port or transport): NAPTR records for SIPS over TLS (order 5, which the UE
# has no use for), UDP (10/10) and TCP (10/20), SRV for each to
# access.pcscf.partner.example port 5060, and its A record 198.51.100.1 (the
# P-CSCF's UE side). Any other name in partner.example is NXDOMAIN; nothing is
# forwarded anywhere. Queries are logged to dns.log ("query[NAPTR] ... from").
#
# dnsmasq rather than unbound or knot-resolver: one process, no zone files,
# NAPTR/SRV/A records straight from its options, and it is authoritative
# for the local domain without any upstream.
set -euo pipefail

usage() {
	echo "usage: $0 start|stop RUN_DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
run=$(cd "$2" && pwd)
[ -f "$run/topology.env" ] || { echo "dns: $run/topology.env missing (topology.sh up)" >&2; exit 1; }
. "$run/topology.env"

render() {
	cat <<EOT
# Rendered by tests/bench/dns.sh: the partner's DNS, nothing else.
listen-address=$MCMIG_PARTNER_UE_ADDR
bind-interfaces
port=53
no-resolv
no-hosts
no-poll
no-negcache
local=/partner.example/
log-queries
log-facility=-
naptr-record=pcscf.partner.example,5,10,s,SIPS+D2T,,_sips._tcp.pcscf.partner.example
naptr-record=pcscf.partner.example,10,10,s,SIP+D2U,,_sip._udp.pcscf.partner.example
naptr-record=pcscf.partner.example,10,20,s,SIP+D2T,,_sip._tcp.pcscf.partner.example
srv-host=_sip._udp.pcscf.partner.example,access.pcscf.partner.example,5060,0,10
srv-host=_sip._tcp.pcscf.partner.example,access.pcscf.partner.example,5060,0,10
host-record=access.pcscf.partner.example,$MCMIG_PARTNER_UE_ADDR
EOT
}

alive() { [ -f "$run/dns.pid" ] && kill -0 "$(cat "$run/dns.pid")" 2>/dev/null; }

# Up once its socket is bound on the partner PDN's side.
listening() {
	ip netns exec "$MCMIG_NS_PARTNER" ss -Hlun "sport = :53" | grep -qF "$MCMIG_PARTNER_UE_ADDR:53"
}

start() {
	local i
	if alive; then
		echo "dns: already running" >&2
		return 1
	fi
	render >"$run/dns.conf"
	# -k: in the foreground, so that dns.pid is dnsmasq itself; -C: only our file.
	ip netns exec "$MCMIG_NS_PARTNER" dnsmasq -k -C "$run/dns.conf" --user=nobody --group=nogroup \
		>>"$run/dns.log" 2>&1 &
	echo $! >"$run/dns.pid"
	for ((i = 0; i < 50; i++)); do
		alive || { echo "dns: dnsmasq died (see $run/dns.log)" >&2; return 1; }
		listening && break
		sleep 0.1
	done
	listening || { echo "dns: dnsmasq not listening (see $run/dns.log)" >&2; return 1; }
	echo "dns: started (pid $(cat "$run/dns.pid"))"
}

stop() {
	local pid i
	[ -f "$run/dns.pid" ] || return 0
	pid=$(cat "$run/dns.pid")
	rm -f "$run/dns.pid"
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { echo "dns: stopped"; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	echo "dns: killed"
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) usage ;;
esac
