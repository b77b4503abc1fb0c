#!/bin/bash
# mcmigd as a whole, with real parts and no SIP core: a private D-Bus bus, the
# product's QMI backend against qmi-emu, rtnetlink on netdevs of a private
# namespace, and a scripted HTTPS CMS with a test CA. Paths: a CMS refusal
# (exit 6, reason, nothing stored), the exported interface against
# agent/org.mcmig.Agent1.xml, a fetch that stores a 0600 record without
# touching mcmig.conf, a restart that restores the stored state, a migration
# with sd_notify READY/STATUS/WATCHDOG, the location trigger (serving PLMN/TAC
# changed in the emulator) migrating until the network drops the partner PDN,
# a manual migration from the stored configuration (no CMS request) that
# brings the partner PDN up and, with no P-CSCF answering, rolls back at
# T-reg: PDN down, wwan1 deconfigured, the primary's wwan0 untouched; then a
# clean SIGTERM.
# mcmigctl watch following a migration (text and JSON lines, SIGINT/SIGTERM,
# the daemon leaving); mcmigctl's words when the bus, the daemon or the bus
# policy's permission is missing (every D-Bus command), the last with the
# shipped policy on the bus.
# The end-to-end migration with the card and Kamailio is e2e-migration.sh.
. "$(dirname "$0")/../lib.sh"
t_init mcmigd

MCMIGD=$T_BUILD/bin/mcmigd
CTL=$T_BUILD/bin/mcmigctl
EMU=$T_BUILD/bench/qmi-emu
if [ ! -x "$MCMIGD" ] || [ ! -x "$EMU" ]; then
	# mcmigd links the modem, netdev and SIP areas (agent/core.mk): until they are
	# merged there is nothing to run.
	echo "mcmigd: $MCMIGD or $EMU not built (other areas not merged yet)"
	echo "mcmigd: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
die() {
	t_abort "$1"
}
for tool in dbus-daemon gdbus openssl /usr/bin/python3; do
	command -v "$tool" >/dev/null || die "$tool installed"
done

PARTNER=urn:mcmig:system:partner-b
NS=$(t_netns ue) || die "network namespace"

# The primary PDN's netdev (up, addressed: the seed's precondition) and the
# partner's, left down and unaddressed for the agent to configure.
# tun devices named like modem netdevs (no module needed, as in netdev.sh).
ip -n "$NS" tuntap add dev wwan0 mode tun && ip -n "$NS" addr add 192.0.2.2/24 dev wwan0 &&
	ip -n "$NS" link set wwan0 up && ip -n "$NS" tuntap add dev wwan1 mode tun ||
	die "tun netdevs"
primary_before=$(ip -n "$NS" -br addr show dev wwan0)

# A private bus for org.mcmig.Agent1 (a filesystem socket: reachable from any namespace).
cat >"$T_RUN/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$T_RUN/bus</listen>
  <!-- for mcmigctl run as another user: no file permission guards it -->
  <listen>unix:abstract=mcmig-bus-$T_ID</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
    <allow user="*"/>
  </policy>
  <!-- the shipped policy: only root calls mcmigd -->
  <include>$T_TOP/agent/org.mcmig.Agent1.conf</include>
</busconfig>
EOF
t_spawn bus dbus-daemon --config-file="$T_RUN/bus.conf" --nofork
t_wait_for "the bus socket" 5 test -S "$T_RUN/bus" || die "dbus-daemon"
export DBUS_SESSION_BUS_ADDRESS=unix:path=$T_RUN/bus MCMIG_BUS=session

# The CMS: refuses once, then answers; its test CA is the one mcmigd pins.
mkdir -p "$T_RUN/pki" && tests/unit/make-test-ca.sh "$T_RUN/pki" || die "test CA"
printf 'tok-%s\n' "$T_ID" >"$T_RUN/token" && chmod 0600 "$T_RUN/token"
cat >"$T_RUN/answer.xml" <<'EOF'
<partner-connection xmlns="urn:mcmig:partner:1.0">
  <partner-system-id>urn:mcmig:system:partner-b</partner-system-id>
  <selection>requested</selection>
  <valid-until>2099-01-01T00:00:00Z</valid-until>
  <sip-identities>
    <impi>in-4f2a9c@ims.partner.example</impi>
    <impu>sip:in-4f2a9c@ims.partner.example</impu>
    <home-domain>ims.partner.example</home-domain>
  </sip-identities>
  <pcscf transport="udp">sip:198.51.100.1:5060</pcscf>
  <connectivity con-ref="partner-mcptt">
    <apn>mcptt.partner.example</apn><ip-type>ipv4</ip-type><auth>chap</auth>
    <username>u-4f2a9c</username><password>s3cret</password>
  </connectivity>
