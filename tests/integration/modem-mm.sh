#!/bin/bash
# modem_mm_ops against the real ModemManager in its test mode: a private
# D-Bus daemon, ModemManager --test-session with a virtual modem of the
# generic plugin whose AT ports are served by at-emu, all inside a network
# namespace made here (the abstract sockets are per namespace).
#
# What the generic plugin cannot do, and where it is tested instead (the
# QMI and MBIM backends, tests/integration/modem-qmi.sh / modem-mbim.sh):
# - its only data port is the primary AT port (PPP): one bearer connected
#   at a time, and a second CreateBearer fails while it is in data mode;
# - Ip4Config method "ppp": addresses, DNS and MTU come from PPP, not MM;
# - credentials are stored in the bearer (checked) but not sent to the modem, so a
#   wrong CHAP password cannot be rejected;
# - "PPP is required for connection, will ignore disconnection reports":
#   MM 1.20 receives +CGEV NW PDN DEACT but keeps the PPP bearer up. The
#   pdn_dropped path is proven with a Disconnect from another D-Bus client.
. "$(dirname "$0")/../lib.sh"
t_init modem-mm

emu="$T_BUILD/bench/at-emu"
drv="$T_BUILD/bench/modem-mm-drv"
ns=$(t_netns ue) || exit 1
bus="unix:path=$T_RUN/bus"
ctl="$T_RUN/emu.ctl"

cat >"$T_RUN/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

cat >"$T_RUN/scenario" <<SCEN
# home PLMN 001/01, TAC 0x64, cell 0x1234 (the bench subscriber's home network)
plmn 00101 home 0064 00001234
apn ims accept 192.0.2.2/24 192.0.2.1 192.0.2.1 192.0.2.1
apn partner.ims accept 198.51.100.2/24 198.51.100.1 198.51.100.1 198.51.100.1
apn unknown.apn reject 27
apn slow.apn hang
SCEN

printf 'plmn 00101 home 0064 00001234\napn ims accept 192.0.2.2 192.0.2.1 192.0.2.1 192.0.2.1\n' \
	>"$T_RUN/bad-scenario"
t_check "a malformed scenario is refused naming its line" bash -c \
	"! ip netns exec $ns $emu --scenario $T_RUN/bad-scenario abstract:bad 2>$T_RUN/bad.err &&
	 grep -q 'bad-scenario:2: bad directive' $T_RUN/bad.err"

nsx() { ip netns exec "$ns" env DBUS_SESSION_BUS_ADDRESS="$bus" "$@"; }
mmcall() { nsx gdbus call --session -d org.freedesktop.ModemManager1 "$@"; }

t_spawn dbus ip netns exec "$ns" dbus-daemon --config-file="$T_RUN/bus.conf" --nofork --nopidfile
t_wait_for "the private bus" 10 test -S "$T_RUN/bus" || t_abort "private D-Bus daemon"
t_spawn emu ip netns exec "$ns" "$emu" --scenario "$T_RUN/scenario" --control "$ctl" \
	abstract:at0 abstract:at1 abstract:at2
t_spawn mm ip netns exec "$ns" env DBUS_SESSION_BUS_ADDRESS="$bus" ModemManager --test-session --test-enable --no-auto-scan --test-no-udev --debug
t_wait_for "ModemManager on the bus" 20 mmcall -o /org/freedesktop/ModemManager1 \
	-m org.freedesktop.DBus.Peer.Ping || t_abort "ModemManager started"
t_check "virtual modem profile set" mmcall -o /org/freedesktop/ModemManager1 \
	-m org.freedesktop.ModemManager1.Test.SetProfile emu generic \
	'["abstract:at0","abstract:at1","abstract:at2"]'

# The bus as an address and the modem by its device; a modem that is not there.
nsx timeout 60 "$drv" --bus "$bus" --device /virtual/emu --timeout 30000 open serving close \
	>"$T_RUN/drv-addr.out" 2>&1
