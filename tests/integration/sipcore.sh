#!/bin/bash
# The bench's SIP side end to end with a UE nobody here wrote (SIPp): an
# inbound identity allocated over Sh registers with Digest AKAv1-MD5 at the
# partner's unmodified Kamailio P-CSCF -> I-CSCF (UAR) -> S-CSCF; the MAR goes
# partner SIP DB -> primary SIP DB and back. Wrong RES, silent and stopped
# primary, revocation (at the primary, then at the partner: RTR to the
# S-CSCF, which drops the registration).
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
	t_abort "topology up"
fi
. "$T_RUN/topology.env"
t_on_exit "$core stop $T_RUN"

# A primary subscriber holding SIPp's credentials: SIPp 3.6.1 uses the ASCII
# bytes of "mcmig-bench-k-01" / "mcmig-bench-op01" (OP, not OPc) and AMF "00".
# SIPp 3.6.1 treats RES as a C string and truncates it at a 00 byte (~3% of
# random RANDs; the S-CSCF, binary-safe, then rightly refuses): bob's vectors
# use one fixed RAND whose RES for these keys, 798bf0083c07c255, has none.
# carol (Milenage set 1) always gets the RAND of ims-aka.txt example A, so
# that example's AUTS (card SQN_MS 0x20) answers any of her challenges.
# A Cx test client (mcmig-cx) is allowed at both SIP DBs.
cat >"$T_RUN/primary-extra.conf" <<'EOT'
subscriber bob@ims.primary.example sip:bob@ims.primary.example k=6d636d69672d62656e63682d6b2d3031 op=6d636d69672d62656e63682d6f703031 amf=3030 rand=6d636d69672d62656e63682d72616e64
subscriber carol@ims.primary.example sip:carol@ims.primary.example k=465b5ce8b199b49faa5f0a2ee238a6bc opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 rand=23553cbe9637a89d218ae64dae47bf35
peer cx-test.primary.example cx
EOT
echo "peer cx-test.partner.example cx" >"$T_RUN/partner-extra.conf"

# NOTE 5: a second primary system behind the same partner, its SIP DB
# hss.primary2.example (realm primary2.example, identities
# ims.primary2.example) on port 3870 of the primary namespace; dan holds
# SIPp's credentials like bob. The partner routes MARs by identity realm.
cat >"$T_RUN/primary2.conf" <<EOT
role primary
identity hss.primary2.example
realm primary2.example
port 3870
listen 127.0.0.1
listen $MCMIG_PRIMARY_CORE_ADDR
state $T_RUN/primary2-sipdb.state
peer cms.primary2.example sh
peer hss.partner.example cx
pool sequential mig- ims.primary2.example 1 100
subscriber dan@ims.primary2.example sip:dan@ims.primary2.example k=6d636d69672d62656e63682d6b2d3031 op=6d636d69672d62656e63682d6f703031 amf=3030 rand=6d636d69672d62656e63682d72616e64
EOT
cat >>"$T_RUN/partner-extra.conf" <<EOT
peer hss.primary2.example $MCMIG_PRIMARY_CORE_ADDR 3870
primary hss.primary2.example primary2.example
route ims.primary2.example primary2.example
EOT
t_spawn primary2 ip netns exec "$MCMIG_NS_PRIMARY" "$T_BUILD/bench/mcmig-sipdb" "$T_RUN/primary2.conf"
t_setup "second primary SIP DB up" t_wait_for "second primary SIP DB" 10 grep -q "SIP DB up" "$T_RUN/primary2.log"

if ! $core start "$T_RUN" >"$T_RUN/sipcore.log" 2>&1; then
	cat "$T_RUN/sipcore.log"
	t_abort "SIP DBs, S-CSCF, I-CSCF and P-CSCF start"
fi
t_ok "SIP DBs, S-CSCF, I-CSCF and P-CSCF start"

# Nothing listens beyond the bench's addresses (no wildcard binds).
t_check "primary namespace: Diameter on 127.0.0.1 and 203.0.113.1 only (both primaries)" \
	test "$(ip netns exec "$MCMIG_NS_PRIMARY" ss -Hltn | awk '{print $4}' | sort | tr '\n' ' ')" = \
	"127.0.0.1:3868 127.0.0.1:3870 203.0.113.1:3868 203.0.113.1:3870 "
