#!/bin/bash
# The seed flow (steps 1-25 and the return) in the bench variants that
# tests/integration/e2e-migration.sh does not cover, on one bench set-up
# (topology, SIP DBs, Kamailio, CMSs, card: bench_core_up) shared by all; each
# variant brings its own modem and mcmigd (own state directory and board
# data) and stops them again:
#
#   three APNs   the TS 24.484 con-refs of MCPTT, the MC common core and MC ID
#                name three connectivity sets: three PDNs on qmi-emu (mux ids
#                2, 3, 4), up one after the other, the servers of each service
#                routed through its own PDN, down in reverse order
#   IPv6 only    an IPv6-only partner PDN and an IPv6 P-CSCF: SIP over IPv6
#                to Kamailio listening on the partner's IPv6 address; then a
#                dual-stack PDN with an IPv6 P-CSCF (SIP from its IPv6 address)
#   MBIM         the MBIM backend: mbim-emu on a pty behind Debian's real
#                mbim-proxy
#   ModemManager the MM backend with MM's generic plugin (AT modem, at-emu):
#                the bearer connects, but its data path is PPP on the AT port
#                (IP method "ppp", interface = the AT port, no addresses in
#                ModemManager): the migration stops at configuring the PDN's
#                netdev, says so, disconnects the bearer and stays on the
#                primary (see the variant's comment for ModemManager's source)
. "$(dirname "$0")/../lib.sh"
t_init e2e-variants

. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit
MBIM_EMU=$T_BUILD/bench/mbim-emu
AT_EMU=$T_BUILD/bench/at-emu
MBIM_PROXY=/usr/libexec/mbim-proxy
for f in "$MBIM_EMU" "$AT_EMU" "$MBIM_PROXY"; do
	[ -x "$f" ] || t_abort "$f missing"
done

# The topology's IPv6 access address and further partner PDN links (topology.sh).
export MCMIG_BENCH_VARIANTS=1
bench_core_up v$T_ID
PARTNER=urn:mcmig:system:partner
state_is() { "$CTL" status | grep -q "^state:   $1"; }

# The partner CMS offers what the variant needs (tests/bench/cms/start.sh).
partner_offers() {
	"$BENCH_CMS" stop "$T_RUN" partner >>"$T_RUN/cms.log" 2>&1
	MCMIG_BENCH_OFFER=$1 "$BENCH_CMS" start "$T_RUN" partner >>"$T_RUN/cms.log" 2>&1 ||
		t_abort "partner CMS offering $1"
}

# board NAME GROUP.KEY=VALUE...: boards/bench.conf with those keys replaced
# (VALUE "-": removed), as board data of its own in $T_RUN/boards (board=NAME).
board() {
	local name=$1 kv
	shift
	mkdir -p "$T_RUN/boards"
	cp "$T_TOP/boards/bench.conf" "$T_RUN/boards/$name.conf"
	for kv in "$@"; do
		awk -v g="${kv%%.*}" -v k="${kv#*.}" '
			BEGIN { v = k; sub(/^[^=]*=/, "", v); sub(/=.*/, "", k) }
			/^\[/ { in_g = ($0 == "[" g "]") }
			in_g && index($0, k "=") == 1 { if (v != "-") print k "=" v; next }
			{ print }' "$T_RUN/boards/$name.conf" >"$T_RUN/boards/$name.tmp"
		mv "$T_RUN/boards/$name.tmp" "$T_RUN/boards/$name.conf"
	done
	BENCH_BOARDS_DIR=$T_RUN/boards BENCH_BOARD=$name
}

# Connecting to a closed port tells reachability (tests/integration/topology.sh):
# a reachable host answers RST ("refused").
reach() {
	local out
	out=$(ip netns exec "$UE" timeout 2 bash -c "exec 3<>/dev/tcp/$1/9" 2>&1)
	case "$out" in *refused*) return 0 ;; esac
	return 1
}