</partner-connection>
EOF
t_spawn cms ip netns exec "$NS" /usr/bin/python3 tests/unit/cms-test-server.py "$T_RUN/pki/server.pem" \
	"$T_RUN/pki/server.key" "$T_RUN/cms.port" "$T_RUN/cms-requests.log" "$T_RUN/answer.xml" \
	403 200
t_wait_for "the CMS port" 10 test -s "$T_RUN/cms.port" || die "CMS started"

# The modem.
PROXY=mcmig-qmi-$T_ID
cat >"$T_RUN/scenario" <<'EOF'
serving mcc=001 mnc=01 tac=17 cell=0x1a2b3c rat=lte reg=home
apn mcptt.partner.example ip=198.51.100.2/24 gw=198.51.100.1 dns=198.51.100.1 pcscf=198.51.100.1 mtu=1400 auth=chap user=u-4f2a9c password=s3cret
EOF
t_spawn emu ip netns exec "$NS" "$EMU" --scenario "$T_RUN/scenario" --socket "$PROXY" --control "$T_RUN/emu.ctl"
t_wait_for "qmi-emu" 5 grep -q "^listening on @$PROXY" "$T_RUN/emu.log" ||
	die "qmi-emu listening"

cat >"$T_RUN/mcmig.conf" <<EOF
[agent]
mc-service-id=sip:alice@mcptt.primary.example
state-dir=$T_RUN/state
bus=session
[cmc]
url=https://127.0.0.1:$(cat "$T_RUN/cms.port")/mcmig/v1/partner-connection
ca-file=$T_RUN/pki/ca.pem
token-file=$T_RUN/token
max-attempts=2
backoff-initial-ms=100
[modem]
backend=qmi
device=$T_RUN/cdc-wdm0
proxy=$PROXY
netdev=wwan1
[timers]
reg-ms=3000
[policy partner-b]
plmn=999-99
tac=100-199
partner=$PARTNER
EOF
conf_sum=$(sha256sum <"$T_RUN/mcmig.conf")

# says DESC RC TEXT CMD...: CMD exits RC and its output contains TEXT.
says() {
	local desc=$1 want=$2 text=$3 rc
	shift 3
	"$@" >"$T_RUN/says.out" 2>&1
	rc=$?
	t_check "$desc: exit $want (rc $rc), says '$text'" \
		bash -c "[ $rc -eq $want ] && grep -qF -- \"\$1\" '$T_RUN/says.out'" - "$text"
}

# No bus where the address points: which address, and what to do.
for cmd in status migrate return timeline watch; do
	says "$cmd with no bus socket" 3 "cannot connect to the session D-Bus at unix:path=$T_RUN/nobus: No such file or directory" \
		env DBUS_SESSION_BUS_ADDRESS="unix:path=$T_RUN/nobus" "$CTL" "$cmd"
done
says "status with no system bus" 3 "is dbus running? start it: systemctl start dbus" \
	env -u MCMIG_BUS DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T_RUN/nobus" "$CTL" status

# mcmig-cmc's standard output is its answer to mcmigd: one result line even
# when a verbose mcmigd's G_MESSAGES_DEBUG makes its retries log.
echo '<x/>' | G_MESSAGES_DEBUG=all "$MCMIG_MODULE_DIR/mcmig-cmc" --url https://127.0.0.1:9/x \
	--max-attempts 2 --backoff-initial-ms 10 --connect-timeout-ms 200 >"$T_RUN/cmc-debug.out" 2>/dev/null
t_check "mcmig-cmc under G_MESSAGES_DEBUG=all: only its result line on stdout ($(head -c 120 "$T_RUN/cmc-debug.out"))" \
	test "$(grep -c . "$T_RUN/cmc-debug.out")" -eq 1 -a "$(cut -c1-5 "$T_RUN/cmc-debug.out")" = "-111 "
t_check "--check-config accepts the configuration" "$MCMIGD" -c "$T_RUN/mcmig.conf" --check-config
printf '[cmc]\nurl=http://x/\n' >"$T_RUN/bad.conf"
t_check "a malformed configuration is refused, naming the key" bash -c \
	"! '$MCMIGD' -c '$T_RUN/bad.conf' --check-config >'$T_RUN/bad.out' 2>&1 &&
	 grep -q '\[agent\] mc-service-id: missing mandatory key' '$T_RUN/bad.out'"

