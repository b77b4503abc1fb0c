#!/bin/bash
# `mcmigctl register` end to end: the bench card (software ISIM behind the real
# pcscd + vpcd) answers AUTHENTICATE, the partner's unmodified Kamailio S-CSCF
# challenges an inbound identity whose vector comes from the primary SIP DB
# through the partner SIP DB (seed steps 15-24). UDP and TCP, a forced sync
# failure (registers after resync), a MAC failure (gives up at the cap with a
# clear reason) and a revoked migration (403, refused).
. "$(dirname "$0")/../lib.sh"
t_init sip-register

topo=$T_TOP/tests/bench/topology.sh
core=$T_TOP/tests/bench/sipcore.sh
card=$T_TOP/tests/bench/card/card.sh
profiles=$T_TOP/tests/bench/card/profiles
sh=$T_BUILD/bench/mcmig-sh
ctl=$T_BUILD/bin/mcmigctl
export MCMIG_BUILD=$T_BUILD MCMIG_BENCH_ID=r$T_ID MCMIG_PROXY_TIMEOUT=3000

t_on_exit "$topo down $T_RUN"
if ! $topo up "$T_RUN" >"$T_RUN/topology.log" 2>&1; then
	cat "$T_RUN/topology.log"
	t_abort "topology up"
fi
. "$T_RUN/topology.env"
t_on_exit "$core stop $T_RUN"
# RFC 4169: for an AKAv2-MD5 challenge the SIP DB supplies the AKAv2 password
# (Kamailio 5.6.3 compares against whatever SIP-Authorization holds).
echo "akav2-password yes" >"$T_RUN/primary-subscribers.conf"
if ! $core start "$T_RUN" >"$T_RUN/sipcore.log" 2>&1; then
	cat "$T_RUN/sipcore.log"
	t_abort "SIP DBs and S-CSCF start"
fi

# Card profiles: the bench subscriber as it is (SQN = SEQ || IND with 5 IND
# bits, TS 33.102 Annex C, like the primary SIP DB's vectors); one whose SQN is
# far ahead of the primary SIP DB's (sync failure, then resync); one with
# another K (MAC failure).
mkdir -p "$T_RUN/profiles"
sed 's/^sqn_ms = .*/sqn_ms = 000000100000/' "$profiles/alice.ini" >"$T_RUN/profiles/ahead.ini"
sed 's/^k = .*/k = 00112233445566778899aabbccddeeff/' "$profiles/alice.ini" >"$T_RUN/profiles/wrongk.ini"
t_on_exit "$card stop $T_RUN"
if ! $card start "$T_RUN" "$profiles/alice.ini" >"$T_RUN/card-env" 2>"$T_RUN/card.err"; then
	cat "$T_RUN/card.err"
	t_abort "bench card start"
fi
export "$(grep '^PCSCLITE_CSOCK_NAME=' "$T_RUN/card-env")"
t_ok "SIP DBs, S-CSCF and bench card started"

psh() { ip netns exec "$MCMIG_NS_PRIMARY" "$sh" --identity cms.primary.example --realm primary.example \
	--peer hss.primary.example --peer-realm primary.example --peer-addr 127.0.0.1 \
	--work-dir "$T_RUN" --timeout 3000 "$@"; }
tsh() { ip netns exec "$MCMIG_NS_PARTNER" "$sh" --identity cms.partner.example --realm partner.example \
	--peer hss.partner.example --peer-realm partner.example --peer-addr 127.0.0.1 \
	--work-dir "$T_RUN" --timeout 3000 "$@"; }
field() { sed -n "s/^$1=//p" "$2"; }

# Seed steps 4-6 and 9-11: outbound identities at the primary, inbound at the partner.
psh outbound sip:alice@ims.primary.example >"$T_RUN/outbound.txt" 2>"$T_RUN/sh.err" ||
	t_abort "outbound identities at the primary SIP DB: $(tail -n 1 "$T_RUN/sh.err")"
tsh inbound "$(field impi "$T_RUN/outbound.txt")" "$(field impu "$T_RUN/outbound.txt")" \
	hss.primary.example primary.example >"$T_RUN/inbound.txt" 2>>"$T_RUN/sh.err" ||
	t_abort "inbound identities at the partner SIP DB: $(tail -n 1 "$T_RUN/sh.err")"
impi=$(field impi "$T_RUN/inbound.txt")
impu=$(field impu "$T_RUN/inbound.txt")
[ -n "$impi" ] && [ -n "$impu" ] || t_abort "inbound identities: none in $(cat "$T_RUN/inbound.txt")"
t_ok "inbound identities allocated ($impi)"