# The request of step 1 names the serving PLMN (agent/schema/README.md):
# migrate once the agent NAME knows it from its modem.
serving_known() {
	t_wait_for "$1: the serving network from the modem" 30 \
		grep -q "serving network 001-01 (home)" "$T_RUN/$1.log" || t_abort "$1: serving network"
}

# unaddressed DEV...: none of the partner's addresses left on them (given back).
unaddressed() {
	local d
	for d in "$@"; do
		! ip -n "$UE" addr show dev "$d" | grep -qE 'inet6? (198\.51\.100|2001:db8)' || return 1
	done
}
dev_of_route() { ip -n "$UE" route get "$1" | grep -o 'dev [^ ]*' | cut -d' ' -f2; }

# qmi_variant NAME OFFER APN...: the partner CMS offering OFFER; qmi-emu
# emu-NAME with the home network, the primary's QMAP data format and those
# APN lines; mcmigd agent-NAME on a state directory of its own (and the
# board data board() chose, if any), knowing the serving PLMN; then a
# migration (pc: the P-CSCF log's length before it).
qmi_variant() {
	local name=$1 offer=$2
	shift 2
	partner_offers "$offer"
	{
		echo "serving mcc=001 mnc=01 tac=17 cell=0x1a2b3c rat=lte reg=home"
		echo "data-format link-layer=raw-ip aggregation=qmap"
		printf 'apn %s\n' "$@"
	} >"$T_RUN/scenario-$name"
	bench_qmi_up "emu-$name" "$T_RUN/scenario-$name"
	BENCH_STATE_DIR=$T_RUN/state-$name bench_agent_up "agent-$name" "$T_RUN/mcmig-$name.conf"
	serving_known "agent-$name"
	pc=$(wc -l <"$T_RUN/pcscf.log")
	migrate migrate --partner "$PARTNER"
	t_check "$name: migrated and registered (exit $rc)" test "$rc" -eq 0
}

# variant_return NAME DEV...: the return, those partner netdevs given back,
# mcmigd and the modem of the variant stopped.
variant_return() {
	local name=$1
	shift
	migrate return
	t_check "$name: returned (exit $rc)" test "$rc" -eq 0
	t_check "$name: $* deconfigured" unaddressed "$@"
	t_stop "agent-$name"
	t_stop "emu-$name"
}

# ---- three APNs: MCPTT, MC common core, MC ID each on a PDN of its own ----
# One data link per PDN, mux ids 2, 3, 4 from the board's partner-mux-id.
board bench-3apn netdev.partner=wwan1,wwan2,wwan3
qmi_variant 3apn three-apn \
	"mcptt.partner.example ip=198.51.100.2/24 gw=$MCMIG_PARTNER_UE_ADDR dns=$MCMIG_PARTNER_UE_ADDR pcscf=$MCMIG_PARTNER_UE_ADDR mtu=1400" \
	"core.partner.example ip=198.51.100.66/26 gw=$MCMIG_PARTNER_UE_ADDR2 dns=$MCMIG_PARTNER_UE_ADDR2 mtu=1400" \
	"id.partner.example ip=198.51.100.130/26 gw=$MCMIG_PARTNER_UE_ADDR3 dns=$MCMIG_PARTNER_UE_ADDR3 mtu=1400"
unset BENCH_BOARDS_DIR BENCH_BOARD
t_check "3apn: state registered-at-partner" json '"state":"registered-at-partner"'
# Each Start Network only once the previous PDN is up (make-before-break).
t_check "3apn: the three PDNs up, MCPTT's first, each asked after the previous was up" bash -c \
	"grep -oE '^(conn[0-9]+: start network|session up): .*apn=[a-z.]*' '$T_RUN/emu-3apn.log' |
	 sed -E 's/^conn[0-9]+: start network.*apn=/start /; s/^session up: apn=/up /' | tr '\n' ' ' |
	 grep -qx 'start mcptt.partner.example up mcptt.partner.example start core.partner.example up core.partner.example start id.partner.example up id.partner.example '"
