#!/bin/bash
# Bench network topology: three network namespaces joined by veth links.
#
#   tests/bench/topology.sh up RUN_DIR     create, write RUN_DIR/topology.env
#   tests/bench/topology.sh down RUN_DIR   remove exactly what "up" created
#
#   ue <-> primary   192.0.2.0/24     ue: wwan0 192.0.2.2 (up: the primary PDN)
#                                     primary: ue0 192.0.2.1
#   ue <-> partner   198.51.100.0/24  ue: wwan1 DOWN and unaddressed (the agent
#                                     configures it at partner PDN bring-up)
#                                     partner: ue0 198.51.100.1 (wwan1 is a
#                                     macvlan on ue0's veth peer pdn0, see up())
#   with MCMIG_BENCH_VARIANTS=1 (tests/integration/e2e-variants.sh), also:
#                    2001:db8:1::/64  partner: ue0 2001:db8:1::1 (IPv6 PDNs)
#   further partner PDNs (TS 24.484 con-refs naming other connectivity sets),
#   each a macvlan of its own like wwan1, DOWN and unaddressed:
#                    198.51.100.64/26 ue: wwan2; partner: ue2 198.51.100.65
#                    198.51.100.128/26 ue: wwan3; partner: ue3 198.51.100.129
#   partner servers that only a PDN's host route reaches rightly (partner
#   loopback): 198.51.100.201 (common core), 198.51.100.202 (MC ID)
#   primary <-> partner 203.0.113.0/24  primary: partner0 203.0.113.1
#                                     partner: primary0 203.0.113.2
#   partner SIP core (partner namespace's loopback, so the UE reaches it only
#   through the P-CSCF at 198.51.100.1: a packet for 127/8 from a veth is a
#   martian): P-CSCF core side 127.0.0.2, I-CSCF 127.0.0.3, S-CSCF 127.0.0.4
#
# Names come from /etc/netns/<ns>/hosts (seen through `ip netns exec`); the
# ue's resolv.conf names the primary (192.0.2.1), which runs no DNS server:
# the partner's names are served only by tests/bench/dns.sh on the partner side.
# Environment:
#   MCMIG_BENCH_ID     namespace name prefix part (default: the PID of "up");
#                      namespaces are mcmig-<id>-ue, -primary, -partner
#   MCMIG_BENCH_DELAY  netem delay on both ends of the two ue links, e.g. 20ms
#                      (skipped with a notice when sch_netem is unavailable)
#   MCMIG_BENCH_VARIANTS  1: the IPv6 and further PDN links above (other
#                      tests keep the plain topology)
# RUN_DIR/topology.env (for other scripts to source):
#   MCMIG_NS_UE MCMIG_NS_PRIMARY MCMIG_NS_PARTNER  namespace names
#   MCMIG_UE_PRIMARY_IF=wwan0 MCMIG_UE_PARTNER_IF=wwan1
#   MCMIG_PRIMARY_ADDR=192.0.2.1 MCMIG_UE_ADDR=192.0.2.2
#   MCMIG_PARTNER_UE_ADDR=198.51.100.1 MCMIG_PRIMARY_CORE_ADDR=203.0.113.1
#   MCMIG_PARTNER_CORE_ADDR=203.0.113.2 MCMIG_NETEM=yes|no
#   with MCMIG_BENCH_VARIANTS=1: MCMIG_PARTNER_UE_ADDR6=2001:db8:1::1
#   MCMIG_PARTNER_UE_ADDR2=198.51.100.65 MCMIG_PARTNER_UE_ADDR3=198.51.100.129
#   MCMIG_CORE_SERVER_ADDR=198.51.100.201 MCMIG_ID_SERVER_ADDR=198.51.100.202
#   MCMIG_PCSCF_CORE_ADDR=127.0.0.2 MCMIG_ICSCF_ADDR=127.0.0.3
#   MCMIG_SCSCF_ADDR=127.0.0.4
set -euo pipefail

