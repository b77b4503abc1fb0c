#!/bin/bash
# The product's QMI backend (hal/modem-qmi.c on the real libqmi-glib) against
# qmi-emu: two PDNs at once with their settings, IPv6 and IPv4v6 (two WDS
# clients, both families' settings; one family granted), a rejected APN and wrong CHAP
# credentials with their causes, a network-initiated disconnect and a serving
# PLMN change noticed within 1 s, a slow answer timing out, cancellation on
# close, the modem vanishing, and the emulator killed mid-request.
. "$(dirname "$0")/../lib.sh"
t_init modem-qmi

EMU=$T_BUILD/bench/qmi-emu
DRV=$T_BUILD/bench/qmi-hal-test
for b in "$EMU" "$DRV"; do
	[ -x "$b" ] || t_abort "$b is built"
done

# Abstract sockets are per network namespace; a proxy name of our own on top.
NS=$(t_netns qmi) || t_abort "network namespace"
PROXY=mcmig-qmi-$T_ID
cat >"$T_RUN/scenario" <<'SCEN'
serving mcc=001 mnc=01 tac=17 cell=0x1a2b3c rat=lte reg=home
apn internet ip=192.0.2.2/24 gw=192.0.2.1 dns=192.0.2.1 mtu=1500
apn partner.mc ip=198.51.100.2/24 gw=198.51.100.1 dns=198.51.100.1,198.51.100.53 pcscf=198.51.100.1 mtu=1400 auth=chap user=alice password=s3cret
apn ims6 ip6=2001:db8:1::2/64 gw6=2001:db8:1::1 dns6=2001:db8:1::53 mtu=1280
apn ims46 ip=203.0.113.2/24 gw=203.0.113.1 dns=203.0.113.53 pcscf=203.0.113.10 mtu=1400 ip6=2001:db8:2::2/64 gw6=2001:db8:2::1 dns6=2001:db8:2::53,2001:db8:2::54
apn slow.example ip=203.0.113.9/24 gw=203.0.113.1 delay=3000
SCEN

# Turns the driver's "ok - "/"FAIL - " lines into this test's results.
tally() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) t_ok "${line#ok - }" ;;
		"FAIL - "*) t_fail "${line#FAIL - }" ;;
		esac
	done <"$1"
}

start_emu() {
	t_spawn "$1" ip netns exec "$NS" "$EMU" --scenario "$T_RUN/scenario" --socket "$PROXY" \
		--control "$T_RUN/$1.ctl"
	# Never let libqmi spawn the real qmi-proxy: wait for ours first.
	t_wait_for "$1 to listen" 5 grep -q "^listening on @$PROXY" "$T_RUN/$1.log"
}

start_emu emu || t_abort "emulator listening"
# A path that is no cdc-wdm node: the backend skips libqmi's file check.
timeout 60 ip netns exec "$NS" "$DRV" --device "$T_RUN/cdc-wdm0" --proxy "$PROXY" \
	--netdev wwan0,wwan1,wwan2 --control "$T_RUN/emu.ctl" suite >"$T_RUN/suite.out" 2>&1
rc=$?
tally "$T_RUN/suite.out"
t_check "suite driver finished by itself (rc $rc)" test "$rc" -eq 0
t_check "the CHAP password never reaches the emulator log" \
	bash -c "! grep -q s3cret \"\$1\"" _ "$T_RUN/emu.log"
t_check "raw-ip with QMAP data format was set" grep -q "data format: link-layer=raw-ip aggregation=qmap$" "$T_RUN/emu.log"
t_check "timed-out and cancelled Start Network were aborted (WDS Abort)" \
	test "$(grep -c 'start network tid=[0-9]* aborted' "$T_RUN/emu.log")" -eq 2
t_check "IPv4v6: Start Network on ims46 with IP family 4 and with 6 (TLV 0x19)" \
	bash -c 'grep -q "apn=ims46 .*ip-family=4$" "$1" && grep -q "apn=ims46 .*ip-family=6$" "$1"' _ "$T_RUN/emu.log"
t_check "no session came up for an aborted request" \
	bash -c "! grep -q 'session up: apn=slow' \"\$1\"" _ "$T_RUN/emu.log"
t_stop emu

# The emulator dies while a Start Network is outstanding.
start_emu emu2 || t_abort "second emulator listening"
ip netns exec "$NS" timeout 60 "$DRV" --device "$T_RUN/cdc-wdm0" --proxy "$PROXY" \
	--timeout 20000 hang slow.example >"$T_RUN/hang.out" 2>&1 &
drv=$!
if t_wait_for "the slow request to reach the emulator" 10 \
	grep -q "start network: answering in" "$T_RUN/emu2.log"; then
	pid=$(t_pid emu2)
	{ kill -KILL "$pid" && wait "$pid"; } 2>/dev/null
	t_ok "emulator killed mid-request"
else
	t_fail "slow request reached the emulator"
fi
start=$(date +%s)
wait "$drv"
rc=$?
t_check "driver ended within 10 s of the kill" test $(($(date +%s) - start)) -le 10
tally "$T_RUN/hang.out"
t_check "hang driver exit status (rc $rc)" test "$rc" -eq 0
t_done