# systemd's side of sd_notify: a datagram socket that logs what it gets.
t_spawn notify /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    with open(sys.argv[2], "a") as f:
        f.write(s.recv(4096).decode() + "\n")
' "$T_RUN/notify" "$T_RUN/notify.log"
t_wait_for "the notify socket" 5 test -S "$T_RUN/notify" || die "notify socket"

start_agent() {
	# env and ip exec: t_stop must signal mcmigd itself, not a subshell.
	t_spawn "$1" env NOTIFY_SOCKET="$T_RUN/notify" WATCHDOG_USEC=400000 \
		ip netns exec "$NS" "$MCMIGD" -c "$T_RUN/mcmig.conf"
	t_wait_for "mcmigd on the bus" 10 bash -c "'$CTL' status | grep -q '^state:   $2'"
}
start_agent agent idle-on-primary || die "mcmigd up and idle"
t_ok "mcmigd up, idle on the primary"

# Only the board's modem backend is mapped (issue 10): its module, not the
# others' nor libmm-glib. (Debian 12's libqmi-glib itself needs libmbim-glib.)
maps=/proc/$(t_pid agent)/maps
t_check "the QMI backend is mapped from its module" grep -q "$MCMIG_MODULE_DIR/modem-qmi\.so$" "$maps"
t_check "neither the MBIM nor the ModemManager backend, nor libmm-glib, is mapped" \
	bash -c "! grep -E '/(modem-mbim\.so|modem-mm\.so|libmm-glib[^/]*)$' '$maps'"

# The shipped interface description (agent/org.mcmig.Agent1.xml) against what
# mcmigd exports (Introspectable.Introspect on its object).
IFACE_PY=tests/integration/dbus-iface.py
t_setup "introspection of /org/mcmig/Agent1" bash -c "gdbus introspect --session \
	--dest org.mcmig.Agent1 --object-path /org/mcmig/Agent1 --xml >'$T_RUN/live.xml'"
t_check "org.mcmig.Agent1.xml is what mcmigd exports" bash -c \
	"diff -u <('$IFACE_PY' agent/org.mcmig.Agent1.xml org.mcmig.Agent1) \
		<('$IFACE_PY' '$T_RUN/live.xml' org.mcmig.Agent1) >'$T_RUN/iface.diff'"

# The shipped bus policy refuses a call from another user than root: said so.
# nobody runs mcmigctl through a descriptor root opened: a newcomer's clone
# is often /root/mcmig, a path nobody may not walk (exec gave 126 there).
exec 9<"$CTL"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups
	env DBUS_SESSION_BUS_ADDRESS="unix:abstract=mcmig-bus-$T_ID")
says "migrate by user nobody is refused by the bus policy" 3 \
	"the D-Bus policy does not let nobody (uid 65534) call Migrate on mcmigd" \
	"${as_nobody[@]}" /proc/self/fd/9 migrate --partner "$PARTNER"
t_check "and it says to run it as root" grep -qF "run it as root" "$T_RUN/says.out"
says "status by user nobody (the policy lets anyone read)" 0 "state:   idle-on-primary" \
	"${as_nobody[@]}" /proc/self/fd/9 status
# Check only reads: the policy lets anyone call it (the configuration, nobody's
# to read here, fails; the daemon's part answers).
says "check by user nobody (the policy lets anyone call Check)" 1 \
	"OK    mcmigd           org.mcmig.Agent1 on the session bus" \
	"${as_nobody[@]}" MCMIG_BUS=session /proc/self/fd/9 check -c /nonexistent
exec 9<&-

out=$("$CTL" migrate --partner "$PARTNER" --json)
rc=$?
t_check "refused migration exits 6 (rc $rc)" test "$rc" -eq 6
t_check "refusal reason is the CMS's code and text ($out)" \
	grep -q '"state":"failed","reason":"not-authorised: user not permitted to migrate"' <<<"$out"
t_check "bearer token sent" grep -q "auth=Bearer tok-$T_ID " "$T_RUN/cms-requests.log"
t_check "serving PLMN from the modem sent" grep -q '<plmn mcc="001" mnc="01"/>' \
	"$T_RUN/cms-requests.log"
t_check "nothing stored after a refusal" bash -c "[ -z \"\$(ls -A '$T_RUN/state/partners')\" ]"