t_check "partner namespace: no wildcard listener" \
	bash -c "! ip netns exec $MCMIG_NS_PARTNER ss -Hltun | awk '{print \$5}' | grep -Eq '^(0\\.0\\.0\\.0|\\*|\\[::\\]):'"
t_check "P-CSCF listens on 198.51.100.1:5060 UDP and TCP" \
	bash -c "ip netns exec $MCMIG_NS_PARTNER ss -Hlun | grep -q 198.51.100.1:5060 &&
		ip netns exec $MCMIG_NS_PARTNER ss -Hltn | grep -q 198.51.100.1:5060"
t_check "the UE side has SIP on 5060 only (the P-CSCF)" \
	test "$(ip netns exec "$MCMIG_NS_PARTNER" ss -Hlutn | awk '{print $5}' | grep '^198\.51\.100\.' | sort -u)" = 198.51.100.1:5060
t_check "I-CSCF and S-CSCF listen on the partner's loopback (127.0.0.3, 127.0.0.4)" \
	bash -c "ip netns exec $MCMIG_NS_PARTNER ss -Hlun | grep -q 127.0.0.3:5060 &&
		ip netns exec $MCMIG_NS_PARTNER ss -Hlun | grep -q 127.0.0.4:5060"

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

pm=$(mark primary) tm=$(mark partner) sm=$(mark scscf) cm=$(mark pcscf)
sipp_run register-aka.xml
t_check "SIPp registers with AKAv1-MD5 and an inbound identity (200 OK)" test $? -eq 0
t_check "the 200 OK is what SIPp got" bash -c "grep -q '^SIP/2.0 200' $T_RUN/sipp$n.msg"
# The operator's chain (TS 24.229 5.2.2, 5.3.1.2): P-CSCF (Path,
# P-Visited-Network-ID) -> I-CSCF (UAR) -> S-CSCF, Service-Route back.
t_check "P-CSCF took the REGISTER from the UE to the I-CSCF" \
	since pcscf "$cm" "REGISTER $impu from 198.51.100.2:5070 (udp): to the I-CSCF"
t_check "I-CSCF asked the partner SIP DB (UAR) for the S-CSCF" since partner "$tm" "UAR $impi / $impu: known"
t_check "S-CSCF saw the P-CSCF's Path and P-Visited-Network-ID" since scscf "$sm" \
	"REGISTER $impu: authenticated (Path <sip:term@pcscf.partner.example:5060;lr>, P-Visited-Network-ID \"partner.example\")"
t_check "P-CSCF saved the contact with the S-CSCF's Service-Route" \
	since pcscf "$cm" "REGISTER $impu: 200, saved (Service-Route <sip:orig@scscf.partner.example:5060;lr>)"
t_check "the 401 reached the UE without ck=/ik= (the P-CSCF keeps them, TS 33.203)" \
	bash -c "grep -q '^SIP/2.0 401' $T_RUN/sipp$n.msg && ! grep -Eq '[ ,](ck|ik)=' $T_RUN/sipp$n.msg"
nonce=$(sed -n 's/^WWW-Authenticate: .*nonce="\([^"]*\)".*/\1/p' "$T_RUN/sipp$n.msg" | head -n 1)
t_check "the challenge carries the pinned RAND" \
	test "$(echo "$nonce" | base64 -d 2>/dev/null | head -c 16)" = mcmig-bench-rand
t_check "partner SIP DB proxied the MAR by the primary identity's realm (NOTE 5) with the outbound identities" \
	since partner "$tm" "MAR $impi: proxied to realm primary.example as $o_impi / $o_impu"
t_check "primary SIP DB computed the vector for bob" since primary "$pm" "MAR $o_impi: outbound identity of bob@ims.primary.example"
t_check "partner SIP DB rewrote the MAA to the inbound identities" \
	since partner "$tm" "MAR $impi: answer from primary hss.primary.example (result 2001) rewritten to $impu"
t_check "SAR for the inbound identity" since partner "$tm" "SAR $impi / $impu: known"
t_check "SQN persisted at the primary" grep -Eq '^sqn bob@ims.primary.example [1-9][0-9]*$' "$T_RUN/primary-sipdb.state"