# The partner PDN as the agent brings it up (hal/netdev does this in mcmigd).
ip -n "$MCMIG_NS_UE" addr add 198.51.100.2/24 dev wwan1
ip -n "$MCMIG_NS_UE" link set wwan1 up

n=0
reg() { # extra args...; output in $T_RUN/reg$n.{json,err}, exit code in $rc
	n=$((n + 1))
	timeout 60 ip netns exec "$MCMIG_NS_UE" "$ctl" register --pcscf sip:198.51.100.1:5060 \
		--impi "$impi" --impu "$impu" --domain ims.partner.example --local 198.51.100.2 \
		--json -v "$@" >"$T_RUN/reg$n.json" 2>"$T_RUN/reg$n.err"
	rc=$?
}
json() { grep -q "$1" "$T_RUN/reg$n.json"; }
# flow: the transactions of reg$n's trace in order, one per CSeq (a UDP
# retransmission is no new one): R or A (its REGISTER carried auts=) and the
# final status, e.g. "R401 A401 R200 ".
flow() {
	awk 'function flush() {
		if (dir == "s" && auts) a[cseq] = 1
		if (dir == "r" && code && !(cseq in seen)) { seen[cseq] = 1; printf "%s%s ", (cseq in a) ? "A" : "R", code }
		code = ""
	}
	/^>>> sent/ { flush(); dir = "s"; auts = 0; next }
	/^<<< received/ { flush(); dir = "r"; next }
	dir == "s" && /^Authorization:.*auts="/ { auts = 1 }
	/^CSeq: / { cseq = $2 }
	dir == "r" && /^SIP\/2\.0 [2-6][0-9][0-9] / { code = $2 }
	END { flush() }' "$T_RUN/reg$n.err"
}
sent() { grep -c '^>>> sent' "$T_RUN/reg$n.err"; }

reg
t_check "UDP: registered and de-registered (exit $rc)" test $rc -eq 0
t_check "UDP: result registered, de-registration confirmed" \
	bash -c "grep -q '\"result\":\"registered\"' $T_RUN/reg$n.json && grep -q '\"deregistered\":true' $T_RUN/reg$n.json"
t_check "UDP: Service-Route from the S-CSCF" json '"service_route":"<sip:'
t_check "UDP: P-Associated-URI holds the inbound IMPU" json "\"associated_uris\":\"[^\"]*$impu"
t_check "UDP: Kamailio challenged with AKAv1-MD5" grep -q 'algorithm=AKAv1-MD5' "$T_RUN/reg$n.err"
# The P-CSCF strips CK/IK from the 401 (TS 33.203; the agent's own masking
# of them in its trace is tests/unit/test_sipmsg.c's test_redact).
t_check "UDP: no CK/IK reached the UE (P-CSCF)" bash -c "grep -q '^SIP/2.0 401' $T_RUN/reg$n.err && ! grep -Eq '[ ,](ck|ik)=' $T_RUN/reg$n.err"
t_check "UDP: Path of the P-CSCF reached the S-CSCF" \
	grep -q "REGISTER $impu: authenticated (Path <sip:term@pcscf.partner.example:5060;lr>" "$T_RUN/scscf.log"

reg --transport tcp
t_check "TCP: registered and de-registered (exit $rc)" test $rc -eq 0 -a "$(grep -c 'SIP/2.0/TCP' "$T_RUN/reg$n.err")" -ge 2

# Every vector takes the next SEQ (the card's array, 5 IND bits): several
# registrations in a row, none of them a sync failure or a resynchronisation.
pm=$(wc -l <"$T_RUN/primary.log")
for i in 1 2 3; do
	reg
	t_check "registration $i in a row: registered (exit $rc), no auts=" \
		bash -c "test $rc -eq 0 && ! grep -q 'auts=' $T_RUN/reg$n.err"
done
t_check "registrations in a row: the primary never resynchronised" \
	bash -c "! tail -n +$((pm + 1)) $T_RUN/primary.log | grep -q 'after resync'"
tail -n +$((pm + 1)) "$T_RUN/primary.log" | sed -n 's/.*vector SQN [0-9]* (SEQ \([0-9]*\), IND \([0-9]*\)).*/\1 \2/p' \
	>"$T_RUN/seq-in-a-row.txt"
