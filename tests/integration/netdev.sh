#!/bin/bash
# netdev_linux_ops on the bench's modem netdevs, inside a private namespace:
# a tun device named wwan0 (the modem's raw-ip netdev) and a veth named wwan1
# (the partner PDN's interface of the shared bench topology). Checks with
# `ip -j` that configure put link state, MTU, addresses and host routes in
# place and that deconfigure removed exactly those.
. "$(dirname "$0")/../lib.sh"
t_init netdev

drv="$T_BUILD/bench/netdev-drv"
ns=$(t_netns ue) || exit 1
peer=$(t_netns partner) || exit 1
ip -n "$ns" tuntap add dev wwan0 mode tun || exit 1
ip link add wwan1 netns "$ns" type veth peer name p1 netns "$peer" || exit 1
ip -n "$peer" addr add 198.51.100.1/24 dev p1
ip -n "$peer" link set p1 up

run() { ip netns exec "$ns" "$drv" "$@"; }
addrs() { ip -n "$ns" -j addr show dev "$1"; }
routes() { ip -n "$ns" -j "$2" route show dev "$1"; }
has() { jq -e "$2" >/dev/null <<<"$1"; }
# Several JSON arrays (ip -j outputs) checked as one: every element of all.
has_all() { jq -se "[.[][]] | $2" >/dev/null <<<"$1"; }

# An address and route the test adds itself: deconfigure must leave them alone.
ip -n "$ns" addr add 192.0.2.2/24 dev wwan0

p4=(ifname=wwan0 addr4=198.51.100.2 prefix4=30 gw4=198.51.100.1 mtu=1400
	pcscf=203.0.113.10 dns=203.0.113.53 addr6=2001:db8:1::2 prefix6=64 gw6=2001:db8:1::1
	pcscf=2001:db8:ffff::10 server=203.0.113.80 server=2001:db8:ffff::80)
t_check "configure tun wwan0 (v4v6, P-CSCF, DNS, servers, MTU)" run configure "${p4[@]}"
a=$(addrs wwan0)
t_check "wwan0 up with MTU 1400" has "$a" '.[0].mtu == 1400 and (.[0].flags | index("UP"))'
t_check "wwan0 holds 198.51.100.2/30" has "$a" \
	'[.[0].addr_info[] | select(.local == "198.51.100.2" and .prefixlen == 30)] | length == 1'
t_check "wwan0 holds 2001:db8:1::2/64" has "$a" \
	'[.[0].addr_info[] | select(.local == "2001:db8:1::2" and .prefixlen == 64)] | length == 1'
r4=$(routes wwan0 -4)
r6=$(routes wwan0 -6)
t_check "host route to the P-CSCF via the PDN gateway" has "$r4" \
	'[.[] | select(.dst == "203.0.113.10" and .gateway == "198.51.100.1")] | length == 1'
t_check "host route to the DNS server via the PDN gateway" has "$r4" \
	'[.[] | select(.dst == "203.0.113.53" and .gateway == "198.51.100.1")] | length == 1'
t_check "IPv6 host route to the P-CSCF via the IPv6 gateway" has "$r6" \
	'[.[] | select(.dst == "2001:db8:ffff::10" and .gateway == "2001:db8:1::1")] | length == 1'
# The servers of the services this PDN carries (TS 24.484 con-refs, agent/migrate.c).
t_check "host routes to the PDN's other servers via its gateways" has_all "$r4$r6" \
	'[.[] | select((.dst == "203.0.113.80" and .gateway == "198.51.100.1") or
	 (.dst == "2001:db8:ffff::80" and .gateway == "2001:db8:1::1"))] | length == 2'
t_check "no default route added" has "$(ip -n "$ns" -j route show default)" 'length == 0'
t_check "configuring again is harmless" run configure "${p4[@]}"

t_check "deconfigure wwan0" run deconfigure "${p4[@]}"
a=$(addrs wwan0)
t_check "wwan0 down" has "$a" '(.[0].flags | index("UP")) == null'
t_check "PDN addresses gone, the foreign one kept" has "$a" \
	'[.[0].addr_info[] | select(.family == "inet") | .local] == ["192.0.2.2"] and
	 ([.[0].addr_info[] | select(.local == "2001:db8:1::2")] | length == 0)'
t_check "PDN host routes gone" has_all "$(routes wwan0 -4)$(routes wwan0 -6)" \
	'[.[] | select(.dst == "203.0.113.10" or .dst == "203.0.113.53" or .dst == "2001:db8:ffff::10" or
	 .dst == "203.0.113.80" or .dst == "2001:db8:ffff::80")] | length == 0'
t_check "deconfiguring again is harmless" run deconfigure "${p4[@]}"

# A /32 address with a gateway outside it, as QMI modems often hand out: the
# route to the P-CSCF is on-link through the gateway all the same.
p32=(ifname=wwan0 addr4=198.51.100.6 prefix4=32 gw4=198.51.100.5 pcscf=203.0.113.10)
t_check "configure a /32 PDN" run configure "${p32[@]}"
t_check "P-CSCF route via a gateway outside the /32 (onlink)" has "$(routes wwan0 -4)" \
	'[.[] | select(.dst == "203.0.113.10" and .gateway == "198.51.100.5" and (.flags | index("onlink")))] | length == 1'
t_check "deconfigure the /32 PDN" run deconfigure "${p32[@]}"
t_check "nothing of the /32 PDN left" has_all "$(addrs wwan0)$(routes wwan0 -4)" \
	'[.[] | .. | objects | select(.local == "198.51.100.6" or .dst == "203.0.113.10")] | length == 0'

# The partner PDN of the bench on the veth: DOWN and unaddressed until configured.
p1=(ifname=wwan1 addr4=198.51.100.2 prefix4=24 gw4=198.51.100.1 pcscf=198.51.100.1)
t_check "wwan1 starts down and unaddressed" has "$(addrs wwan1)" \
	'(.[0].flags | index("UP")) == null and (.[0].addr_info | length) == 0'
t_check "configure veth wwan1" run configure "${p1[@]}"
t_check "wwan1 holds 198.51.100.2/24" has "$(addrs wwan1)" \
	'[.[0].addr_info[] | select(.local == "198.51.100.2" and .prefixlen == 24)] | length == 1'
t_check "the partner is reached through wwan1" has "$(ip -n "$ns" -j route get 198.51.100.1)" \
	'.[0].dev == "wwan1"'
t_check "deconfigure wwan1" run deconfigure "${p1[@]}"
t_check "wwan1 down and unaddressed again" has "$(addrs wwan1)" \
	'(.[0].flags | index("UP")) == null and (.[0].addr_info | length) == 0'

t_check "an unknown interface is refused" bash -c "! ip netns exec $ns $drv configure ifname=wwan9 addr4=198.51.100.2 prefix4=24"
t_check "a malformed address is refused" bash -c "! ip netns exec $ns $drv configure ifname=wwan0 addr4=198.51.100.300 prefix4=24"
t_check "an IPv4 prefix over 32 is refused" bash -c "! ip netns exec $ns $drv configure ifname=wwan0 addr4=198.51.100.2 prefix4=33"
t_done