# NOTE 5: dan of the second primary registers through the same partner; the
# partner SIP DB sends his MAR to realm primary2.example, not to the first
# primary.
p2sh() { ip netns exec "$MCMIG_NS_PRIMARY" "$sh" --identity cms.primary2.example --realm primary2.example \
	--peer hss.primary2.example --peer-realm primary2.example --peer-addr 127.0.0.1 --peer-port 3870 \
	--local-port 3871 --work-dir "$T_RUN" --timeout 3000 "$@"; }
t_wait_for "the partner SIP DB to reach the second primary" 15 \
	grep -q "peer hss.primary2.example connected" "$T_RUN/partner.log"
p2sh outbound sip:dan@ims.primary2.example >"$T_RUN/dan-out.txt" 2>>"$T_RUN/sh.err"
d_oimpi=$(field impi "$T_RUN/dan-out.txt")
tsh inbound "$d_oimpi" "$(field impu "$T_RUN/dan-out.txt")" hss.primary2.example primary2.example \
	>"$T_RUN/dan-in.txt" 2>>"$T_RUN/sh.err"
d_impi=$(field impi "$T_RUN/dan-in.txt")
t_check "second primary: outbound ($d_oimpi) and inbound ($d_impi) identities" \
	bash -c "[[ '$d_oimpi' == mig-*@ims.primary2.example && '$d_impi' == mcmig-*@ims.partner.example ]]"
pm=$(mark primary) tm=$(mark partner)
(
	impi=$d_impi impu=$(field impu "$T_RUN/dan-in.txt")
	sipp_run register-aka.xml
)
rc=$?
n=$((n + 1))
t_check "second primary: dan registers through the same partner (200 OK)" test $rc -eq 0
t_check "second primary: the MAR went by realm to primary2.example" \
	since partner "$tm" "MAR $d_impi: proxied to realm primary2.example as $d_oimpi"
t_check "second primary: Diameter realm routing delivered it to hss.primary2.example" \
	since partner "$tm" "MAR $d_impi: answer from primary hss.primary2.example (result 2001)"
t_check "second primary: its SIP DB computed the vector" \
	grep -q "MAR $d_oimpi: outbound identity of dan@ims.primary2.example" "$T_RUN/primary2.log"
t_check "second primary: the first primary saw nothing of it" \
	bash -c "! tail -n +$((pm + 1)) $T_RUN/primary.log | grep -q 'MAR '"

# NOTE 2 (static mode), the network side: without a partner CMS there are no
# inbound identities; bob registers at the partner with the primary's
# outbound identities as they are. The partner SIP DB knows them by their
# realm (route table) and has the primary authenticate them unchanged.
pm=$(mark primary) tm=$(mark partner)
(
	impi=$o_impi impu=$o_impu
	sipp_run register-aka.xml
)
rc=$?
n=$((n + 1))
t_check "static mode: bob registers with the outbound identity $o_impi (200 OK)" test $rc -eq 0
t_check "static mode: the I-CSCF's UAR for it answered by realm" since partner "$tm" "UAR $o_impi / $o_impu: known"
t_check "static mode: its MAR went to realm primary.example unchanged" \
	since partner "$tm" "MAR $o_impi: proxied to realm primary.example as $o_impi / $o_impu"
t_check "static mode: the primary authenticated its outbound identity" \
	since primary "$pm" "MAR $o_impi: outbound identity of bob@ims.primary.example"

sipp_run register-aka.xml -t t1
t_check "the same over TCP (200 OK)" test $? -eq 0 -a "$(final | cut -d' ' -f2)" = 200

sipp_run register-aka-403.xml
t_check "a wrong RES gets 403" test $? -eq 0 -a "$(final | cut -d' ' -f2)" = 403

# Cx directly (mcmig-cx as the S-CSCF would ask): resynchronisation through
# the proxy with ims-aka.txt example A (alice = Milenage set 1, card SQN_MS
# 0x20), and the identities present in error answers.
pcx() { ip netns exec "$MCMIG_NS_PRIMARY" "$T_BUILD/bench/mcmig-cx" --identity cx-test.primary.example \
	--realm primary.example --peer hss.primary.example --peer-realm primary.example \
	--peer-addr 127.0.0.1 --work-dir "$T_RUN" --timeout 4000 "$@"; }
