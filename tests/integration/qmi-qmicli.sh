#!/bin/bash
# Proves the QMI emulator against an independent client: the real qmicli
# (libqmi 1.32) starts a network through it, reads it back and stops it, over
# the proxy socket and over a pty; rejected APNs and wrong CHAP credentials come
# back as QMI CallFailed with the 3GPP cause.
. "$(dirname "$0")/../lib.sh"
t_init qmi-qmicli

EMU=$T_BUILD/bench/qmi-emu
command -v qmicli >/dev/null || t_abort "qmicli is installed (libqmi-utils)"
[ -x "$EMU" ] || t_abort "qmi-emu is built"

# Abstract sockets are per network namespace: ours cannot meet anyone else's.
NS=$(t_netns qmi) || t_abort "network namespace"
cat >"$T_RUN/scenario" <<'SCEN'
serving mcc=001 mnc=01 tac=17 cell=0x1a2b3c rat=lte reg=home
apn partner.mc ip=198.51.100.2/24 gw=198.51.100.1 dns=198.51.100.1 pcscf=198.51.100.1 mtu=1400 auth=chap user=alice password=s3cret
apn barred.example reject=33
apn ims46 ip=192.0.2.2/24 gw=192.0.2.1 ip6=2001:db8:2::2/64 gw6=2001:db8:2::1 dns6=2001:db8:2::53,2001:db8:2::54 mtu=1280
SCEN
# A scenario with a mistake is refused with its line and key named.
printf 'serving mcc=001 mnc=01\napn bad ip=198.51.100.300/24\n' >"$T_RUN/bad-scenario"
out=$("$EMU" --scenario "$T_RUN/bad-scenario" --socket unused 2>&1)
rc=$?
t_check "bad scenario rejected (rc $rc): $out" \
	test "$rc" -eq 2 -a "$out" = "qmi-emu: $T_RUN/bad-scenario:2: bad value for 'ip'"

# qmicli insists on a character device; the path only names the modem to the proxy.
mknod "$T_RUN/cdc-wdm0" c 1 3

t_spawn emu ip netns exec "$NS" "$EMU" --scenario "$T_RUN/scenario" --socket qmi-proxy \
	--control "$T_RUN/control" --verbose
# Never let libqmi fall back to spawning the real qmi-proxy: wait for ours.
t_wait_for "the emulator to listen" 5 grep -q '^listening on @qmi-proxy' "$T_RUN/emu.log" ||
	t_abort "emulator listening"

qmi() {
	ip netns exec "$NS" timeout 15 qmicli -p --device-open-qmi -d "$T_RUN/cdc-wdm0" "$@"
}

out=$(qmi --wds-start-network="apn=partner.mc,username=alice,password=s3cret,auth=chap,ip-type=4" \
	--client-no-release-cid 2>&1)
echo "$out" >"$T_RUN/start.out"
handle=$(sed -n "s/.*Packet data handle: '\([0-9]*\)'.*/\1/p" <<<"$out")
cid=$(sed -n "s/.*CID: '\([0-9]*\)'.*/\1/p" <<<"$out")
t_check "qmicli starts a network through the proxy socket" test -n "$handle" -a -n "$cid"

out=$(qmi --client-cid="$cid" --client-no-release-cid --wds-get-current-settings 2>&1)
t_check "current settings carry the scenario's address" grep -q "IPv4 address: 198.51.100.2" <<<"$out"
t_check "current settings carry the MTU" grep -q "MTU: 1400" <<<"$out"
out=$(qmi --client-cid="$cid" --client-no-release-cid --wds-get-packet-service-status 2>&1)
t_check "packet service status is connected" grep -q "Connection status: 'connected'" <<<"$out"

out=$(qmi --client-cid="$cid" --wds-stop-network="$handle" 2>&1)
t_check "qmicli stops the network by handle and cid" grep -q "Network stopped" <<<"$out"
t_check "the emulator saw the session go down" grep -q "session down: apn=partner.mc handle=$handle" "$T_RUN/emu.log"
out=$("$EMU" ctl "$T_RUN/control" status)
t_check "no session left after stop" bash -c "! grep -q '^session' <<<\"\$1\"" _ "$out"

out=$(qmi --wds-start-network="apn=partner.mc,username=alice,password=wrong,auth=chap,ip-type=4" 2>&1)
t_check "wrong CHAP password is refused with 3GPP cause 29" grep -q "verbose call end reason (6,29)" <<<"$out"
out=$(qmi --wds-start-network="apn=partner.mc,username=alice,password=s3cret,auth=pap,ip-type=4" 2>&1)
t_check "PAP offered where CHAP is required is refused" grep -q "verbose call end reason (6,29)" <<<"$out"
out=$(qmi --wds-start-network="apn=nowhere.example,ip-type=4" 2>&1)
t_check "an unknown APN is refused with 3GPP cause 27" grep -q "verbose call end reason (6,27)" <<<"$out"
out=$(qmi --wds-start-network="apn=barred.example,ip-type=4" 2>&1)
t_check "a scenario rejection carries its cause" grep -q "verbose call end reason (6,33)" <<<"$out"
t_check "the password never reaches the log" bash -c "! grep -q s3cret \"\$1\"" _ "$T_RUN/emu.log"

