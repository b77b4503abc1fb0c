#!/bin/bash
# The real mbimcli (libmbim-glib 1.28) starts and stops a network through the
# MBIM emulator: first with the emulator as @mbim-proxy, then with the real
# mbim-proxy in front of the emulator on a pty. Each inside its own namespace,
# since libmbim 1.28 hard-codes the abstract socket name.
. "$(dirname "$0")/../lib.sh"

# t_netns in this shell (not in $(...)), so that lib.sh deletes the namespace
# on exit; anything still running inside it (an mbim-proxy that libmbim spawned
# if the emulator was gone) is ended then too.
netns() {
	t_netns "$1" >/dev/null || t_abort "network namespace $1"
	NS=mcmig-$T_ID-$1
	t_on_exit "ip netns pids $NS | xargs -r kill"
}
t_init mbim-mbimcli

EMU=$T_BUILD/bench/mbim-emu
SCEN=$T_TOP/tests/bench/mbim/bench.scenario
command -v mbimcli >/dev/null || t_abort "mbimcli installed (libmbim-utils)"
PROXY=/usr/libexec/mbim-proxy

# mbimcli in namespace $NS on device $DEV, output kept in $T_RUN/$1.out
cli() {
	local name=$1
	shift
	timeout 30 ip netns exec "$NS" mbimcli -p -d "$DEV" --no-close "$@" >"$T_RUN/$name.out" 2>&1
}
has() { grep -q -- "$2" "$T_RUN/$1.out"; }
listening() { ip netns exec "$NS" grep -q '@mbim-proxy$' /proc/net/unix; }

# 0. A malformed scenario is refused with the line and the key named.
printf 'provider mcc=001 mnc=01\napn name=x addr=192.0.2.9/24 colour=red\n' >"$T_RUN/bad.scenario"
timeout 5 "$EMU" --scenario "$T_RUN/bad.scenario" --socket mcmig-unused >"$T_RUN/bad.log" 2>&1
t_check "bad scenario refused, naming line 2 and key 'colour'" bash -c \
	"[ $? -eq 1 ] && grep -q \"bad.scenario:2: unknown key 'colour'\" $T_RUN/bad.log"
printf 'apn name=x addr=192.0.2.300/24\n' >"$T_RUN/bad2.scenario"
timeout 5 "$EMU" --scenario "$T_RUN/bad2.scenario" --socket mcmig-unused >"$T_RUN/bad2.log" 2>&1
t_check "bad address refused" grep -q "bad2.scenario:1: bad value for key 'addr'" "$T_RUN/bad2.log"

# 1. The emulator is the proxy.
netns emu
DEV=/dev/null
t_spawn emu ip netns exec "$NS" "$EMU" --scenario "$SCEN" --ready "$T_RUN/emu.ready"
t_wait_for "emulator on @mbim-proxy" 10 test -e "$T_RUN/emu.ready" || t_abort "emulator starts"

cli connect --connect="session-id=3,access-string=internet,auth=pap,username=alice,password=secret,ip-type=ipv4"
t_check "mbimcli connect (PAP) succeeds" has connect "Activation state: 'activated'"
t_check "mbimcli reads address 192.0.2.2/24" has connect "IP \[0\]: '192.0.2.2/24'"
t_check "mbimcli reads gateway and MTU" bash -c "grep -q \"Gateway: '192.0.2.1'\" $T_RUN/connect.out && grep -q \"MTU: '1400'\" $T_RUN/connect.out"
cli state --query-connection-state=3
t_check "session 3 reported activated" has state "Activation state: 'activated'"
cli disconnect --disconnect=3
t_check "mbimcli disconnect succeeds" has disconnect "Activation state: 'deactivated'"
cli state2 --query-connection-state=3
t_check "session 3 reported deactivated" has state2 "Activation state: 'deactivated'"
! cli badpw --connect="session-id=4,access-string=internet,auth=pap,username=alice,password=wrong"
t_check "wrong PAP password refused" has badpw "Failure"
t_check "emulator refused it as authentication failure" grep -q "rejected: authentication failed" "$T_RUN/emu.log"
! cli badapn --connect="session-id=4,access-string=nosuch.apn"
t_check "unknown APN refused" has badapn "Failure"
t_check "emulator refused it with NwError 27" grep -q "rejected: NwError 27" "$T_RUN/emu.log"
cli reg --query-registration-state
t_check "registration: provider 00101, home" bash -c "grep -q \"Provider ID: '00101'\" $T_RUN/reg.out && grep -q \"Register state: 'home'\" $T_RUN/reg.out"
t_check "emulator never logs the password" bash -c "! grep -q secret $T_RUN/emu.log"
t_stop emu

# 2. The real mbim-proxy in front of the emulator on a pty.
if [ -x "$PROXY" ]; then
	netns pty
	DEV=$T_RUN/cdc-wdm0
	t_spawn emu-pty "$EMU" --scenario "$SCEN" --pty "$DEV" --ready "$T_RUN/pty.ready"
	t_wait_for "emulator pty" 10 test -e "$T_RUN/pty.ready" || t_abort "emulator on a pty"
	t_spawn proxy ip netns exec "$NS" "$PROXY" --empty-timeout=60
	# Without a listener libmbim would spawn an mbim-proxy of its own: stop here.
	t_wait_for "mbim-proxy listening" 10 listening || t_abort "mbim-proxy starts"
	cli pconnect --connect="session-id=1,access-string=ims.partner,auth=chap,username=alice@ims.primary.example,password=partner-secret,ip-type=ipv4v6"
	t_check "via mbim-proxy: connect (CHAP, v4v6) succeeds" has pconnect "Activation state: 'activated'"
	t_check "via mbim-proxy: IPv4 198.51.100.2/24" has pconnect "IP \[0\]: '198.51.100.2/24'"
	t_check "via mbim-proxy: IPv6 2001:db8:1::2/64" has pconnect "IP \[0\]: '2001:db8:1::2/64'"
	cli pdisconnect --disconnect=1
	t_check "via mbim-proxy: disconnect succeeds" has pdisconnect "Activation state: 'deactivated'"
	t_check "the pty device was opened by mbim-proxy" grep -q "OPEN (max control transfer" "$T_RUN/emu-pty.log"
	t_stop proxy
	t_stop emu-pty
else
	t_fail "$PROXY installed (libmbim-proxy)"
fi
t_done
