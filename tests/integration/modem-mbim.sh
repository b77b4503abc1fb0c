#!/bin/bash
# hal/modem-mbim.c (modem_mbim_ops on libmbim-glib, through the proxy socket)
# against the MBIM emulator in a namespace of its own: two PDNs at once with
# their settings, rejected APNs with their causes, wrong CHAP credentials, a
# network-initiated disconnect within 1 s, a serving PLMN change, cancellation
# on close, the device vanishing and the emulator killed mid-request.
. "$(dirname "$0")/../lib.sh"

# t_netns in this shell (not in $(...)), so that lib.sh deletes the namespace
# on exit; anything still running inside it (an mbim-proxy that libmbim spawned
# if the emulator was gone) is ended then too.
netns() {
	t_netns "$1" >/dev/null || t_abort "network namespace $1"
	NS=mcmig-$T_ID-$1
	t_on_exit "ip netns pids $NS | xargs -r kill"
}
t_init modem-mbim

EMU=$T_BUILD/bench/mbim-emu
DRIVE=$T_BUILD/bench/modem-mbim-drive
SCEN=$T_TOP/tests/bench/mbim/bench.scenario
CTL=$T_RUN/emu.ctl
netns modem

start_emu() {
	rm -f "$T_RUN/$1.ready"
	t_spawn "$1" ip netns exec "$NS" "$EMU" --scenario "$SCEN" --control "$CTL" \
		--ready "$T_RUN/$1.ready"
	t_wait_for "emulator $1" 10 test -e "$T_RUN/$1.ready"
}

# drive NAME STEP... : runs the driver, output in $T_RUN/NAME.out
drive() {
	local name=$1
	shift
	timeout 60 ip netns exec "$NS" "$DRIVE" --device /dev/null --netdev wwan0 \
		--control "$CTL" "$@" >"$T_RUN/$name.out" 2>"$T_RUN/$name.err"
}
out_has() { grep -q -- "$2" "$T_RUN/$1.out"; }
# The number in "PREFIX N ms" of a driver line, e.g. "dropped b after 12 ms".
ms_of() { sed -n "s/^$2 \([0-9]*\) ms$/\1/p" "$T_RUN/$1.out"; }

start_emu emu || t_abort "emulator starts"

drive main open serving imei \
	'connect a internet ipv4 pap alice secret' \
	'connect b ims.partner ipv4v6 chap alice@ims.primary.example partner-secret' \
	'connect c nosuch.apn ipv4 none' \
	'connect d ims.partner ipv4 chap alice@ims.primary.example wrong' \
	'connect e barred.example ipv4 none' \
	'connect f internet ipv6 pap alice secret' \
	'control disconnect 1' 'expect-drop b 1000' \
	'control plmn 999 99 150 77' 'expect-serving 999 99 2000' serving \
	'control register roaming' 'expect-serving 999 99 2000' \
	'disconnect a' 'disconnect c' close
rc=$?
t_check "driver ran every step, no contract violation" test $rc -eq 0
t_check "open through the proxy socket" out_has main "^open ok"
t_check "initial serving network 001/01, TAC 100, cell 4660" \
	out_has main "^serving reg=home rat=3 mcc=001 mnc=01 tac=100 cell=4660$"
t_check "IMEI from DEVICE_CAPS DeviceId (for +sip.instance)" out_has main "^imei 350000000000001$"
t_check "PDN a (PAP) up on session 0 with its settings" out_has main \
	"^connect a ok id=0 ifname=wwan0 addr4=192.0.2.2/24 gw4=192.0.2.1 addr6=/0 gw6= dns=192.0.2.1,192.0.2.53 mtu=1400"
t_check "PDN b (CHAP, v4v6) up at the same time on session 1 with its settings" out_has main \
	"^connect b ok id=1 ifname=wwan0.1 addr4=198.51.100.2/24 gw4=198.51.100.1 addr6=2001:db8:1::2/64 gw6=2001:db8:1::1 dns=198.51.100.1,2001:db8:1::1 mtu=1300"
t_check "the emulator held both sessions at once" bash -c \
	"grep -q 'activate session 0 apn .internet.' $T_RUN/emu.log && grep -q 'activate session 1 apn .ims.partner.' $T_RUN/emu.log"