usage() {
	echo "usage: $0 up|down RUN_DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
run=$2
envf=$run/topology.env

hosts_file() {
	local ns=$1
	shift
	mkdir -p "/etc/netns/$ns"
	{
		echo "127.0.0.1 localhost"
		printf '%s\n' "$@"
	} >"/etc/netns/$ns/hosts"
}

# Removes namespaces and their /etc/netns entries; veths die with them.
teardown() {
	local ns
	for ns in "$@"; do
		[ -n "$ns" ] || continue
		ip netns del "$ns" 2>/dev/null || true
		rm -rf "/etc/netns/$ns"
	done
}

netem() {
	local ns=$1 dev=$2
	ip netns exec "$ns" tc qdisc add dev "$dev" root netem delay "$MCMIG_BENCH_DELAY"
}

# What tests/integration/e2e-variants.sh adds: the partner's IPv6 access
# address, and the other partner PDNs' links, the same way as wwan1's (a
# separate link each: the partner answers each PDN's addresses on that PDN's
# link only), and two partner servers on its loopback.
variants() {
	local i
	ip -n "$partner" addr add 2001:db8:1::1/64 dev ue0 nodad
	for i in 2 3; do
		ip link add "pdn$i" netns "$partner" type veth peer name "ue$i" netns "$partner"
		ip -n "$partner" link set "pdn$i" up
		ip -n "$partner" link add link "pdn$i" name "wwan$i" type macvlan mode private
		ip -n "$partner" link set "wwan$i" netns "$ue"
		ip -n "$partner" addr add "198.51.100.$((64 * (i - 1) + 1))/26" dev "ue$i"
		ip -n "$partner" link set "ue$i" up
	done
	ip -n "$partner" addr add 198.51.100.201/32 dev lo
	ip -n "$partner" addr add 198.51.100.202/32 dev lo
	variants_env="MCMIG_PARTNER_UE_ADDR6=2001:db8:1::1
MCMIG_PARTNER_UE_ADDR2=198.51.100.65
MCMIG_PARTNER_UE_ADDR3=198.51.100.129
MCMIG_CORE_SERVER_ADDR=198.51.100.201
MCMIG_ID_SERVER_ADDR=198.51.100.202"
}

up() {
	local id=${MCMIG_BENCH_ID:-$$} ue primary partner made=() netem_ok=no
	[ -d "$run" ] || { echo "topology: no run directory $run" >&2; exit 1; }
	[ ! -e "$envf" ] || { echo "topology: $envf exists: already up?" >&2; exit 1; }
	case "$id" in *[!A-Za-z0-9_]*|'') echo "topology: bad MCMIG_BENCH_ID" >&2; exit 2 ;; esac
	ue=mcmig-$id-ue
	primary=mcmig-$id-primary
	partner=mcmig-$id-partner
	trap 'teardown "${made[@]}"' ERR
	for ns in "$ue" "$primary" "$partner"; do
		if ip netns list | grep -qw -- "$ns"; then
			echo "topology: namespace $ns exists" >&2
			exit 1
		fi
		ip netns add "$ns"
		made+=("$ns")
		ip -n "$ns" link set lo up
	done

	ip link add wwan0 netns "$ue" type veth peer name ue0 netns "$primary"
	ip -n "$ue" addr add 192.0.2.2/24 dev wwan0
	ip -n "$primary" addr add 192.0.2.1/24 dev ue0
	ip -n "$ue" link set wwan0 up
	ip -n "$primary" link set ue0 up

	# The partner PDN's netdev is a macvlan on a veth whose both ends stay
	# in the partner namespace, not a veth end itself: a veth couples both
	# ends' carrier, so every time the agent took wwan1 down (a return) the
	# partner's ue0 lost carrier too, and the kernel re-activates a
	# device's queue on carrier-on only from its rate-limited link watch
	# (at most one event a second). The first ARP reply of the next
	# migration was dropped there and the UE's ARP retry came 1 s later
	# (with the REGISTER and its retransmission queued behind it). A real
	# modem netdev has no such peer; with the macvlan, wwan1 goes up and
	# down alone and the partner side never notices.
	ip link add pdn0 netns "$partner" type veth peer name ue0 netns "$partner"
	ip -n "$partner" link set pdn0 up
	ip -n "$partner" link add link pdn0 name wwan1 type macvlan mode private
	ip -n "$partner" link set wwan1 netns "$ue"
	ip -n "$partner" addr add 198.51.100.1/24 dev ue0
	ip -n "$partner" link set ue0 up
	[ "${MCMIG_BENCH_VARIANTS:-0}" != 1 ] || variants

	ip link add partner0 netns "$primary" type veth peer name primary0 netns "$partner"
	ip -n "$primary" addr add 203.0.113.1/24 dev partner0
	ip -n "$partner" addr add 203.0.113.2/24 dev primary0
	ip -n "$primary" link set partner0 up
	ip -n "$partner" link set primary0 up

	if [ -n "${MCMIG_BENCH_DELAY:-}" ]; then
		if netem "$ue" wwan0 2>/dev/null; then
			netem "$primary" ue0
			netem "$ue" wwan1
			netem "$partner" ue0
			netem_ok=yes
		else
			echo "topology: sch_netem unavailable: no delay" >&2
		fi
	fi

	# The ue's own resolver is the primary's (its DNS server over the primary
	# PDN, which serves no partner name): partner names come only from the
	# partner's DNS over the partner PDN (tests/bench/dns.sh, issue 11). The
	# one exception is the partner IdMS: mcmig-idm resolves with the system
	# resolver (libcurl), not through the partner PDN's DNS (agent/dnsres.c).
	hosts_file "$ue" "192.0.2.1 cms.primary.example idms.primary.example" \
		"198.51.100.1 idms.partner.example"
	echo "nameserver 192.0.2.1" >"/etc/netns/$ue/resolv.conf"
	hosts_file "$primary" "127.0.0.1 hss.primary.example" \
		"192.0.2.1 cms.primary.example idms.primary.example" \
		"203.0.113.2 cms.partner.example hss.partner.example"
	hosts_file "$partner" "127.0.0.1 hss.partner.example" \
		"203.0.113.2 cms.partner.example" \
		"127.0.0.2 pcscf.partner.example" \
		"127.0.0.3 icscf.partner.example" \
		"127.0.0.4 scscf.partner.example" \
		"203.0.113.1 hss.primary.example cms.primary.example"

	cat >"$envf.tmp" <<EOT
MCMIG_NS_UE=$ue
MCMIG_NS_PRIMARY=$primary
MCMIG_NS_PARTNER=$partner
MCMIG_UE_PRIMARY_IF=wwan0
MCMIG_UE_PARTNER_IF=wwan1
MCMIG_PRIMARY_ADDR=192.0.2.1
MCMIG_UE_ADDR=192.0.2.2
MCMIG_PARTNER_UE_ADDR=198.51.100.1
MCMIG_PRIMARY_CORE_ADDR=203.0.113.1
MCMIG_PARTNER_CORE_ADDR=203.0.113.2
MCMIG_NETEM=$netem_ok
${variants_env:-}
MCMIG_PCSCF_CORE_ADDR=127.0.0.2
MCMIG_ICSCF_ADDR=127.0.0.3
MCMIG_SCSCF_ADDR=127.0.0.4
EOT
	mv "$envf.tmp" "$envf"
	trap - ERR
	echo "topology: up ($ue $primary $partner)"
}

down() {
	[ -f "$envf" ] || { echo "topology: no $envf: nothing to do" >&2; exit 0; }
	# Read only our own keys; the file is ours but do not execute it blindly.
	local ue primary partner
	ue=$(sed -n 's/^MCMIG_NS_UE=\(mcmig-[A-Za-z0-9_]*-ue\)$/\1/p' "$envf")
	primary=$(sed -n 's/^MCMIG_NS_PRIMARY=\(mcmig-[A-Za-z0-9_]*-primary\)$/\1/p' "$envf")
	partner=$(sed -n 's/^MCMIG_NS_PARTNER=\(mcmig-[A-Za-z0-9_]*-partner\)$/\1/p' "$envf")
	teardown "$ue" "$primary" "$partner"
	rm -f "$envf"
	echo "topology: down"
}

case "$cmd" in
up) up ;;
down) down ;;
*) usage ;;
esac