# An IPv4v6 PDN as ModemManager brings it up: one client per family, the
# same APN, IP family preference 4 and 6 (TLV 0x19).
out=$(qmi --wds-start-network="apn=ims46,ip-type=4" --client-no-release-cid 2>&1)
cid4=$(sed -n "s/.*CID: '\([0-9]*\)'.*/\1/p" <<<"$out")
out=$(qmi --wds-start-network="apn=ims46,ip-type=6" --client-no-release-cid 2>&1)
cid6=$(sed -n "s/.*CID: '\([0-9]*\)'.*/\1/p" <<<"$out")
t_check "two clients start the same APN, IPv4 and IPv6 (cids $cid4, $cid6)" \
	test -n "$cid4" -a -n "$cid6" -a "$cid4" != "$cid6"
out=$(qmi --client-cid="$cid6" --client-no-release-cid --wds-get-current-settings 2>&1)
echo "$out" >"$T_RUN/settings6.out"
t_check "IPv6 settings: address and prefix (TLV 0x25)" grep -q "IPv6 address: 2001:db8:2::2/64" <<<"$out"
t_check "IPv6 settings: gateway (TLV 0x26)" grep -q "IPv6 gateway address: 2001:db8:2::1/64" <<<"$out"
t_check "IPv6 settings: primary DNS (TLV 0x27)" grep -q "IPv6 primary DNS: 2001:db8:2::53" <<<"$out"
t_check "IPv6 settings: secondary DNS (TLV 0x28)" grep -q "IPv6 secondary DNS: 2001:db8:2::54" <<<"$out"
t_check "IPv6 settings: no IPv4 address on the IPv6 client" bash -c '! grep -q "IPv4 address" <<<"$0"' "$out"
out=$(qmi --client-cid="$cid4" --client-no-release-cid --wds-get-current-settings 2>&1)
t_check "IPv4 settings on the IPv4 client" grep -q "IPv4 address: 192.0.2.2" <<<"$out"
out=$("$EMU" ctl "$T_RUN/control" status)
t_check "both families' sessions up" bash -c 'grep -q "session apn=ims46 .*cid=$1 " <<<"$0" && grep -q "session apn=ims46 .*cid=$2 " <<<"$0"' "$out" "$cid4" "$cid6"
qmi --client-cid="$cid4" --wds-noop >/dev/null 2>&1
qmi --client-cid="$cid6" --wds-noop >/dev/null 2>&1
t_check "releasing both clients ends both sessions" \
	bash -c '! grep -q "^session apn=ims46" <<<"$("$0" ctl "$1" status)"' "$EMU" "$T_RUN/control"

out=$(qmi --nas-get-serving-system 2>&1)
t_check "serving system: LTE, TAC 17" grep -q "LTE tracking area code: '17'" <<<"$out"
"$EMU" ctl "$T_RUN/control" serving mcc=999 mnc=99 tac=150 >/dev/null
out=$(qmi --nas-get-serving-system 2>&1)
t_check "serving PLMN changed at run time" grep -q "MCC: '999'" <<<"$out"
# PLMN digits are decimal strings (TS 23.003 2.2): a leading zero is a digit,
# not an octal prefix; a three-digit MNC keeps its third digit (PCS flag).
"$EMU" ctl "$T_RUN/control" serving mcc=001 mnc=042 >/dev/null
out=$(qmi --nas-get-serving-system 2>&1)
echo "$out" >"$T_RUN/serving-042.out"
t_check "MNC 042: 42 with the PCS digit, not octal 34" \
	bash -c 'grep -q "MNC: '"'42'"'" <<<"$0" && grep -q "PCS digit.*yes" <<<"$0"' "$out"
"$EMU" ctl "$T_RUN/control" serving mcc=310 mnc=08 >/dev/null
out=$(qmi --nas-get-serving-system 2>&1)
echo "$out" >"$T_RUN/serving-08.out"
t_check "MNC 08 accepted: MCC 310, MNC 8, two digits" \
	bash -c 'grep -q "MCC: '"'310'"'" <<<"$0" && grep -q "MNC: '"'8'"'" <<<"$0" && grep -q "PCS digit.*no" <<<"$0"' "$out"
out=$(qmi --wda-set-data-format="link-layer-protocol=raw-ip" 2>&1)
t_check "WDA data format set to raw-ip" grep -q "Link layer protocol: 'raw-ip'" <<<"$out"
t_stop emu

# The same modem on a pty, opened directly (no proxy).
t_spawn emupty ip netns exec "$NS" "$EMU" --scenario "$T_RUN/scenario" --pty "$T_RUN/ttyQMI"
t_wait_for "the pty emulator" 5 grep -q '^listening on' "$T_RUN/emupty.log" ||
	t_abort "pty emulator"
out=$(timeout 15 qmicli --device-open-qmi -d "$T_RUN/ttyQMI" \
	--wds-start-network="apn=partner.mc,username=alice,password=s3cret,auth=chap,ip-type=4" \
	--client-no-release-cid 2>&1)
echo "$out" >"$T_RUN/pty.out"
t_check "qmicli starts a network over the pty" grep -q "Network started" <<<"$out"
t_stop emupty
t_done
