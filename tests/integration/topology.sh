#!/bin/bash
# The bench topology (tests/bench/topology.sh): links, addresses, names,
# reachability only between intended peers, optional delay, and a "down"
# that leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
t_init topology

topo=$T_TOP/tests/bench/topology.sh
export MCMIG_BENCH_ID=t$T_ID
t_on_exit "$topo down $T_RUN"

# Connecting to a closed port tells reachability without any daemon: a
# reachable host answers RST ("refused"); no route or a down link fails
# otherwise (bounded by timeout).
reach() {
	local ns=$1 addr=$2 out
	out=$(ip netns exec "$ns" timeout 2 bash -c "exec 3<>/dev/tcp/$addr/9" 2>&1)
	case "$out" in *refused*) return 0 ;; esac
	return 1
}
unreach() { ! reach "$@"; }

# With the variants' extra links (MCMIG_BENCH_VARIANTS), a superset of what the other tests get.
if ! MCMIG_BENCH_VARIANTS=1 $topo up "$T_RUN" >"$T_RUN/up.log" 2>&1; then
	cat "$T_RUN/up.log"
	t_abort "topology up"
fi
t_ok "topology up"
. "$T_RUN/topology.env"
ue=$MCMIG_NS_UE primary=$MCMIG_NS_PRIMARY partner=$MCMIG_NS_PARTNER
t_check "env file names the namespaces" \
	test "$ue" = "mcmig-t$T_ID-ue" -a "$primary" = "mcmig-t$T_ID-primary" -a "$partner" = "mcmig-t$T_ID-partner"

t_check "ue wwan0 holds 192.0.2.2/24 and is up" \
	bash -c "ip -n $ue -4 -br addr show dev wwan0 | grep -q 'UP.*192.0.2.2/24'"
t_check "ue wwan1 is down" \
	bash -c "ip -n $ue -br link show dev wwan1 | grep -q DOWN"
t_check "ue wwan1 has no IPv4 address" \
	bash -c "! ip -n $ue -4 addr show dev wwan1 | grep -q inet"
# Further partner PDNs (TS 24.484 con-refs naming other sets): links of their own.
t_check "ue wwan2 and wwan3 are down and unaddressed" \
	bash -c "for d in wwan2 wwan3; do ip -n $ue -br link show dev \$d | grep -q DOWN &&
		 ! ip -n $ue addr show dev \$d | grep -q 'inet ' || exit 1; done"
t_check "partner: each further PDN's link has its own /26, the IPv6 access address on ue0" \
	bash -c "ip -n $partner -br addr show dev ue2 | grep -q '198.51.100.65/26' &&
		 ip -n $partner -br addr show dev ue3 | grep -q '198.51.100.129/26' &&
		 ip -n $partner -br addr show dev ue0 | grep -q '2001:db8:1::1/64'"

t_check "ue reaches the primary (192.0.2.1)" reach "$ue" 192.0.2.1
t_check "ue cannot reach the partner before its PDN (198.51.100.1)" unreach "$ue" 198.51.100.1
t_check "ue cannot reach the core link (203.0.113.1)" unreach "$ue" 203.0.113.1
t_check "ue cannot reach the core link (203.0.113.2)" unreach "$ue" 203.0.113.2
t_check "primary reaches the partner (203.0.113.2)" reach "$primary" 203.0.113.2
t_check "partner reaches the primary (203.0.113.1)" reach "$partner" 203.0.113.1
t_check "primary cannot reach the partner's UE side (198.51.100.1)" unreach "$primary" 198.51.100.1
t_check "partner cannot reach the ue's primary PDN (192.0.2.2)" unreach "$partner" 192.0.2.2

t_check "names: hss.primary.example from the partner" \
	bash -c "ip netns exec $partner getent hosts hss.primary.example | grep -q '^203.0.113.1 '"