# NwError is the 3GPP cause: the same errno and text as on QMI and ModemManager.
t_check "unknown APN rejected: -ENOENT, 3GPP cause 27" out_has main \
	"^connect c err=-2 reason=missing or unknown APN (3GPP cause 27)$"
t_check "wrong CHAP password rejected: -EACCES, 3GPP cause 29" out_has main \
	"^connect d err=-13 reason=user authentication failed (3GPP cause 29)$"
t_check "barred APN rejected: -EPERM, 3GPP cause 33" out_has main \
	"^connect e err=-1 reason=requested service option not subscribed (3GPP cause 33)$"
t_check "IPv6 on an IPv4-only APN rejected: -EAFNOSUPPORT, 3GPP cause 50" out_has main \
	"^connect f err=-97 reason=PDN type IPv4 only allowed (3GPP cause 50)$"
t_check "network-initiated disconnect reported with its cause" out_has main \
	"^event dropped b err=-104 reason=regular deactivation (3GPP cause 36)$"
drop_ms=$(ms_of main "dropped b after")
t_check "network-initiated disconnect noticed within 1 s (${drop_ms:-?} ms)" \
	test -n "$drop_ms" -a "${drop_ms:-9999}" -lt 1000
t_check "serving PLMN change to 999/99 noticed, once, with TAC 150" bash -c \
	"[ \$(grep -c '^event serving reg=home' $T_RUN/main.out) -eq 1 ] && grep -q '^event serving reg=home rat=3 mcc=999 mnc=99 tac=150 cell=77$' $T_RUN/main.out"
t_check "registration change to roaming noticed" out_has main \
	"^event serving reg=roaming rat=3 mcc=999 mnc=99 tac=150 cell=77$"
t_check "get_serving afterwards reads 999/99" out_has main "^serving reg=home rat=3 mcc=999 mnc=99 tac=150"
t_check "disconnect of PDN a" out_has main "^disconnect a ok$"
t_check "disconnect of an unknown PDN fails (-ENOENT) from an idle source" \
	out_has main "^disconnect c err=-2 reason=no such PDN$"
t_check "emulator saw session 0 deactivated" grep -q "CONNECT deactivate session 0" "$T_RUN/emu.log"
t_check "no password in any log" bash -c "! grep -q -e secret -e wrong $T_RUN/emu.log $T_RUN/main.err"

# Another proxy client (mbimcli standing in for ModemManager) holds session 0:
# the backend must take the next free session, and both clients share the device.
timeout 30 ip netns exec "$NS" mbimcli -p -d /dev/null --no-close \
	--connect="session-id=0,access-string=internet,auth=pap,username=alice,password=secret,ip-type=ipv4" \
	>"$T_RUN/other.out" 2>&1
drive shared open 'connect x ims.partner ipv4 chap alice@ims.primary.example partner-secret' \
	'disconnect x' close
t_check "another client's session 0 is skipped: PDN on session 1 (wwan0.1)" \
	out_has shared "^connect x ok id=1 ifname=wwan0.1 addr4=198.51.100.2/24"
timeout 30 ip netns exec "$NS" mbimcli -p -d /dev/null --no-close --query-connection-state=0 \
	>"$T_RUN/other2.out" 2>&1
t_check "the other client's session 0 stayed up" grep -q "Activation state: 'activated'" \
	"$T_RUN/other2.out"
timeout 30 ip netns exec "$NS" mbimcli -p -d /dev/null --no-close --disconnect=0 >/dev/null 2>&1

# Two clients at once: the backend holds its connection and PDN while mbimcli
# brings up and tears down another session; then the network drops ours.
timeout 60 ip netns exec "$NS" "$DRIVE" --device /dev/null --control "$CTL" open \
	'connect y internet ipv4 pap alice secret' 'expect-drop y 15000' close \
	>"$T_RUN/both.out" 2>&1 &
both=$!
t_wait_for "backend PDN up" 10 grep -q "^connect y ok id=0" "$T_RUN/both.out"
timeout 30 ip netns exec "$NS" mbimcli -p -d /dev/null --no-close \
	--connect="session-id=5,access-string=ims.partner,auth=chap,username=alice@ims.primary.example,password=partner-secret,ip-type=ipv4" \
	>"$T_RUN/both-cli.out" 2>&1
timeout 30 ip netns exec "$NS" mbimcli -p -d /dev/null --no-close --disconnect=5 \
	>>"$T_RUN/both-cli.out" 2>&1
