#!/bin/bash
# The bench's SIP side end to end with a UE nobody here wrote (SIPp): an
# inbound identity allocated over Sh registers with Digest AKAv1-MD5 at the
# partner's unmodified Kamailio S-CSCF; the MAR goes partner SIP DB ->
# primary SIP DB and back. Wrong RES, silent and stopped primary, revocation.
. "$(dirname "$0")/../lib.sh"
t_init sipcore

topo=$T_TOP/tests/bench/topology.sh
core=$T_TOP/tests/bench/sipcore.sh
sh=$T_BUILD/bench/mcmig-sh
sippdir=$T_TOP/tests/bench/sipp
export MCMIG_BUILD=$T_BUILD MCMIG_BENCH_ID=s$T_ID MCMIG_PROXY_TIMEOUT=3000

t_on_exit "$topo down $T_RUN"
if ! $topo up "$T_RUN" >"$T_RUN/topology.log" 2>&1; then
	cat "$T_RUN/topology.log"
	t_fail "topology up"
	t_done
	exit 1
fi
. "$T_RUN/topology.env"
t_on_exit "$core stop $T_RUN"

# A primary subscriber holding SIPp's credentials: SIPp 3.6.1 uses the ASCII
# bytes of "mcmig-bench-k-01" / "mcmig-bench-op01" (OP, not OPc) and AMF "00".
cat >"$T_RUN/primary-subscribers.conf" <<'EOT'
subscriber bob@ims.primary.example sip:bob@ims.primary.example k=6d636d69672d62656e63682d6b2d3031 op=6d636d69672d62656e63682d6f703031 amf=3030
EOT

if ! $core start "$T_RUN" >"$T_RUN/sipcore.log" 2>&1; then
	cat "$T_RUN/sipcore.log"
	t_fail "SIP DBs and S-CSCF start"
	t_done
	exit 1
fi
t_ok "SIP DBs and S-CSCF start"

# Nothing listens beyond the bench's addresses (no wildcard binds).
t_check "primary namespace: Diameter on 127.0.0.1 and 203.0.113.1 only" \
	test "$(ip netns exec "$MCMIG_NS_PRIMARY" ss -Hltn | awk '{print $4}' | sort | tr '\n' ' ')" = \
	"127.0.0.1:3868 203.0.113.1:3868 "
t_check "partner namespace: no wildcard listener" \
	bash -c "! ip netns exec $MCMIG_NS_PARTNER ss -Hltun | awk '{print \$5}' | grep -Eq '^(0\\.0\\.0\\.0|\\*|\\[::\\]):'"
t_check "S-CSCF listens on 198.51.100.1:5060 UDP and TCP" \
	bash -c "ip netns exec $MCMIG_NS_PARTNER ss -Hlun | grep -q 198.51.100.1:5060 &&
		ip netns exec $MCMIG_NS_PARTNER ss -Hltn | grep -q 198.51.100.1:5060"

psh() { ip netns exec "$MCMIG_NS_PRIMARY" "$sh" --identity cms.primary.example --realm primary.example \
	--peer hss.primary.example --peer-realm primary.example --peer-addr 127.0.0.1 \
	--work-dir "$T_RUN" --timeout 3000 "$@"; }
tsh() { ip netns exec "$MCMIG_NS_PARTNER" "$sh" --identity cms.partner.example --realm partner.example \
	--peer hss.partner.example --peer-realm partner.example --peer-addr 127.0.0.1 \
	--work-dir "$T_RUN" --timeout 3000 "$@"; }
field() { sed -n "s/^$1=//p" "$2"; }

# Seed steps 4-6 at the primary, 9-11 at the partner.
psh outbound sip:bob@ims.primary.example >"$T_RUN/outbound.txt" 2>"$T_RUN/sh.err"
t_check "Sh: outbound identities allocated at the primary" grep -q '^impi=mig-[0-9]*@ims.primary.example$' "$T_RUN/outbound.txt"
o_impi=$(field impi "$T_RUN/outbound.txt")
o_impu=$(field impu "$T_RUN/outbound.txt")
psh outbound sip:bob@ims.primary.example >"$T_RUN/outbound2.txt" 2>>"$T_RUN/sh.err"
t_check "Sh: asking again returns the same binding" cmp -s "$T_RUN/outbound.txt" "$T_RUN/outbound2.txt"
psh outbound sip:nobody@ims.primary.example >/dev/null 2>>"$T_RUN/sh.err"
t_check "Sh: unknown user refused (exit 3)" test $? -eq 3
tsh inbound "$o_impi" "$o_impu" hss.primary.example primary.example >"$T_RUN/inbound.txt" 2>>"$T_RUN/sh.err"
t_check "Sh: inbound identities allocated at the partner" \
	grep -Eq '^impi=mcmig-[0-9a-f]{16}@ims.partner.example$' "$T_RUN/inbound.txt"
impi=$(field impi "$T_RUN/inbound.txt")
impu=$(field impu "$T_RUN/inbound.txt")
tsh inbound "$o_impi" "$o_impu" hss.rogue.example rogue.example >/dev/null 2>>"$T_RUN/sh.err"
t_check "Sh: inbound for an unknown primary refused (exit 4)" test $? -eq 4
ip netns exec "$MCMIG_NS_PRIMARY" "$sh" --identity cms.rogue.example --realm primary.example \
	--peer hss.primary.example --peer-realm primary.example --peer-addr 127.0.0.1 \
	--work-dir "$T_RUN" --timeout 1500 outbound sip:bob@ims.primary.example >/dev/null 2>>"$T_RUN/sh.err"
