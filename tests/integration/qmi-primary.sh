#!/bin/bash
# Make-before-break on a multiplexed QMI modem: a primary PDN brought up
# beforehand by another client (the real qmicli through the proxy socket: data
# format raw-ip with QMAP, WDS client bound to mux id 1, Start Network, client
# kept) and then, through the product's QMI backend (qmi-hal-test on
# hal/modem-qmi.c) with the board's mux data (mux id 2, modem shared), a
# migration's PDN brought up and down twice. The primary's session (qmicli
# --wds-get-packet-service-status on its client id), its data format (qmicli
# --wda-get-data-format) and its netdev stay as they were throughout: qmi-emu
# cuts every session when the data format changes, as the data path of a real
# modem would be cut. Without the board's mux id the backend refuses to open
# rather than change the format.
. "$(dirname "$0")/../lib.sh"
t_init qmi-primary

EMU=$T_BUILD/bench/qmi-emu
DRV=$T_BUILD/bench/qmi-hal-test
for b in "$EMU" "$DRV"; do
	[ -x "$b" ] || { t_fail "$b is built"; t_done; }
done
NS=$(t_netns qmi) || { t_fail "network namespace"; t_done; }
# qmicli insists on a character device; the path only names the modem to the proxy.
mknod "$T_RUN/cdc-wdm0" c 1 3
cat >"$T_RUN/scenario" <<'SCEN'
serving mcc=001 mnc=01 tac=17 rat=lte reg=home
apn internet ip=192.0.2.2/24 gw=192.0.2.1 dns=192.0.2.1 mtu=1500
apn mcptt.partner.example ip=198.51.100.2/24 gw=198.51.100.1 pcscf=198.51.100.1 mtu=1400
SCEN
t_spawn emu ip netns exec "$NS" "$EMU" --scenario "$T_RUN/scenario" --socket qmi-proxy \
	--control "$T_RUN/emu.ctl"
t_wait_for "the emulator to listen" 5 grep -q '^listening on @qmi-proxy' "$T_RUN/emu.log" ||
	{ t_fail "emulator listening"; t_done; }

qmi() {
	ip netns exec "$NS" timeout 15 qmicli -p --device-open-qmi -d "$T_RUN/cdc-wdm0" "$@"
}

# The primary PDN, as ModemManager or the system brings it up on a QMAP modem.
out=$(qmi --wda-set-data-format="link-layer-protocol=raw-ip,ul-protocol=qmap,dl-protocol=qmap" 2>&1)
t_check "primary client sets raw-ip with QMAP" grep -q "Uplink data aggregation protocol: 'qmap'" <<<"$out"
out=$(qmi --wds-bind-mux-data-port="mux-id=1,ep-iface-number=4" --client-no-release-cid 2>&1)
cid=$(sed -n "s/.*CID: '\([0-9]*\)'.*/\1/p" <<<"$out")
t_check "primary WDS client bound to mux id 1 (cid $cid)" grep -q "cid=$cid bound to mux id 1" "$T_RUN/emu.log"
out=$(qmi --client-cid="$cid" --client-no-release-cid --wds-start-network="apn=internet,ip-type=4" 2>&1)
handle=$(sed -n "s/.*Packet data handle: '\([0-9]*\)'.*/\1/p" <<<"$out")
t_check "primary PDN started (handle $handle)" test -n "$handle"
# Its netdev: a tun named like qmi_wwan's first mux link, addressed and up.
ip -n "$NS" tuntap add dev qmimux0 mode tun && ip -n "$NS" addr add 192.0.2.2/24 dev qmimux0 &&
	ip -n "$NS" link set qmimux0 up
ip -n "$NS" tuntap add dev qmimux1 mode tun

# What "untouched" means, written down before the migration.
cat >"$T_RUN/primary.sh" <<EOF
#!/bin/bash
q() { timeout 15 qmicli -p --device-open-qmi -d "$T_RUN/cdc-wdm0" "\$@"; }
q --client-cid=$cid --client-no-release-cid --wds-get-packet-service-status 2>/dev/null |
	grep -q "Connection status: 'connected'" || { echo "primary session not connected"; exit 1; }