tcx() { ip netns exec "$MCMIG_NS_PARTNER" "$T_BUILD/bench/mcmig-cx" --identity cx-test.partner.example \
	--realm partner.example --peer hss.partner.example --peer-realm partner.example \
	--peer-addr 127.0.0.1 --work-dir "$T_RUN" --timeout 4000 "$@"; }
$core bind "$T_RUN" sip:alice@ims.primary.example >"$T_RUN/alice-in.txt" 2>>"$T_RUN/sh.err"
t_check "sipcore.sh bind: outbound and inbound identities for alice" \
	bash -c "grep -Eqx 'outbound_impi=mig-[0-9]+@ims.primary.example' $T_RUN/alice-in.txt &&
		grep -Eqx 'impu=sip:mcmig-[0-9a-f]{16}@ims.partner.example' $T_RUN/alice-in.txt"
a_impi=$(field impi "$T_RUN/alice-in.txt")
a_impu=$(field impu "$T_RUN/alice-in.txt")
pm=$(mark primary)
tcx --resync 23553cbe9637a89d218ae64dae47bf35451e8beca41bf8ee589d46d835c9 mar "$a_impi" "$a_impu" \
	>"$T_RUN/cx-resync.txt" 2>>"$T_RUN/cx.err"
t_check "resync MAR via the partner: a vector for the inbound identities" \
	bash -c "grep -qx 'result=2001' $T_RUN/cx-resync.txt && grep -qx 'user_name=$a_impi' $T_RUN/cx-resync.txt &&
		grep -qx 'public_identity=$a_impu' $T_RUN/cx-resync.txt && grep -qx 'sip_authorization_len=8' $T_RUN/cx-resync.txt &&
		grep -qx 'sip_authenticate_len=32' $T_RUN/cx-resync.txt"
# TS 33.102 C.3.4 with 5 IND bits: SQN_MS 0x20 is SEQ 1, so the new vector
# takes SEQ 2 in alice's IND slot 0: SQN 0x40 (not 0x21, SEQ 1 again).
t_check "RAND||AUTS reached the primary unchanged: SQN resynchronised to SEQ_MS + 1" \
	bash -c "grep -qx 'sqn alice@ims.primary.example 64' $T_RUN/primary-sipdb.state"
t_check "primary logged the resynchronisation" since primary "$pm" "vector SQN 64 (SEQ 2, IND 0) after resync"
tcx --scheme Digest-AKAv2-MD5 mar "$a_impi" "$a_impu" >"$T_RUN/cx-akav2.txt" 2>>"$T_RUN/cx.err"
t_check "AKAv2 via the partner: the RFC 4169 password (24 characters) in SIP-Authorization" \
	bash -c "grep -qx 'scheme=Digest-AKAv2-MD5' $T_RUN/cx-akav2.txt && grep -qx 'sip_authorization_len=24' $T_RUN/cx-akav2.txt &&
		grep -qx 'user_name=$a_impi' $T_RUN/cx-akav2.txt"
tcx mar nobody@ims.partner.example sip:nobody@ims.partner.example >"$T_RUN/cx-unknown.txt" 2>>"$T_RUN/cx.err"
t_check "MAR for an unknown user: 5001 with User-Name and Public-Identity" \
	bash -c "grep -qx 'experimental=5001' $T_RUN/cx-unknown.txt &&
		grep -qx 'user_name=nobody@ims.partner.example' $T_RUN/cx-unknown.txt &&
		grep -qx 'public_identity=sip:nobody@ims.partner.example' $T_RUN/cx-unknown.txt"
tcx uar "$a_impi" "$a_impu" >"$T_RUN/cx-uar.txt" 2>>"$T_RUN/cx.err"
t_check "UAR for an inbound identity: first registration, S-CSCF name" \
	bash -c "grep -qx 'experimental=2001' $T_RUN/cx-uar.txt &&
		grep -qx 'server_name=sip:scscf.partner.example:5060' $T_RUN/cx-uar.txt"