t_check "Sh: an unconfigured peer cannot connect (exit 5)" test $? -eq 5
t_check "bindings persisted at the primary" grep -q "^binding $o_impi $o_impu bob@ims.primary.example sip:bob@ims.primary.example\$" "$T_RUN/primary-sipdb.state"
t_check "bindings persisted at the partner" grep -q "^binding $impi $impu $o_impi $o_impu hss.primary.example\$" "$T_RUN/partner-sipdb.state"

# The partner PDN, as the agent brings it up.
ip -n "$MCMIG_NS_UE" addr add 198.51.100.2/24 dev wwan1
ip -n "$MCMIG_NS_UE" link set wwan1 up

n=0
sipp_run() { # scenario, extra args...
	local sf=$1
	shift
	n=$((n + 1))
	(cd "$T_RUN" && timeout 30 ip netns exec "$MCMIG_NS_UE" sipp 198.51.100.1:5060 -sf "$sippdir/$sf" \
		-m 1 -i 198.51.100.2 -p 5070 -key impi "$impi" -key impu "$impu" \
		-key domain ims.partner.example -au "$impi" -auth_uri ims.partner.example \
		-timeout 15s -timeout_error -nostdin -trace_msg -message_file "$T_RUN/sipp$n.msg" \
		"$@" >"$T_RUN/sipp$n.out" 2>&1 </dev/null)
}
final() { grep -E '^SIP/2.0 [2-6][0-9][0-9]' "$T_RUN/sipp$n.msg" | grep -v ' 100 ' | tail -n 1; }
mark() { wc -l <"$T_RUN/$1.log"; }
since() { tail -n +$(($2 + 1)) "$T_RUN/$1.log" | grep -q -- "$3"; }

pm=$(mark primary) tm=$(mark partner)
sipp_run register-aka.xml
t_check "SIPp registers with AKAv1-MD5 and an inbound identity (200 OK)" test $? -eq 0
t_check "the 200 OK is what SIPp got" bash -c "grep -q '^SIP/2.0 200' $T_RUN/sipp$n.msg"
t_check "partner SIP DB proxied the MAR with the outbound identities" \
	since partner "$tm" "MAR $impi: proxied to primary hss.primary.example as $o_impi / $o_impu"
t_check "primary SIP DB computed the vector for bob" since primary "$pm" "MAR $o_impi: outbound identity of bob@ims.primary.example"
t_check "partner SIP DB rewrote the MAA to the inbound identities" \
	since partner "$tm" "MAR $impi: answer from primary hss.primary.example (result 2001) rewritten to $impu"
t_check "SAR for the inbound identity" since partner "$tm" "SAR $impi / $impu: known"
t_check "SQN persisted at the primary" grep -Eq '^sqn bob@ims.primary.example [1-9][0-9]*$' "$T_RUN/primary-sipdb.state"

sipp_run register-aka-403.xml
t_check "a wrong RES gets 403" test $? -eq 0 -a "$(final | cut -d' ' -f2)" = 403

# A silent primary: the partner answers 5012 within its bound.
kill -STOP "$(cat "$T_RUN/primary.pid")"
tm=$(mark partner)
start=$(date +%s%N)
sipp_run register-refused.xml
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
kill -CONT "$(cat "$T_RUN/primary.pid")"
t_check "silent primary: registration refused ($(final))" test $rc -eq 0
t_check "silent primary: within the 3 s bound (+1 s) ($ms ms)" test "$ms" -ge 2900 -a "$ms" -le 4000
t_check "silent primary: partner answered 5012" since partner "$tm" "primary hss.primary.example failed, answering 5012"

sipp_run register-aka.xml
t_check "the primary back: registration works again" test $? -eq 0

# The bindings survive a restart of the primary SIP DB.
tm=$(mark partner)
$core stop "$T_RUN" primary >/dev/null
$core start "$T_RUN" primary >/dev/null 2>&1
psh outbound sip:bob@ims.primary.example >"$T_RUN/outbound3.txt" 2>>"$T_RUN/sh.err"
t_check "binding survives a primary restart" cmp -s "$T_RUN/outbound.txt" "$T_RUN/outbound3.txt"
t_wait_for "partner reconnects to the primary" 15 since partner "$tm" "peer hss.primary.example connected"

# Revocation at the primary (6.Y.3): the partner can no longer authenticate.
psh revoke sip:bob@ims.primary.example 2>>"$T_RUN/sh.err"
t_check "Sh: revocation accepted" test $? -eq 0
t_check "revocation persisted" bash -c "! grep -q '^binding $o_impi ' $T_RUN/primary-sipdb.state"
sipp_run register-refused.xml
t_check "after revocation the registration gets 403 ($(final))" test $? -eq 0 -a "$(final | cut -d' ' -f2)" = 403

# A stopped primary: refused quickly and cleanly.
$core stop "$T_RUN" primary >/dev/null
start=$(date +%s%N)
sipp_run register-refused.xml
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
t_check "stopped primary: registration refused within the bound ($(final), $ms ms)" test $rc -eq 0 -a "$ms" -le 4000

$core stop "$T_RUN" >"$T_RUN/stop.log" 2>&1
t_check "sipcore stop leaves none of its processes" \
	bash -c "! ip netns pids $MCMIG_NS_PARTNER | grep -q . && ! ip netns pids $MCMIG_NS_PRIMARY | grep -q ."
t_done