q --wda-get-data-format >"\$1.format" 2>/dev/null
{ ip -j addr show dev qmimux0; ip -j route show dev qmimux0; } >"\$1.netdev"
cmp -s "$T_RUN/before.format" "\$1.format" || { echo "data format changed"; exit 1; }
cmp -s "$T_RUN/before.netdev" "\$1.netdev" || { echo "qmimux0 changed"; exit 1; }
echo "primary connected, its data format and qmimux0 as before"
EOF
chmod +x "$T_RUN/primary.sh"
ip netns exec "$NS" bash -c "
	timeout 15 qmicli -p --device-open-qmi -d '$T_RUN/cdc-wdm0' --wda-get-data-format >'$T_RUN/before.format' 2>/dev/null
	{ ip -j addr show dev qmimux0; ip -j route show dev qmimux0; } >'$T_RUN/before.netdev'"
t_check "data format read back as raw-ip with QMAP" \
	grep -q "Downlink data aggregation protocol: 'qmap'" "$T_RUN/before.format"

# The migration and the return, twice, with the checks in the middle.
timeout 60 ip netns exec "$NS" "$DRV" --device "$T_RUN/cdc-wdm0" --proxy qmi-proxy \
	--netdev qmimux1 --mux-id 2 --shared --data-iface 4 --link-parent wwan0 \
	--control "$T_RUN/emu.ctl" \
	--during "$T_RUN/primary.sh $T_RUN/during" migrate mcptt.partner.example >"$T_RUN/migrate.out" 2>&1
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok - "*) t_ok "${line#ok - }" ;;
	"FAIL - "*) t_fail "${line#FAIL - }" ;;
	esac
done <"$T_RUN/migrate.out"
t_check "migrate driver finished by itself (rc $rc)" test "$rc" -eq 0
# Its WDS clients are allocated at open and kept (issue 12: no CTL Allocate CID
# during a migration): bound once, to the board's data endpoint.
t_check "the backend binds its client once, to the board's data endpoint (USB interface 4)" \
	test "$(grep -c "bound to mux id 2$" "$T_RUN/emu.log")" -eq 1 -a \
	"$(grep -v "cid=$cid " "$T_RUN/emu.log" | grep -c "endpoint type 2 interface 4$")" -eq 1
t_check "WDS client ids allocated only at open: the primary's and our 2 ($(grep -c 'client allocated: service=0x01 ' "$T_RUN/emu.log"))" \
	test "$(grep -c 'client allocated: service=0x01 ' "$T_RUN/emu.log")" -eq 3
t_check "the backend never set the data format (one Set: the primary's)" \
	test "$(grep -c '^data format: ' "$T_RUN/emu.log")" -eq 1
t_check "no session was cut by a data format change" bash -c "! grep -q 'data format changed under' \"\$1\"" _ "$T_RUN/emu.log"
out=$(ip netns exec "$NS" "$T_RUN/primary.sh" "$T_RUN/after")
t_check "after the migration: $out" test $? -eq 0
t_check "the primary's session is the same one (handle $handle)" \
	grep -q "session apn=internet handle=$handle cid=$cid mux=1" <<<"$("$EMU" ctl "$T_RUN/emu.ctl" status)"

# A board without the partner's mux id on this modem: unmultiplexed raw-ip
# would be needed, and the backend refuses rather than cut the primary.
timeout 30 ip netns exec "$NS" "$DRV" --device "$T_RUN/cdc-wdm0" --proxy qmi-proxy \
	--netdev qmimux1 --shared refused >"$T_RUN/refused.out" 2>&1
t_check "open refused without touching the format: $(sed -n 's/^[a-zA-Z]* - //p' "$T_RUN/refused.out")" \
	grep -q '^ok - open refused: -16 "data format is raw-ip with QMAP, needs raw-ip without aggregation: not changed under the primary PDN"' "$T_RUN/refused.out"
out=$(ip netns exec "$NS" "$T_RUN/primary.sh" "$T_RUN/end")
t_check "after the refusal: $out" test $? -eq 0
t_done