tcx uar nobody@ims.partner.example sip:nobody@ims.partner.example >"$T_RUN/cx-uar2.txt" 2>>"$T_RUN/cx.err"
t_check "UAR for an unknown user: 5001" grep -qx 'experimental=5001' "$T_RUN/cx-uar2.txt"
pcx --scheme Digest-MD5 mar alice@ims.primary.example sip:alice@ims.primary.example >"$T_RUN/cx-scheme.txt" 2>>"$T_RUN/cx.err"
t_check "MAR with an unsupported scheme: 5006 with the identities" \
	bash -c "grep -qx 'experimental=5006' $T_RUN/cx-scheme.txt && grep -qx 'user_name=alice@ims.primary.example' $T_RUN/cx-scheme.txt"

ip netns exec "$MCMIG_NS_PRIMARY" "$sh" --identity cx-test.primary.example --realm primary.example \
	--peer hss.primary.example --peer-realm primary.example --peer-addr 127.0.0.1 \
	--work-dir "$T_RUN" --timeout 3000 outbound sip:bob@ims.primary.example >/dev/null 2>>"$T_RUN/sh.err"
t_check "Sh from a Cx-only peer refused (exit 4)" test $? -eq 4
ip netns exec "$MCMIG_NS_PRIMARY" "$T_BUILD/bench/mcmig-cx" --identity cms.primary.example \
	--realm primary.example --peer hss.primary.example --peer-realm primary.example \
	--peer-addr 127.0.0.1 --work-dir "$T_RUN" --timeout 3000 \
	mar alice@ims.primary.example sip:alice@ims.primary.example >"$T_RUN/cx-cms.txt" 2>>"$T_RUN/cx.err"
t_check "Cx from the Sh-only CMS refused (5003)" grep -qx 'result=5003' "$T_RUN/cx-cms.txt"

# Synchronisation failure through the S-CSCF: auts= from SIPp, MAR with
# RAND||AUTS partner -> primary, SQN resynchronised, a fresh 401.
$core bind "$T_RUN" sip:carol@ims.primary.example >"$T_RUN/carol-in.txt" 2>>"$T_RUN/sh.err"
c_out=$(field outbound_impi "$T_RUN/carol-in.txt")
pm=$(mark primary)
(
	impi=$(field impi "$T_RUN/carol-in.txt") impu=$(field impu "$T_RUN/carol-in.txt")
	sipp_run register-resync.xml
)
rc=$?
n=$((n + 1))
t_check "resync via the S-CSCF: auts answered with a fresh challenge" test $rc -eq 0
t_check "resync via the S-CSCF: the primary resynchronised carol to SEQ_MS + 1" \
	bash -c "grep -qx 'sqn carol@ims.primary.example 64' $T_RUN/primary-sipdb.state"
t_check "resync via the S-CSCF: MAR with RAND||AUTS reached the primary" since primary "$pm" "MAR $c_out: vector SQN 64 (SEQ 2, IND 0) after resync"

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
t_check "silent primary: partner answered 5012" since partner "$tm" "realm primary.example failed, answering 5012"

sipp_run register-aka.xml
t_check "the primary back: registration works again" test $? -eq 0

# The bindings survive a restart of the primary SIP DB.
tm=$(mark partner)
$core stop "$T_RUN" primary >/dev/null
$core start "$T_RUN" primary >/dev/null 2>&1
psh outbound sip:bob@ims.primary.example >"$T_RUN/outbound3.txt" 2>>"$T_RUN/sh.err"
t_check "binding survives a primary restart" cmp -s "$T_RUN/outbound.txt" "$T_RUN/outbound3.txt"
t_wait_for "partner reconnects to the primary" 15 since partner "$tm" "peer hss.primary.example connected"

# bob also registers from a second contact (port 5072) and subscribes to his
# reg event (RFC 3680) through the P-CSCF, which asserts his identity and
# follows the Service-Route to the S-CSCF; SIPp then waits for the NOTIFY of
# a network-initiated deregistration while the revocation below runs.
sub_msg=$T_RUN/sipp-subscribe.msg
(cd "$T_RUN" && timeout 40 ip netns exec "$MCMIG_NS_UE" sipp 198.51.100.1:5060 \
	-sf "$sippdir/register-subscribe-reg.xml" -m 1 -i 198.51.100.2 -p 5072 \
	-key impi "$impi" -key impu "$impu" -key domain ims.partner.example -au "$impi" \
	-auth_uri ims.partner.example -timeout 30s -timeout_error -nostdin -trace_msg \
	-message_file "$sub_msg" >"$T_RUN/sipp-subscribe.out" 2>&1 </dev/null) &