t_check "3apn: bound to the board's mux ids 2, 3, 4" bash -c \
	"[ \"\$(grep -o 'bound to mux id [0-9]*' '$T_RUN/emu-3apn.log' | awk '{ print \$NF }' | sort -u | tr '\n' ' ')\" = '2 3 4 ' ]"
t_check "3apn: wwan1, wwan2, wwan3 configured" bash -c \
	"ip -n '$UE' -br addr show dev wwan1 | grep -q '198.51.100.2/24' &&
	 ip -n '$UE' -br addr show dev wwan2 | grep -q '198.51.100.66/26' &&
	 ip -n '$UE' -br addr show dev wwan3 | grep -q '198.51.100.130/26'"
# The common core's and the IdMS's servers (partner-initial-config-3pdn.xml)
# are in the MCPTT PDN's /24: without their host routes they would go there.
t_check "3apn: the common core's server routed through its PDN (wwan2)" \
	test "$(dev_of_route "$MCMIG_CORE_SERVER_ADDR")" = wwan2
t_check "3apn: the IdMS routed through MC ID's PDN (wwan3)" \
	test "$(dev_of_route "$MCMIG_ID_SERVER_ADDR")" = wwan3
t_check "3apn: the P-CSCF through MCPTT's PDN (wwan1)" \
	test "$(dev_of_route "$MCMIG_PARTNER_UE_ADDR")" = wwan1
t_check "3apn: the IdMS's host reachable that way" reach "$MCMIG_ID_SERVER_ADDR"
variant_return 3apn wwan1 wwan2 wwan3
t_check "3apn: the PDNs went down in reverse order" bash -c \
	"grep -o 'session down: apn=[a-z.]*' '$T_RUN/emu-3apn.log' | cut -d= -f2 | tr '\n' ' ' |
	 grep -qx 'id.partner.example core.partner.example mcptt.partner.example '"
t_check "3apn: no server route left" bash -c \
	"! ip -n '$UE' route show | grep -qE '^($MCMIG_CORE_SERVER_ADDR|$MCMIG_ID_SERVER_ADDR) '"

# ---- IPv6 only: the partner PDN and its P-CSCF IPv6, SIP over IPv6 ----
qmi_variant v6 ipv6 \
	"mcptt.partner.example ip6=2001:db8:1::2/64 gw6=$MCMIG_PARTNER_UE_ADDR6 dns6=$MCMIG_PARTNER_UE_ADDR6 mtu=1400"
t_check "v6: an IPv6 PDN asked of the modem" \
	grep -q "session up: apn=mcptt.partner.example .*ip-family=6" "$T_RUN/emu-v6.log"
t_check "v6: wwan1 holds 2001:db8:1::2/64 and no IPv4 address" bash -c \
	"ip -n '$UE' -br addr show dev wwan1 | grep -q '2001:db8:1::2/64' &&
	 ! ip -n '$UE' -4 addr show dev wwan1 | grep -q inet"
t_check "v6: the REGISTER reached the P-CSCF over IPv6" bash -c \
	"tail -n +$((pc + 1)) '$T_RUN/pcscf.log' | grep -q 'REGISTER .* from \\[\\?2001:db8:1::2'"