echo "disconnect 0" >"$CTL"
wait "$both"
t_check "second client connected while the backend's PDN was up" bash -c \
	"grep -q \"Activation state: 'activated'\" $T_RUN/both-cli.out && grep -q \"Activation state: 'deactivated'\" $T_RUN/both-cli.out"
t_check "the backend still got its drop afterwards" grep -q "^dropped y after" "$T_RUN/both.out"

# A missing device node fails the open cleanly (and spawns no mbim-proxy).
timeout 30 ip netns exec "$NS" "$DRIVE" --device "$T_RUN/no-such-cdc-wdm" open close \
	>"$T_RUN/nodev.out" 2>&1
t_check "open of a missing device: -ENOENT" grep -q "^open err=-2 " "$T_RUN/nodev.out"

# A slow answer beyond the command timeout: -ETIMEDOUT, and the session the
# device activated late is deactivated again.
n0=$(grep -c "CONNECT deactivate session 0" "$T_RUN/emu.log")
timeout 30 ip netns exec "$NS" "$DRIVE" --device /dev/null --timeout-ms 1000 open \
	'connect s slow ipv4 none' close >"$T_RUN/slow.out" 2>&1
t_check "slow answer beyond the timeout: -ETIMEDOUT" grep -q "^connect s err=-110 " "$T_RUN/slow.out"
deactivated_again() { [ "$(grep -c "CONNECT deactivate session 0" "$T_RUN/emu.log")" -gt "$n0" ]; }
t_check "the late session is deactivated again" t_wait_for "deactivation" 5 deactivated_again

# close() while a slow CONNECT is pending: -ECANCELED, once, from close.
drive cancel open 'connect-bg s slow ipv4 none' close
t_check "close cancels a pending connect (-ECANCELED, exactly once)" bash -c \
	"[ $? -eq 0 ] && grep -q '^connect s err=-125 reason=modem closed$' $T_RUN/cancel.out"

# The device vanishes (the emulator closes every connection and exits).
drive vanish open 'connect v internet ipv4 pap alice secret' 'control vanish' \
	'expect-vanished 2000' 'connect w internet ipv4 pap alice secret' close
rc=$?
t_check "vanished reported" bash -c "[ $rc -eq 0 ] && grep -q '^event vanished' $T_RUN/vanish.out"
t_check "connect after vanishing fails cleanly with -ENODEV" out_has vanish "^connect w err=-19 reason=modem vanished$"
t_stop emu

# The emulator killed (SIGKILL) while a CONNECT waits for its slow answer.
start_emu emu2 || t_abort "second emulator starts"
timeout 60 ip netns exec "$NS" "$DRIVE" --device /dev/null --netdev wwan0 open \
	'connect k slow ipv4 none' 'expect-vanished 2000' close >"$T_RUN/kill.out" 2>"$T_RUN/kill.err" &
drv=$!
t_wait_for "connect pending" 10 grep -q "^connect k pending" "$T_RUN/kill.out"
t_wait_for "emulator holding the answer" 10 grep -q "held for" "$T_RUN/emu2.log"
start=$(date +%s%N)
pid=$(t_pid emu2)
{ kill -KILL "$pid" && wait "$pid"; } 2>/dev/null
t_wait_for "connect result" 5 grep -q "^connect k err" "$T_RUN/kill.out"
took=$((($(date +%s%N) - start) / 1000000))
t_check "killed mid-request: connect fails with -ENODEV (${took} ms)" \
	grep -q "^connect k err=-19 reason=modem vanished$" "$T_RUN/kill.out"
t_check "killed mid-request: no hang (under 2 s)" test "$took" -lt 2000
wait "$drv"
t_check "killed mid-request: driver exits cleanly after close" bash -c \
	"[ $? -eq 0 ] && grep -q '^event vanished' $T_RUN/kill.out && grep -q '^exit 0' $T_RUN/kill.out"
t_stop emu2

# A device without MS Basic Connect Extensions LOCATION_INFO_STATUS: the
# serving network still comes, with TAC and cell id unknown.
netns noloc
printf 'provider mcc=262 mnc=001 name=Plain state=roaming\napn name=internet addr=192.0.2.2/24 gw=192.0.2.1\n' \
	>"$T_RUN/noloc.scenario"