sub_pid=$!
t_wait_for "the reg-event subscription's first NOTIFY" 10 grep -q '^NOTIFY ' "$sub_msg"
t_check "reg event: SUBSCRIBE through the P-CSCF accepted, full reginfo NOTIFY (active)" \
	bash -c "grep -q '^SIP/2.0 200 Subscription to REG saved' $sub_msg &&
		grep -q '<registration aor=\"$impu\"[^>]*state=\"active\"' $sub_msg"
t_check "reg event: the P-CSCF asserted bob's identity to the S-CSCF" \
	grep -q "SUBSCRIBE reg $impu from $impu: 1" "$T_RUN/scscf.log"
(
	impu=sip:nobody@ims.partner.example
	sipp_run subscribe-reg-refused.xml
)
rc=$?
n=$((n + 1))
t_check "reg event: an identity not registered from that address is refused by the P-CSCF" \
	bash -c "[ $rc -eq 0 ] && grep -q '^SIP/2.0 403 Forbidden - identity not registered from here' $T_RUN/sipp$n.msg"

# Revocation at the primary (6.Y.3): the partner can no longer authenticate.
psh revoke sip:bob@ims.primary.example 2>>"$T_RUN/sh.err"
t_check "Sh: revocation accepted" test $? -eq 0
t_check "revocation persisted" bash -c "! grep -q '^binding $o_impi ' $T_RUN/primary-sipdb.state"

# The revocation reaching the partner (what the partner CMS does on the
# primary's revoke request, tests/bench/cms/README.md): the partner SIP DB
# drops the inbound binding and sends the S-CSCF holding the registration a
# Cx RTR (TS 29.228 6.1.3, Public-Identity present); the S-CSCF ends the
# registration at once (its NOTIFY to reg-event subscribers goes with it).
# The S-CSCF's contacts of bob's inbound IMPU: valid while registered; the
# RTR marks them deleted at once (usrloc's timer removes them later).
registered() { $core contacts "$T_RUN" "$impu" | grep -q '^sip:ue@198.51.100.2:5070;transport=UDP Contact valid$'; }
unregistered() { $core contacts "$T_RUN" "$impu" >"$T_RUN/contacts.txt" && ! grep -q 'Contact valid' "$T_RUN/contacts.txt"; }
t_check "before the revocation reaches the partner: registered at the S-CSCF" registered
t_check "the partner SIP DB knows the S-CSCF holding the registration (SAR)" \
	grep -q "^binding $impi .* scscf=scscf.partner.example\$" "$T_RUN/partner-sipdb.state"
tm=$(mark partner) sm=$(mark scscf)
tsh revoke-inbound "$o_impi" "$o_impu" hss.primary.example 2>>"$T_RUN/sh.err"
t_check "Sh: revocation at the partner accepted" test $? -eq 0
t_check "partner binding removed and persisted" bash -c "! grep -q '^binding $impi ' $T_RUN/partner-sipdb.state"
t_check "RTR to the S-CSCF with the inbound identities" \
	since partner "$tm" "RTR $impi / $impu to scscf.partner.example: PERMANENT_TERMINATION"
t_wait_for "the RTA" 5 since partner "$tm" "RTA from scscf.partner.example for $impi: result 2001"
t_check "the S-CSCF answered the RTR: RTA 2001" \
	since partner "$tm" "RTA from scscf.partner.example for $impi: result 2001"