t_check "registrations in a row: each vector one SEQ up, all in IND slot 0" \
	awk 'NR > 1 && $1 != prev + 1 || $2 != 0 { bad = 1 } { prev = $1 } END { exit bad || NR < 3 }' \
	"$T_RUN/seq-in-a-row.txt"

# AKAv2-MD5 (RFC 4169): the bench S-CSCF restarted with that challenge
# algorithm (sipcore.sh's MCMIG_SCSCF_ALGORITHM), then restarted as before.
$core stop "$T_RUN" scscf >/dev/null
if MCMIG_SCSCF_ALGORITHM=AKAv2-MD5 $core start "$T_RUN" scscf >>"$T_RUN/sipcore.log" 2>&1; then
	reg
	t_check "AKAv2: registered and de-registered (exit $rc)" test $rc -eq 0
	t_check "AKAv2: challenged and answered with AKAv2-MD5" \
		test "$(grep -c 'algorithm=AKAv2-MD5' "$T_RUN/reg$n.err")" -ge 4
else
	t_fail "S-CSCF start with MCMIG_SCSCF_ALGORITHM=AKAv2-MD5 (see sipcore.log)"
fi
$core stop "$T_RUN" scscf >/dev/null
MCMIG_SCSCF_ALGORITHM=AKAv3-SHA $core start "$T_RUN" scscf >>"$T_RUN/sipcore.log" 2>&1
rc=$?
t_check "an unknown MCMIG_SCSCF_ALGORITHM is refused, naming it (exit $rc)" \
	bash -c "test $rc -ne 0 && tail -n 1 $T_RUN/sipcore.log | grep -q \"MCMIG_SCSCF_ALGORITHM 'AKAv3-SHA'\""
$core start "$T_RUN" scscf >>"$T_RUN/sipcore.log" 2>&1 || t_abort "S-CSCF restart (see sipcore.log)"

# The card has seen SQNs far beyond the primary SIP DB's (its profile's
# sqn_ms, the initial state while it has no state file): it answers AUTS; the
# UE sends auts= with the empty-password response (RFC 3310 3.4) and the
# primary resynchronises.
$card swap "$T_RUN" 0 "$T_RUN/profiles/ahead.ini" >>"$T_RUN/card-swap.log" 2>&1 || t_abort "card swap to $T_RUN/profiles/ahead.ini"
pm=$(wc -l <"$T_RUN/primary.log")
reg
f=$(flow)
t_check "sync failure: registered in one attempt after the resync (exit $rc)" test $rc -eq 0
t_check "the restarted S-CSCF challenges with AKAv1-MD5 again" grep -q 'algorithm=AKAv1-MD5' "$T_RUN/reg$n.err"
t_check "sync failure: 401, auts= REGISTER, a fresh 401, then 200 ($f)" test "${f:0:15}" = "R401 A401 R200 "
t_check "sync failure: exactly one REGISTER carried auts=" test "$(grep -o A <<<"$f" | wc -l)" -eq 1
t_check "sync failure: the primary SIP DB resynchronised once from the AUTS" \
	test "$(tail -n +$((pm + 1)) "$T_RUN/primary.log" | grep -c 'after resync')" -eq 1

# Another K: the card finds the network's MAC invalid; response="" until the cap.
$card swap "$T_RUN" 0 "$T_RUN/profiles/wrongk.ini" >>"$T_RUN/card-swap.log" 2>&1 || t_abort "card swap to $T_RUN/profiles/wrongk.ini"
reg
t_check "MAC failure: gives up with exit 5 (got $rc)" test $rc -eq 5
t_check "MAC failure: clear reason" json 'network authentication failed: MAC invalid'
t_check "MAC failure: bounded number of REGISTERs ($(sent))" test "$(sent)" -le 4

# Revocation at the primary (6.Y.3): the partner refuses the inbound identity.
$card swap "$T_RUN" 0 "$profiles/alice.ini" >>"$T_RUN/card-swap.log" 2>&1 || t_abort "card swap to $profiles/alice.ini"
psh revoke sip:alice@ims.primary.example 2>>"$T_RUN/sh.err"
reg
t_check "revoked: refused with exit 6 (got $rc)" test $rc -eq 6
t_check "revoked: the reason carries the 403" json '"reason":"403 '

# Nothing listens on that port: the ICMP error ends the transaction (RFC 3261 18.4).
reg --pcscf sip:198.51.100.1:5099
t_check "closed port: failure with exit 1 (got $rc)" test $rc -eq 1
t_check "closed port: the reason says unreachable" json '"reason":"P-CSCF unreachable'

t_done