t_check "open on a bus given by address, modem chosen by its device" \
	grep -q '^open: err=0 ' "$T_RUN/drv-addr.out"
nsx timeout 60 "$drv" --bus session --device /org/freedesktop/ModemManager1/Modem/9 \
	--timeout 2000 open close >"$T_RUN/drv-none.out" 2>&1
t_check "a modem that does not exist: open times out with a reason" \
	grep -q "^open: err=-110 reason=no usable modem '/org/freedesktop/ModemManager1/Modem/9'" \
	"$T_RUN/drv-none.out"

# Crash safety (issue 12): a client killed with its bearer connected leaves it
# to ModemManager, connected; the next process deletes it by the path the
# killed one journaled (DeleteBearer disconnects it first).
bearers() {
	mmcall -o /org/freedesktop/ModemManager1/Modem/0 \
		-m org.freedesktop.DBus.Properties.Get org.freedesktop.ModemManager1.Modem Bearers
}
nsx timeout 60 "$drv" --bus session --device any --timeout 60000 \
	open wait-serving:00101/home:20000 connect:k:ims:ipv4:pap:alice:secret die \
	>"$T_RUN/drv-killed.out" 2>&1
kbearer=$(sed -n 's/^handles [0-9]* bearer=\(.*\)$/\1/p' "$T_RUN/drv-killed.out" | head -n 1)
t_check "killed client: its bearer told before it connected (${kbearer:-none})" bash -c \
	"grep -n '' '$T_RUN/drv-killed.out' | grep -A3 'handles [0-9]* bearer=/' | grep -q 'connect k: err=0'"
connected=$([ -n "$kbearer" ] && mmcall -o "$kbearer" -m org.freedesktop.DBus.Properties.Get \
	org.freedesktop.ModemManager1.Bearer Connected)
t_check "killed client: ModemManager keeps its bearer connected ($connected)" \
	grep -q true <<<"$connected"
nsx timeout 60 "$drv" --bus session --device any --timeout 60000 \
	open "release:$kbearer" "release:$kbearer" close >"$T_RUN/drv-release.out" 2>&1
t_check "killed client: its bearer released by the next process (twice: gone is ok)" \
	test "$(grep -c '^release: err=0 ' "$T_RUN/drv-release.out")" = 2
left=$(bearers)
t_check "killed client: the bearer is gone from ModemManager ($left)" \
	test -n "$kbearer" -a -n "$left" -a "${left/$kbearer/}" = "$left"

# Killed before CreateBearer answered: the journal names only the APN it asked
# for (pending-apn, told before the request). The next process deletes the idle
# bearers on that APN; another APN's bearer, and a connected one, stay.
newbearer() {
	mmcall -o /org/freedesktop/ModemManager1/Modem/0 \
		-m org.freedesktop.ModemManager1.Modem.CreateBearer "{'apn': <'$1'>}" |
		grep -o '/org/freedesktop/ModemManager1/Bearer/[0-9]*'
}
t_check "connect tells the APN before CreateBearer" bash -c \
	"grep -n '' '$T_RUN/drv-killed.out' | grep -A1 'handles [0-9]* pending-apn=ims$' | grep -q 'handles [0-9]* bearer=/'"
orphan1=$(newbearer ims)
orphan2=$(newbearer ims)
other=$(newbearer ims.other)
nsx timeout 60 "$drv" --bus session --device any --timeout 60000 \
	open wait-serving:00101/home:20000 connect:live:ims:ipv4:none:: release-apn:ims sleep:500 \
	disconnect:live sleep:500 close >"$T_RUN/drv-release-apn.out" 2>&1
left=$(bearers)
t_check "killed before CreateBearer answered: the idle bearers on its APN deleted ($orphan1 $orphan2)" \
	bash -c "grep -q '^release: err=0 ' '$T_RUN/drv-release-apn.out' && [ -n '$orphan1' ] && [ -n '$orphan2' ] &&
		 ! grep -q '$orphan1[^0-9]' <<<'$left' && ! grep -q '$orphan2[^0-9]' <<<'$left'"