out=$("$CTL" migrate --fetch-only --partner "$PARTNER" --json)
rc=$?
t_check "fetch-only stores the configuration (rc $rc, $out)" test "$rc" -eq 0
rec=$T_RUN/state/partners/urn_3amcmig_3asystem_3apartner-b.xml
t_check "partner record is 0600" test "$(stat -c %a "$rec" 2>/dev/null)" = 600
t_check "mcmig.conf (the primary's configuration) untouched" \
	test "$(sha256sum <"$T_RUN/mcmig.conf")" = "$conf_sum"
# Two fetches over HTTPS, yet no TLS stack in mcmigd: its helper mcmig-cmc
# (agent/cmc-proc.c) did them (issue 10).
t_check "after two fetches mcmigd maps neither libcurl nor a TLS library" \
	bash -c "! grep -E '/(libcurl|libssl|libcrypto|libgnutls|libnettle)[^/]*$' '$maps'"

t_stop agent
start_agent agent2 partner-config-stored
t_check "restart restores partner-config-stored" \
	bash -c "'$CTL' status --json | grep -q '\"state\":\"partner-config-stored\"'"
t_check "sd_notify READY=1" grep -qx "READY=1" "$T_RUN/notify.log"
t_check "sd_notify STATUS with the state" grep -qx "STATUS=partner-config-stored" \
	"$T_RUN/notify.log"
t_wait_for "watchdog pings" 3 grep -qx "WATCHDOG=1" "$T_RUN/notify.log"
t_check "sd_notify WATCHDOG=1 pings" grep -qx "WATCHDOG=1" "$T_RUN/notify.log"

# Location trigger: the modem now serves the partner's PLMN and TAC range.
"$EMU" ctl "$T_RUN/emu.ctl" serving mcc=999 mnc=99 tac=150 cell=0x2000 reg=roaming \
	>/dev/null
t_wait_for "the location trigger to start registering" 10 \
	bash -c "'$CTL' status | grep -q '^state:   registering'"
t_check "location trigger migrates" grep -q "location trigger: serving 999-99 tac 150" \
	"$T_RUN/agent2.log"
# The network drops the partner PDN while the agent registers.
"$EMU" ctl "$T_RUN/emu.ctl" drop mcptt.partner.example cause=36 >/dev/null
t_wait_for "the failure after the PDN drop" 10 \
	bash -c "'$CTL' status | grep -q '^reason:  pdn-dropped'"
t_check "dropped PDN: failed with its reason" bash -c \
	"'$CTL' status --json | grep -q '\"state\":\"failed\",\"reason\":\"pdn-dropped: '"
t_check "dropped PDN: wwan1 deconfigured" \
	bash -c "! ip -n '$NS' addr show dev wwan1 | grep -q 198.51.100.2"

# mcmigctl watch follows the next migration, text and JSON, from its first
# line (the state it starts from: subscribed by then) to SIGINT / SIGTERM.
"$CTL" watch >"$T_RUN/watch.out" 2>&1 &
watch_text=$!
"$CTL" watch --json >"$T_RUN/watch.json" 2>&1 &
watch_json=$!
t_wait_for "the watchers' first lines" 5 bash -c "grep -q ' failed (partner $PARTNER): pdn-dropped' '$T_RUN/watch.out' &&
	grep -q '\"state\":\"failed\"' '$T_RUN/watch.json'" || die "mcmigctl watch started"
requests=$(wc -l <"$T_RUN/cms-requests.log")
out=$("$CTL" migrate --partner "$PARTNER" --json)
rc=$?
t_check "unanswered registration exits 1 (rc $rc)" test "$rc" -eq 1
t_check "reason names the registration timeout ($out)" \
	grep -q '"reason":"registration-timeout: no final answer from the partner"' <<<"$out"
t_check "stored configuration used: no CMS request" \
	test "$(wc -l <"$T_RUN/cms-requests.log")" -eq "$requests"
t_wait_for "the watchers to see the end" 5 grep -q '"new":"failed"' "$T_RUN/watch.json"
# ends DESC PID: PID ends within 5 s (else it is killed); its exit code in rc.
ends() {
	t_wait_for "$1" 5 bash -c "! kill -0 $2 2>/dev/null" || kill -KILL "$2"
	wait "$2"
	rc=$?
}
# (bash starts background jobs with SIGINT ignored: only watch's own handler ends it.)
kill -INT "$watch_text"
kill -TERM "$watch_json"
ends "watch to end on SIGINT" "$watch_text"
t_check "watch ends on SIGINT with exit 0 (rc $rc)" test "$rc" -eq 0
ends "watch --json to end on SIGTERM" "$watch_json"
t_check "watch --json ends on SIGTERM with exit 0 (rc $rc)" test "$rc" -eq 0
cat >"$T_RUN/watch.want" <<'EOF'
failed -> partner-config-stored (migrate)
partner-config-stored -> pdn-connecting (connect)
pdn-connecting -> registering (pdn-up)
registering -> disconnecting (timeout)
disconnecting -> failed (pdn-down): registration-timeout: no final answer from the partner
EOF
# Every signal carries the machine's reason; the check keeps the last one only.
t_check "watch: one line per step, each with its time" bash -c "diff -u '$T_RUN/watch.want' \
	<(tail -n +2 '$T_RUN/watch.out' | sed -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} //;
		\$!s/\\): .*/)/')"