impu=$(sed -n 's:.*<impu>\([^<]*\)</impu>.*:\1:p' "$T_RUN"/state-v6/partners/*.xml | head -n 1)
"$BENCH_CORE" contacts "$T_RUN" "$impu" >"$T_RUN/contacts-v6.txt" 2>&1
t_check "v6: the S-CSCF holds $impu at the bracketed IPv6 contact" \
	grep -q '\[2001:db8:1::2\]' "$T_RUN/contacts-v6.txt"
variant_return v6 wwan1

# A dual-stack PDN whose P-CSCF is IPv6: SIP leaves from the PDN's IPv6
# address (from its IPv4 one the IPv6 socket could not even bind).
qmi_variant v4v6 ipv4v6 \
	"mcptt.partner.example ip=198.51.100.2/24 gw=$MCMIG_PARTNER_UE_ADDR dns=$MCMIG_PARTNER_UE_ADDR ip6=2001:db8:1::2/64 gw6=$MCMIG_PARTNER_UE_ADDR6 dns6=$MCMIG_PARTNER_UE_ADDR6 mtu=1400"
t_check "v4v6: wwan1 holds both families" bash -c \
	"ip -n '$UE' -br addr show dev wwan1 | grep -q '198.51.100.2/24.*2001:db8:1::2/64'"
t_check "v4v6: the REGISTER came over IPv6 to the IPv6 P-CSCF" bash -c \
	"tail -n +$((pc + 1)) '$T_RUN/pcscf.log' | grep -q 'REGISTER .* from \\[\\?2001:db8:1::2'"
variant_return v4v6 wwan1

# ---- MBIM: mbim-emu on a pty behind Debian's mbim-proxy ----
partner_offers one
DEV=$T_RUN/cdc-wdm-mbim
cat >"$T_RUN/scenario-mbim" <<EOS
provider mcc=001 mnc=01 name=Primary state=home
location lac=0 tac=17 cell=1715004
subscriber imsi=001010000000001 iccid=8900101000000000001 imei=350000000000001
apn name=mcptt.partner.example addr=198.51.100.2/24 gw=$MCMIG_PARTNER_UE_ADDR dns=$MCMIG_PARTNER_UE_ADDR mtu=1400
EOS
t_spawn mbim "$MBIM_EMU" --scenario "$T_RUN/scenario-mbim" --pty "$DEV" --control "$T_RUN/mbim.ctl" \
	--ready "$T_RUN/mbim.ready"
t_wait_for "mbim-emu pty" 10 test -e "$T_RUN/mbim.ready" || t_abort "mbim-emu on a pty"
# mbim-proxy's socket name is fixed (@mbim-proxy): the ue namespace is ours.
t_spawn mbim-proxy ip netns exec "$UE" "$MBIM_PROXY" --empty-timeout=300
t_wait_for "mbim-proxy listening" 10 ip netns exec "$UE" grep -q '@mbim-proxy$' /proc/net/unix ||
	t_abort "mbim-proxy starts"
# cdc_mbim: IP session 0 is the netdev itself (hal/modem-mbim.c); no mux keys.
board bench-mbim modem.backend=mbim modem.device="$DEV" modem.proxy=- netdev.primary-mux-id=- \
	netdev.partner-mux-id=-
BENCH_STATE_DIR=$T_RUN/state-mbim bench_agent_up agentm "$T_RUN/mcmig-mbim.conf"
serving_known agentm
migrate migrate --partner "$PARTNER"
t_check "MBIM: migrated and registered (exit $rc)" test "$rc" -eq 0
t_check "MBIM: state registered-at-partner" json '"state":"registered-at-partner"'
t_check "MBIM: the partner PDN through mbim-proxy (CONNECT with the CMS's CHAP user)" bash -c \
	"grep -q \"CONNECT activate session 0 apn 'mcptt.partner.example' auth 2 user '[^']\\+'\" '$T_RUN/mbim.log'"
t_check "MBIM: wwan1 configured by the agent" bash -c \
	"ip -n '$UE' -br addr show dev wwan1 | grep -q '198.51.100.2/24'"
migrate return
t_check "MBIM: returned (exit $rc)" test "$rc" -eq 0
t_check "MBIM: the session deactivated" grep -q "CONNECT deactivate session 0" "$T_RUN/mbim.log"
t_check "MBIM: wwan1 deconfigured" unaddressed wwan1
t_stop agentm
t_stop mbim-proxy
t_stop mbim

# ---- ModemManager, generic plugin: as far as it goes ----
# ModemManager's test mode emulates AT modems only (Test.SetProfile takes AT
# ports; bench.md), and the generic plugin's bearer is MMBroadbandBearer
# (ModemManager src/mm-broadband-bearer.c): connect_3gpp() picks a context
# (+CGDCONT), dial_3gpp() sends "ATD*99***<cid>#" on the AT data port, and
# dial_3gpp_ready() gives IP method PPP "if data port is AT" (DHCP only for a
# net port, which an AT-only modem has not), with the AT port as the bearer's
# Interface and no addresses: the data path is PPP on that tty (pppd's, as
# NetworkManager runs it). So the PDN comes up at ModemManager, and the agent
# stops at step 14's netdev (hal/modem-mm.c hands over the port's name; there
# is no wwan netdev to configure), names it, disconnects the bearer
# (+CGACT=0) and stays on the primary. Registration needs a modem with a net
# port (QMI, MBIM: the variants above).
cat >"$T_RUN/scenario-at" <<EOS
plmn 00101 home 0011 001a2b3c
apn mcptt.partner.example accept 198.51.100.2/24 $MCMIG_PARTNER_UE_ADDR $MCMIG_PARTNER_UE_ADDR $MCMIG_PARTNER_UE_ADDR
EOS
mm_call() {
	ip netns exec "$UE" gdbus call --session -d org.freedesktop.ModemManager1 "$@"
}
t_spawn at ip netns exec "$UE" "$AT_EMU" --scenario "$T_RUN/scenario-at" --control "$T_RUN/at.ctl" \
	abstract:at0 abstract:at1 abstract:at2
t_spawn mm ip netns exec "$UE" ModemManager --test-session --test-enable --no-auto-scan --test-no-udev --debug
t_wait_for "ModemManager on the bus" 20 mm_call -o /org/freedesktop/ModemManager1 \
	-m org.freedesktop.DBus.Peer.Ping || t_abort "ModemManager started"
t_check "ModemManager: the AT modem's profile set (generic plugin)" bash -c \
	"ip netns exec '$UE' gdbus call --session -d org.freedesktop.ModemManager1 \
	 -o /org/freedesktop/ModemManager1 -m org.freedesktop.ModemManager1.Test.SetProfile \
	 emu generic '[\"abstract:at0\",\"abstract:at1\",\"abstract:at2\"]' >/dev/null"
cat >"$T_RUN/boards/bench-mm.conf" <<EOB
# The bench's AT modem through ModemManager on the bench bus (generic-mm.conf's keys)
[board]
name=mcmig bench (ModemManager, generic plugin)
[modem]
backend=mm
device=any
bus=session
timeout-ms=60000
[netdev]
primary=wwan0
partner=wwan1
[uicc]
backend=pcsc
reader=Virtual PCD
EOB
BENCH_BOARDS_DIR=$T_RUN/boards BENCH_BOARD=bench-mm
BENCH_STATE_DIR=$T_RUN/state-mm bench_agent_up agentmm "$T_RUN/mcmig-mm.conf"
serving_known agentmm
migrate migrate --partner "$PARTNER"
t_check "ModemManager: the migration fails at the netdev (exit $rc)" test "$rc" -eq 1
t_check "ModemManager: the bearer reached the modem (+CGDCONT with the partner APN, dialled)" \
	bash -c "grep -q 'AT+CGDCONT=[0-9],\"IP\",\"mcptt.partner.example\"' '$T_RUN/at.log' &&
		 grep -q 'ATD\\*99' '$T_RUN/at.log'"
t_check "ModemManager: the reason names the PPP port as the PDN's netdev" \
	json "\"reason\":\"pdn-failed: netdev abstract:at0: No such device\""
t_check "ModemManager: the bearer's context deactivated again (+CGACT=0), back on the primary" \
	bash -c "grep -q 'AT+CGACT=0,' '$T_RUN/at.log' &&
		 grep -q 'disconnecting -> failed (pdn-down)' '$T_RUN/agentmm.log'"
t_check "ModemManager: wwan1 untouched" unaddressed wwan1
t_stop agentmm
t_stop mm
t_stop at
t_done