t_check "another APN's bearer stays ($other)" grep -q "$other[^0-9]" <<<"$left"
t_check "our own connected bearer on that APN untouched: up until we disconnect it" bash -c \
	"grep -q '^connect live: err=0' '$T_RUN/drv-release-apn.out' &&
	 grep -q '^disconnect live: err=0' '$T_RUN/drv-release-apn.out' &&
	 ! grep -q '^event drop live' '$T_RUN/drv-release-apn.out'"
mmcall -o /org/freedesktop/ModemManager1/Modem/0 -m org.freedesktop.ModemManager1.Modem.DeleteBearer \
	"$other" >/dev/null
# What follows reads "the" bearer: none may be left (our disconnect deletes its own).
no_bearers() { ! bearers | grep -q Bearer/; }
t_check "no bearer left in ModemManager ($(bearers))" t_wait_for "no bearer left" 10 no_bearers

out="$T_RUN/drv.out"
# What ModemManager holds for the first bearer (it stores the credentials).
bearer_props="b=\$(gdbus call --session -d org.freedesktop.ModemManager1 \
	-o /org/freedesktop/ModemManager1/Modem/0 -m org.freedesktop.DBus.Properties.Get \
	org.freedesktop.ModemManager1.Modem Bearers | grep -o '/org/freedesktop/ModemManager1/Bearer/[0-9]*'); \
	gdbus call --session -d org.freedesktop.ModemManager1 -o \$b \
	-m org.freedesktop.DBus.Properties.Get org.freedesktop.ModemManager1.Bearer Properties \
	>$T_RUN/bearer-props"
# Another D-Bus client disconnects our bearer; t0 is taken right before the call.
bearer_disconnect="b=\$(gdbus call --session -d org.freedesktop.ModemManager1 \
	-o /org/freedesktop/ModemManager1/Modem/0 -m org.freedesktop.DBus.Properties.Get \
	org.freedesktop.ModemManager1.Modem Bearers | grep -o '/org/freedesktop/ModemManager1/Bearer/[0-9]*'); \
	date +%s%6N >$T_RUN/t0; gdbus call --session -d org.freedesktop.ModemManager1 -o \$b \
	-m org.freedesktop.ModemManager1.Bearer.Disconnect"
nsx timeout 100 "$drv" --bus session --device any --timeout 60000 \
	open wait-serving:00101/home:20000 serving imei \
	connect:ims:ims:ipv4:pap:alice:secret "run:$bearer_props" \
	connect:second:partner.ims:ipv4:none:: \
	disconnect:ims \
	connect:bad:unknown.apn:ipv4:none:: \
	connect:partner:partner.ims:ipv4v6:chap:bob:pw \
	"exec:$bearer_disconnect" wait-drop:partner:3000 \
	"exec:echo 'plmn 99999 roaming 0096 00005678' >$ctl" wait-serving:99999/roaming:5000 \
	connect:nw:ims:ipv4:none:: "exec:echo 'deact 1' >$ctl" sleep:1000 disconnect:nw \
	connect-bg:slow:slow.apn:ipv4:none:: \
	"exec:while ! grep -q holding $T_RUN/emu.log; do sleep 0.1; done; kill $(t_pid emu)" \
	wait-connect:slow:20000 serving "exec:kill $(t_pid mm)" wait-vanished:10000 close \
	>"$out" 2>"$T_RUN/drv.err"
rc=$?
cat "$out"

has() { grep -qE "$1" "$out"; }
t_check "driver ran without contract violations (exit $rc)" [ "$rc" -eq 0 ]
t_check "open found and enabled the modem" has '^open: err=0 '
t_check "serving network: home 001/01 on LTE, TAC 100, cell 4660" \
	has '^serving: reg=home rat=lte plmn=00101 tac=100 cell=4660$'