t_check "names: cms.primary.example from the ue" \
	bash -c "ip netns exec $ue getent hosts cms.primary.example | grep -q '^192.0.2.1 '"
# The partner's P-CSCF is a name only the partner's DNS knows (tests/bench/dns.sh):
# the ue's system resolver (getaddrinfo: hosts file, then the primary's DNS) fails.
t_check "names: the ue's system resolver does not know pcscf.partner.example" \
	bash -c "! ip netns exec $ue timeout 10 getent ahosts pcscf.partner.example"
t_check "names: the ue's resolv.conf names the primary's DNS only" \
	bash -c "ip netns exec $ue cat /etc/resolv.conf | grep -qx 'nameserver 192.0.2.1'"
t_check "names: the ue knows no I-CSCF or S-CSCF (only the P-CSCF is its entry)" \
	bash -c "! ip netns exec $ue getent hosts scscf.partner.example && ! ip netns exec $ue getent hosts icscf.partner.example"
t_check "names: the partner's S-CSCF on its core (loopback) address" \
	bash -c "ip netns exec $partner getent hosts scscf.partner.example | grep -q '^127.0.0.4 '"
t_check "the machine's /etc/hosts is untouched" \
	bash -c "! grep -q 'primary.example' /etc/hosts"

# What the agent does at partner PDN bring-up.
ip -n "$ue" addr add 198.51.100.2/24 dev wwan1
ip -n "$ue" link set wwan1 up
t_check "ue reaches the partner once wwan1 is configured" reach "$ue" 198.51.100.1
t_check "still no path from the ue to the core link" unreach "$ue" 203.0.113.2
# A return takes wwan1 down: the partner's side must not lose carrier (a veth
# peer did, and re-activated only through the kernel's rate-limited link
# watch: the next migration's first ARP reply was dropped, costing 1 s).
ip -n "$ue" link set wwan1 down
t_check "wwan1 down: the partner's ue0 keeps its carrier" \
	bash -c "ip -n $partner link show dev ue0 | grep -q LOWER_UP"
t_check "wwan1 down: the partner's ue0 is still operationally up" \
	bash -c "ip -n $partner -br link show dev ue0 | grep -q ' UP '"
ip -n "$ue" link set wwan1 up
t_check "wwan1 up again: the partner is reached" reach "$ue" 198.51.100.1

t_check "up refuses to run twice on one run dir" bash -c "! $topo up $T_RUN 2>/dev/null"
$topo down "$T_RUN" >/dev/null
t_check "down removes the namespaces" \
	bash -c "! ip netns list | grep -Eq '^mcmig-t$T_ID-(ue|primary|partner)( |\$)'"
t_check "down removes /etc/netns entries" \
	bash -c "! ls -d /etc/netns/mcmig-t$T_ID-* 2>/dev/null | grep -q ."
t_check "down removes the env file" test ! -e "$T_RUN/topology.env"
t_check "down again is harmless" bash -c "$topo down $T_RUN >/dev/null 2>&1"

# Optional delay: measured, or skipped when netem is missing.
mkdir -p "$T_RUN/delay"
if MCMIG_BENCH_DELAY=100ms MCMIG_BENCH_ID=d$T_ID $topo up "$T_RUN/delay" >"$T_RUN/delay.log" 2>&1; then
	t_on_exit "$topo down $T_RUN/delay"
	. "$T_RUN/delay/topology.env"
	if [ "$MCMIG_NETEM" = yes ]; then
		start=$(date +%s%N)
		reach "$MCMIG_NS_UE" 192.0.2.1
		ms=$((($(date +%s%N) - start) / 1000000))
		t_check "netem delays the ue link (${ms} ms >= 200 ms RTT)" test "$ms" -ge 200
	else
		t_check "without sch_netem the topology still comes up" grep -q "no delay" "$T_RUN/delay.log"
	fi
	$topo down "$T_RUN/delay" >/dev/null
else
	t_fail "topology up with a delay"
fi
t_done
