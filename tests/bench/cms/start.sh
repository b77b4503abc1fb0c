#!/bin/bash
# Starts and stops the bench's configuration management servers inside the
# topology's namespaces: the primary CMS (UE-facing, cms.primary.example:8443)
# and the partner CMS (CMS-to-CMS, cms.partner.example:9443).
#
#   tests/bench/cms/start.sh start RUN_DIR [primary] [partner]
#   tests/bench/cms/start.sh stop RUN_DIR [primary] [partner]
#
# No component named = both (start partner then primary; stop primary then
# partner). RUN_DIR must hold topology.env (tests/bench/topology.sh up) and the
# SIP DBs must be up (tests/bench/sipcore.sh start RUN_DIR primary partner):
# each CMS reaches its SIP DB over Sh at 127.0.0.1:3868 in its namespace.
#
# Made in RUN_DIR (secrets 0600):
#   cms-pki/             bench CA and certificates (gen-certs.sh); ca.crt is what
#                        the agent trusts
#   cms-alice.token      the bench user's bearer token (random per start)
#   cms.env              MCMIG_CMS_URL, MCMIG_CMS_CA, MCMIG_CMS_TOKEN_FILE,
#                        MCMIG_CMS_MC_SERVICE_ID, MCMIG_CMS_PARTNER_ID,
#                        MCMIG_CMS_PARTNER_SERVES, MCMIG_CMS_PRIMARY_ADMIN
#   cms-<c>.conf .log .pid   per component; stop kills exactly the PID in .pid
# Environment: MCMIG_BUILD (default build); MCMIG_BENCH_OFFER, what the partner
# offers (tests/integration/e2e-variants.sh): "one" (default: one IPv4 PDN
# carries every service), "three-apn" (each TS 24.484 con-ref its own set:
# partner-initial-config-3pdn.xml), "ipv6" (an IPv6-only PDN and an IPv6
# P-CSCF) or "ipv4v6" (a dual-stack PDN and an IPv6 P-CSCF).
set -euo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
src=$top/tests/bench/cms
build=${MCMIG_BUILD:-build}
case "$build" in /*) ;; *) build=$top/$build ;; esac

usage() {
	echo "usage: $0 start|stop RUN_DIR [primary|partner]..." >&2
	exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
run=$(cd "$2" && pwd)
shift 2
[ -f "$run/topology.env" ] || { echo "cms: $run/topology.env missing (topology.sh up)" >&2; exit 1; }
. "$run/topology.env"

MC_ID=sip:alice@mcptt.primary.example

render_primary() {
	cat <<EOT
# Rendered by tests/bench/cms/start.sh (keys: tests/bench/cms/README.md)
[server]
role=primary
system-id=urn:mcmig:system:primary
listen=$MCMIG_PRIMARY_ADDR
port=8443
certificate=cms-pki/primary-server.crt
key=cms-pki/primary-server.key
ca=cms-pki/ca.crt
admin-port=8080

[client]
certificate=cms-pki/primary-client.crt
key=cms-pki/primary-client.key
timeout=10

[sipdb]
backend=sh
identifier=hss.primary.example
identity=cms.primary.example
realm=primary.example
peer=hss.primary.example
peer-realm=primary.example

[user $MC_ID]
token-sha256=$(sha256sum <"$run/cms-alice.token" | cut -d' ' -f1)
impi=alice@ims.primary.example
impu=sip:alice@ims.primary.example
migration=true
partners=urn:mcmig:system:partner;urn:mcmig:system:partner-static

[partner urn:mcmig:system:partner]
url=https://cms.partner.example:9443
serves=999-99:100-199

# NOTE 2: the same partner's data held here (no partner CMS call); the UE
# registers with the outbound identities, which the partner SIP DB routes by
# realm to the primary.
[partner urn:mcmig:system:partner-static]
serves=999-98
static-configuration=$src/partner-static.xml
EOT
}

render_partner() {
	cat <<EOT
# Rendered by tests/bench/cms/start.sh (keys: tests/bench/cms/README.md)
[server]
role=partner
system-id=urn:mcmig:system:partner
listen=$MCMIG_PARTNER_CORE_ADDR
port=9443
certificate=cms-pki/partner-server.crt
key=cms-pki/partner-server.key
ca=cms-pki/ca.crt
admin-port=8080

[sipdb]
backend=sh
identity=cms.partner.example
realm=partner.example
peer=hss.partner.example
peer-realm=partner.example

[primary-system urn:mcmig:system:primary]
certificate-sha256=$(cat "$run/cms-pki/primary-client.sha256")
sip-databases=hss.primary.example
users=$MC_ID

[offer]
home-domain=ims.partner.example
validity=86400
EOT
	case "${MCMIG_BENCH_OFFER:-one}" in
	one)
		# A name only the partner's DNS knows, no port, no transport: RFC
		# 3263 NAPTR/SRV/A on the partner PDN (tests/bench/dns.sh).
		render_offer "any:sip:pcscf.partner.example" partner-initial-config.xml ipv4
		;;
	three-apn)
		render_offer "udp:sip:$MCMIG_PARTNER_UE_ADDR:5060" partner-initial-config-3pdn.xml \
			ipv4 partner-core core.partner.example partner-id id.partner.example
		;;
	ipv6 | ipv4v6)
		render_offer "udp:sip:[$MCMIG_PARTNER_UE_ADDR6]:5060" partner-initial-config.xml \
			"$MCMIG_BENCH_OFFER"
		;;
	*)
		echo "cms: MCMIG_BENCH_OFFER '$MCMIG_BENCH_OFFER': one, three-apn, ipv6 or ipv4v6" >&2
		return 1
		;;
	esac
}

# render_offer PCSCF INITIAL-CONFIG IP-TYPE [CON-REF APN]...: the MCPTT set
# (partner-mcptt, CHAP credentials generated per user) and further sets
# without authentication.
render_offer() {
	local pcscf=$1 ini=$2 ip=$3 sets=partner-mcptt
	shift 3
	local more=("$@") i
	for ((i = 0; i < ${#more[@]}; i += 2)); do
		sets="$sets;${more[i]}"
	done
	cat <<EOT
pcscf=$pcscf
connectivity=$sets
initial-ue-configuration=$src/$ini

[connectivity partner-mcptt]
apn=mcptt.partner.example
ip-type=$ip
auth=chap
username=generate
password=generate
EOT
	for ((i = 0; i < ${#more[@]}; i += 2)); do
		printf '\n[connectivity %s]\napn=%s\nip-type=%s\nauth=none\n' "${more[i]}" \
			"${more[i + 1]}" "$ip"
	done
}

ns_of() {
	case "$1" in
	primary) echo "$MCMIG_NS_PRIMARY" ;;
	partner) echo "$MCMIG_NS_PARTNER" ;;
	esac
}

alive() { [ -f "$run/cms-$1.pid" ] && kill -0 "$(cat "$run/cms-$1.pid")" 2>/dev/null; }
admin_up() { ip netns exec "$1" curl -sf --max-time 2 -o /dev/null http://127.0.0.1:8080/mcmig/v1/admin/bindings; }

prepare() {
	umask 077
	[ -f "$run/cms-pki/ca.crt" ] || "$src/gen-certs.sh" "$run/cms-pki"
	if [ ! -f "$run/cms-alice.token" ]; then
		openssl rand -hex 32 | tr -d '\n' >"$run/cms-alice.token"
	fi
	cat >"$run/cms.env" <<EOT
MCMIG_CMS_URL=https://cms.primary.example:8443/mcmig/v1/partner-connection
MCMIG_CMS_CA=$run/cms-pki/ca.crt
MCMIG_CMS_TOKEN_FILE=$run/cms-alice.token
MCMIG_CMS_MC_SERVICE_ID=$MC_ID
MCMIG_CMS_PARTNER_ID=urn:mcmig:system:partner
MCMIG_CMS_PARTNER_SERVES=999-99:100-199
MCMIG_CMS_PRIMARY_ADMIN=http://127.0.0.1:8080/mcmig/v1/admin
EOT
}

start_one() {
	local c=$1 ns i
	ns=$(ns_of "$c")
	[ -n "$ns" ] || usage
	if alive "$c"; then
		echo "cms: $c already running" >&2
		return 1
	fi
	(umask 077 && "render_$c" >"$run/cms-$c.conf")
	"$build/bench/mcmig-cms" -t -c "$run/cms-$c.conf" >/dev/null
	ip netns exec "$ns" "$build/bench/mcmig-cms" -c "$run/cms-$c.conf" >>"$run/cms-$c.log" 2>&1 &
	echo $! >"$run/cms-$c.pid"
	for ((i = 0; i < 100; i++)); do
		admin_up "$ns" && break
		alive "$c" || break
		sleep 0.1
	done
	if ! alive "$c" || ! admin_up "$ns"; then
		echo "cms: $c did not come up (see $run/cms-$c.log)" >&2
		return 1
	fi
	echo "cms: $c started (pid $(cat "$run/cms-$c.pid"))"
}

stop_one() {
	local c=$1 pid i
	[ -f "$run/cms-$c.pid" ] || return 0
	pid=$(cat "$run/cms-$c.pid")
	rm -f "$run/cms-$c.pid"
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { echo "cms: $c stopped"; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	echo "cms: $c killed"
}

case "$cmd" in
start)
	[ $# -gt 0 ] || set -- partner primary
	prepare
	for c in "$@"; do start_one "$c"; done
	;;
stop)
	[ $# -gt 0 ] || set -- primary partner
	for c in "$@"; do stop_one "$c"; done
	;;
*) usage ;;
esac