t_check "watch --json: the same steps, one object per line" bash -c "diff -u '$T_RUN/watch.want' \
	<(tail -n +2 '$T_RUN/watch.json' | jq -r '.old + \" -> \" + .new + \" (\" + .event + \")\" +
		(if .new == \"failed\" then \": \" + .reason else \"\" end)')"
t_check "partner PDN came up again" \
	test "$(grep -c "session up: apn=mcptt.partner.example" "$T_RUN/emu.log")" -eq 2
t_check "wwan1 was configured for SIP" grep -q "pdn-connecting -> registering (pdn-up)" \
	"$T_RUN/agent2.log"
t_wait_for "the partner PDN to go down" 5 grep -q "session down: apn=mcptt.partner.example" \
	"$T_RUN/emu.log"
t_check "partner PDN taken down" grep -q "session down: apn=mcptt.partner.example" \
	"$T_RUN/emu.log"
t_check "wwan1 deconfigured" bash -c "! ip -n '$NS' addr show dev wwan1 | grep -q 198.51.100.2"
t_check "primary wwan0 untouched" test "$(ip -n "$NS" -br addr show dev wwan0)" = "$primary_before"
t_check "CHAP password not in the agent's log" bash -c "! grep -q s3cret '$T_RUN/agent2.log'"
t_check "return when not migrated is refused (rc 1)" bash -c "'$CTL' return; [ \$? -eq 1 ]"

pid=$(t_pid agent2)
kill -TERM "$pid"
t_wait_for "mcmigd to exit on SIGTERM" 5 bash -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
rc=$?
t_check "clean exit on SIGTERM (rc $rc)" test "$rc" -eq 0

# mcmigctl waiting for an outcome notices the daemon leaving the bus
# (NameOwnerChanged) and exits 3 at once instead of waiting out --timeout.
start_agent agent3 "" || die "mcmigd up again"
"$CTL" migrate --partner "$PARTNER" --timeout 120 >"$T_RUN/left.out" 2>&1 &
waiter=$!
"$CTL" watch >"$T_RUN/watch-left.out" 2>&1 &
watcher=$!
# watch prints the state once it follows the signals and the name; killing
# the daemon before that (a loaded machine) would test a start-up error.
t_wait_for "mcmigctl watch to follow the daemon" 10 test -s "$T_RUN/watch-left.out" ||
	die "watch never printed the starting state: $(cat "$T_RUN/watch-left.out")"
t_wait_for "the migration to be registering" 10 \
	bash -c "'$CTL' status | grep -q '^state:   registering'" || die "registering for the kill"
kill -KILL "$(t_pid agent3)"
t_wait_for "mcmigctl to end after the daemon died" 10 bash -c "! kill -0 $waiter 2>/dev/null"
kill -0 "$waiter" 2>/dev/null && kill -KILL "$waiter"
wait "$waiter"
rc=$?
t_check "daemon killed while mcmigctl migrate waits: exit 3 (rc $rc)" test "$rc" -eq 3
t_check "and it says the daemon left the bus" grep -q "mcmigd left the bus" "$T_RUN/left.out"
ends "mcmigctl watch to end after the daemon died" "$watcher"
t_check "daemon killed while mcmigctl watch follows it: exit 3 (rc $rc)" test "$rc" -eq 3
t_check "and watch says the daemon left the bus" grep -q "mcmigd left the bus" "$T_RUN/watch-left.out"

# The bus is there, mcmigd is not: the name, and how to start it.
for cmd in status migrate return timeline watch; do
	says "$cmd with no mcmigd" 3 "mcmigd is not running: nobody owns org.mcmig.Agent1 on the session bus" \
		"$CTL" "$cmd"
done
says "status with no mcmigd on the system bus" 3 "start it: systemctl start mcmigd" \
	env -u MCMIG_BUS DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" "$CTL" status
t_done