t_check "IMEI as ModemManager's equipment identifier (+CGSN)" has '^imei: 356938035643809$'
t_check "PDN ims connected on the PPP data port" has '^connect ims: err=0 id=[0-9]+ ifname=abstract:at0 '
t_check "APN and IP type reached the modem (+CGDCONT)" grep -q 'AT+CGDCONT=1,"IP","ims"' "$T_RUN/emu.log"
props=$(cat "$T_RUN/bearer-props" 2>/dev/null)
rm -f "$T_RUN/bearer-props" # holds the (test) password
t_check "ModemManager holds APN, IP type, PAP, user and password of the bearer" bash -c \
	"grep -q \"'apn': <'ims'>\" <<<\"\$1\" && grep -q \"'ip-type': <uint32 1>\" <<<\"\$1\" &&
	 grep -q \"'allowed-auth': <uint32 2>\" <<<\"\$1\" && grep -q \"'user': <'alice'>\" <<<\"\$1\" &&
	 grep -q \"'password': <'secret'>\" <<<\"\$1\"" _ "$props"
t_check "the generic plugin does not send the credentials to the modem" \
	bash -c "! grep -qE 'alice|secret|AT\\\$QCPDPP|AT\\+CGAUTH' '$T_RUN/emu.log'"
t_check "a second PDN while the data port is in use: clean -EBUSY with MM's reason" \
	has '^connect second: err=-16 reason=.*port is connected'
t_check "disconnect ims" has '^disconnect ims: err=0'
t_check "unknown APN rejected with its 3GPP cause" \
	has '^connect bad: err=-2 reason=missing or unknown APN \(3GPP cause 27\)$'
t_check "PDN partner (ipv4v6, CHAP) connected after the first was released" has '^connect partner: err=0 '
t_check "IPv4v6 context defined" grep -qE 'AT\+CGDCONT=[0-9],"IPV4V6","partner.ims"' "$T_RUN/emu.log"
# From ModemManager's own "bearerN disconnected" (its log is in real time, µs)
# to our pdn_dropped: what the backend adds. MM's PPP teardown itself takes ~1 s.
at=$(sed -n 's/^drop partner: err=-104 after=[0-9]*ms at_us=\([0-9]*\) .*/\1/p' "$out")
mm_at=
if [ -s "$T_RUN/t0" ]; then
	t0=$(cat "$T_RUN/t0")
	for t in $(sed -n 's/.*\[\([0-9]*\)\.\([0-9]\{6\}\)\] \[modem0\/bearer[0-9]*\] disconnected$/\1\2/p' "$T_RUN/mm.log"); do
		[ "$t" -ge "$t0" ] && { mm_at=$t; break; }
	done
fi
after=
[ -n "$at" ] && [ -n "$mm_at" ] && after=$(((at - mm_at) / 1000))
t_check "bearer disconnected by another client noticed within 1 s of ModemManager (${after:-never} ms)" \
	test -n "$after" -a "${after:-9999}" -le 1000
after=$(sed -n 's/^serving-change 99999\/roaming after=\([0-9]*\)ms.*/\1/p' "$out")
t_check "serving PLMN change to 999/99 noticed (${after:-never} ms)" \
	has '^serving-change 99999/roaming after=[0-9]+ms now: reg=roaming rat=lte plmn=99999 tac=150 cell=22136$'
t_check "network-initiated deactivation delivered to ModemManager (+CGEV)" \
	grep -q 'network request to deactivate context (cid 1)' "$T_RUN/mm.log"
t_check "disconnect after the network deactivation" has '^disconnect nw: err=0'
t_check "emulator killed mid-request: connect fails cleanly" \
	has '^connect-result slow: err=-[0-9]+ after='
t_check "serving network still answered after the emulator died" has '^serving: reg=roaming'
t_check "ModemManager gone: vanished reported" has '^vanished after=[0-9]+ms'
t_check "no credentials in the logs" bash -c "! grep -q secret '$out' '$T_RUN/drv.err' '$T_RUN/emu.log'"
t_done