rm -f "$T_RUN/noloc.ready"
t_spawn emu-noloc ip netns exec "$NS" "$EMU" --scenario "$T_RUN/noloc.scenario" \
	--ready "$T_RUN/noloc.ready"
t_wait_for "emulator without location" 10 test -e "$T_RUN/noloc.ready" ||
	t_abort "emulator without location starts"
timeout 30 ip netns exec "$NS" "$DRIVE" --device /dev/null open serving close \
	>"$T_RUN/noloc.out" 2>&1
t_check "no LOCATION_INFO: roaming in 262/001, TAC and cell unknown" \
	grep -q "^serving reg=roaming rat=3 mcc=262 mnc=001 tac=- cell=-$" "$T_RUN/noloc.out"
t_stop emu-noloc

# The same backend through the real mbim-proxy, the emulator being the device on a pty.
PROXY=/usr/libexec/mbim-proxy
if [ -x "$PROXY" ]; then
	netns real
	DEV=$T_RUN/cdc-wdm0
	t_spawn emu-pty "$EMU" --scenario "$SCEN" --pty "$DEV" --control "$CTL" \
		--ready "$T_RUN/pty.ready"
	t_wait_for "emulator pty" 10 test -e "$T_RUN/pty.ready" || t_abort "emulator on a pty"
	t_spawn proxy ip netns exec "$NS" "$PROXY" --empty-timeout=60
	# Without a listener libmbim would spawn an mbim-proxy of its own: stop here.
	t_wait_for "mbim-proxy listening" 10 \
		ip netns exec "$NS" grep -q '@mbim-proxy$' /proc/net/unix ||
		t_abort "mbim-proxy starts"
	timeout 60 ip netns exec "$NS" "$DRIVE" --device "$DEV" --netdev wwan0 --control "$CTL" \
		open 'connect a internet ipv4 pap alice secret' \
		'connect b ims.partner ipv4v6 chap alice@ims.primary.example partner-secret' \
		'connect d ims.partner ipv4 chap alice@ims.primary.example wrong' \
		'control disconnect 1' 'expect-drop b 1000' \
		'control plmn 999 99 150 77' 'expect-serving 999 99 2000' 'disconnect a' close \
		>"$T_RUN/real.out" 2>"$T_RUN/real.err"
	rc=$?
	t_check "via mbim-proxy: every step ran" test $rc -eq 0
	t_check "via mbim-proxy: two PDNs up" bash -c \
		"grep -q '^connect a ok id=0' $T_RUN/real.out && grep -q '^connect b ok id=1' $T_RUN/real.out"
	t_check "via mbim-proxy: wrong CHAP rejected" out_has real "^connect d err=-13 "
	t_check "via mbim-proxy: indications forwarded (drop, PLMN)" bash -c \
		"grep -q '^dropped b after' $T_RUN/real.out && grep -q '^serving changed to 999/99' $T_RUN/real.out"

	# Crash safety (issue 12): a client killed with its session up leaves the session
	# active in the device (mbim-proxy only forgets the client); the next process
	# skips it, until it deactivates it by the session id the killed one journaled.
	real() {
		local name=$1
		shift
		timeout 60 ip netns exec "$NS" "$DRIVE" --device "$DEV" --netdev wwan0 \
			--control "$CTL" "$@" >"$T_RUN/$name.out" 2>"$T_RUN/$name.err"
	}
	real killed open 'connect k internet ipv4 pap alice secret' die
	t_check "killed client: its session id told before the device was asked" bash -c \
		"grep -n '' $T_RUN/killed.out | grep -A1 'handles 0 mbim-session=0' | grep -q 'connect k ok id=0'"
	real orphan open 'connect o internet ipv4 pap alice secret' 'disconnect o' close
	t_check "killed client: its session stays active in the device (the next gets session 1)" \
		out_has orphan "^connect o ok id=1 "
	real released open 'release mbim-session=0' 'connect r internet ipv4 pap alice secret' \
		'disconnect r' close
	rc=$?
	t_check "killed client: release of its session id answered ok" out_has released "^release ok$"
	t_check "killed client: session 0 free again after the release (exit $rc)" \
		out_has released "^connect r ok id=0 "
	real again open 'release mbim-session=0' close
	t_check "killed client: releasing a session already gone is ok" out_has again "^release ok$"
	t_stop proxy
	t_stop emu-pty
else
	t_fail "$PROXY installed (libmbim-proxy)"
fi
t_done