t_check "Kamailio's log: the RTR handled" since scscf "$sm" "Received an IMS_RTR"
t_wait_for "the S-CSCF to drop the contacts" 5 unregistered
t_check "the S-CSCF dropped the contacts ($(tr '\n' ',' <"$T_RUN/contacts.txt"))" unregistered
wait "$sub_pid"
rc=$?
# Kamailio 5.6 (RTR): a full reginfo, the registration state="terminated"
# and no contact left in it (not a partial one with the contact's
# event="unregistered"). Each NOTIFY body is kept for the UE-side work.
awk -v d="$T_RUN" '/^NOTIFY /{n++; f=d "/reg-notify-" n ".xml"} /^<\?xml/{x=1} x&&f{print >f} /<\/reginfo>/{x=0}' "$sub_msg"
t_check "reg event: the subscriber got the deregistration NOTIFY (SIPp exit $rc)" test "$rc" -eq 0
t_check "reg event: its reginfo says the registration is terminated" \
	grep -q "<registration aor=\"$impu\"[^>]*state=\"terminated\"" "$T_RUN/reg-notify-2.xml"
t_check "reg event: that NOTIFY reached the UE through the P-CSCF" \
	grep -q "NOTIFY sip:ue@198.51.100.2:5072;transport=UDP from $MCMIG_SCSCF_ADDR:5060: in dialog" "$T_RUN/pcscf.log"
tm=$(mark partner)
tsh revoke-inbound "$o_impi" "$o_impu" hss.primary.example 2>>"$T_RUN/sh.err"
t_check "revocation at the partner is idempotent (exit 0 again)" test $? -eq 0
t_check "... no binding the second time, so no second RTR" bash -c \
	"tail -n +$((tm + 1)) $T_RUN/partner.log | grep -q 'no binding (revoked already)' &&
		! tail -n +$((tm + 1)) $T_RUN/partner.log | grep -q 'RTR $impi'"
sipp_run register-refused.xml
t_check "after revocation the registration gets 403 ($(final))" test $? -eq 0 -a "$(final | cut -d' ' -f2)" = 403

# Identities are never reused (monotonic allocation, persisted in the state
# file): bob's next migration gets a fresh mig-N, also after a restart.
psh outbound sip:bob@ims.primary.example >"$T_RUN/outbound4.txt" 2>>"$T_RUN/sh.err"
o2=$(field impi "$T_RUN/outbound4.txt")
t_check "after revocation a new identity ($o2), never the revoked $o_impi" \
	bash -c "[[ '$o2' =~ ^mig-[0-9]+@ims.primary.example\$ ]] && [ '$o2' != '$o_impi' ]"
psh revoke sip:bob@ims.primary.example 2>>"$T_RUN/sh.err"
$core stop "$T_RUN" primary >/dev/null
$core start "$T_RUN" primary >/dev/null 2>&1
psh outbound sip:bob@ims.primary.example >"$T_RUN/outbound5.txt" 2>>"$T_RUN/sh.err"
o3=$(field impi "$T_RUN/outbound5.txt")
t_check "after revocation and a restart a new identity ($o3), neither $o_impi nor $o2" \
	bash -c "[[ '$o3' =~ ^mig-[0-9]+@ims.primary.example\$ ]] && [ '$o3' != '$o_impi' ] && [ '$o3' != '$o2' ]"

# Stopping the S-CSCF ends every process of it (Kamailio's children hold its
# sockets), so that it restarts at once on the same port.
$core stop "$T_RUN" scscf >/dev/null
t_check "S-CSCF stop: nothing holds its address:5060 any more" \
	bash -c "! ip netns exec $MCMIG_NS_PARTNER ss -Hlnut src $MCMIG_SCSCF_ADDR:5060 | grep -q ."
$core start "$T_RUN" scscf >>"$T_RUN/sipcore.log" 2>&1
t_check "S-CSCF restarts at once on the same port" test $? -eq 0

# A stopped primary: refused quickly and cleanly.
$core stop "$T_RUN" primary >/dev/null
start=$(date +%s%N)
sipp_run register-refused.xml
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
t_check "stopped primary: registration refused within the bound ($(final), $ms ms)" test $rc -eq 0 -a "$ms" -le 4000

t_stop primary2
$core stop "$T_RUN" >"$T_RUN/stop.log" 2>&1
t_check "sipcore stop leaves none of its processes" \
	bash -c "! ip netns pids $MCMIG_NS_PARTNER | grep -q . && ! ip netns pids $MCMIG_NS_PRIMARY | grep -q ."
t_done
