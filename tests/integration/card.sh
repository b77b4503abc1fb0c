#!/bin/bash
# UICC end to end: mcmigctl card / hal/uicc -> libpcsclite -> a private, real
# pcscd -> vsmartcard vpcd -> mcmig-vcard (tests/bench/card/card.sh).
# Vectors: tests/bench/card/vectors (milenage.txt = TS 35.208, ims-aka.txt).
. "$(dirname "$0")/../lib.sh"
t_init card

card=$T_TOP/tests/bench/card/card.sh
profiles=$T_TOP/tests/bench/card/profiles
vectors=$T_TOP/tests/bench/card/vectors/milenage.txt
ctl=$T_BUILD/bin/mcmigctl
auts_check=$T_BUILD/bench/auts-check
probe=$T_BUILD/bench/uicc-probe
export MCMIG_BUILD=$T_BUILD

A_RAND=23553cbe9637a89d218ae64dae47bf35
A_AUTN=55f328b43577b9b94a9ffac354dfafb3
A_RES=a54211d5e3ba50bf
A_CK=b40ba9a3c58b2a05bbf0d987b21bf8cb
A_IK=f769bcd751044604127672711c6d3441
A_AUTS=451e8beca41bf8ee589d46d835c9
K1=465b5ce8b199b49faa5f0a2ee238a6bc
OPC1=cd63cb71954a9f4e48a5994e37a02baf

# field VECTOR NAME: one value of milenage.txt
field() {
	awk -v v="[vector $1]" -v k="$2" '$0 == v { on = 1; next } /^\[/ { on = 0 } on && $1 == k { print $2 }' "$vectors"
}

# xor48 A B: two 12-hex-digit values
xor48() {
	printf '%012x' $((0x$1 ^ 0x$2))
}

# profile NAME EXTRA-SED: a copy of alice.ini in the run dir, edited
profile() {
	local f="$T_RUN/$1.ini"
	sed "$2" "$profiles/alice.ini" >"$f"
	echo "$f"
}

swap() {
	"$card" swap "$T_RUN" 0 "$1" >>"$T_RUN/card.sh.log" 2>&1
}

# has TEXT PATTERN...: TEXT matches every (grep) pattern
has() {
	local t=$1 p
	shift
	for p; do
		grep -q -- "$p" <<<"$t" || return 1
	done
}

# json_field JSON KEY: a string value of our flat JSON output
json_field() {
	sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$1"
}

out=$("$card" start "$T_RUN" "$profiles/alice.ini" 2>"$T_RUN/card.sh.log") || {
	cat "$T_RUN/card.sh.log"
	t_abort "card.sh start"
}
t_on_exit "$card stop $T_RUN"
export "${out?}"
t_check "card.sh printed PCSCLITE_CSOCK_NAME" test -S "$PCSCLITE_CSOCK_NAME"

# The real pcsc_scan lists the reader and the bench card's ATR (it loops: bounded).
scan=$(timeout 10 pcsc_scan -n -t 3 2>&1 || true)
echo "$scan" >"$T_RUN/pcsc_scan.log"
t_check "pcsc_scan lists Virtual PCD 00 00 with the card" \
	grep -q "Virtual PCD 00 00" <<<"$scan"
t_check "pcsc_scan shows the card's ATR" grep -qi "ATR: 3B 80 01 81" <<<"$scan"

# card info: identities from the ISIM, text and JSON.
info=$("$ctl" card info --timeout 5000 2>&1)
echo "$info" >"$T_RUN/info.txt"
t_check "card info: IMPI" grep -q "^impi: *alice@ims.primary.example$" <<<"$info"
t_check "card info: both IMPUs in record order" \
	test "$(grep '^impu:' <<<"$info" | awk '{print $2}' | paste -sd' ')" = "sip:alice@ims.primary.example tel:+15550100"
t_check "card info: domain, IST with MCPTT, P-CSCFs" \
	has "$info" "^domain: *ims.primary.example$" "^mcptt: *yes$" "^pcscf: *ipv4 192.0.2.1$"
json=$("$ctl" card info --json 2>&1)
t_check "card info --json: ISIM on a logical channel" \
	has "$json" '"application":"isim"' '"logical_channel":true' '"services":\[1,15\]'
t_check "card info --reader with a non-matching name: exit 3" \
	bash -c '"$0" card info --reader "No Such Reader" --timeout 500; test $? -eq 3' "$ctl"

# EF_P-CSCF in every form real cards hold (TS 31.103 4.2.8): binary as current
# pySim writes it, binary after older pySim's unused FF octet, text; IPv4 and
# IPv6; one card with the binary forms, one with the text forms and a record
# of an unknown type 07, which is reported and skipped (optional EF).
swap "$(profile pcscf-binary "/^pcscf = /d; /^\[usim\]/i pcscf = ipv4:192.168.12.34\npcscf = ipv4-ff:192.168.12.35\npcscf = ipv6:2001:db8::5\npcscf = ipv6-ff:2001:db8::6\n")"
info=$("$ctl" card info 2>&1)
echo "$info" >"$T_RUN/info-pcscf-binary.txt"
t_check "EF_P-CSCF binary (pySim) and FF-prefixed (older pySim), IPv4 and IPv6" \
	test "$(grep '^pcscf:' <<<"$info" | sed 's/^pcscf: *//' | paste -sd,)" = \
	"ipv4 192.168.12.34,ipv4 192.168.12.35,ipv6 2001:db8::5,ipv6 2001:db8::6"
t_check "EF_P-CSCF binary: no warning, identities read" \
	bash -c '! grep -q "^warning:" <<<"$0" && grep -q "^impi: *alice@ims.primary.example$" <<<"$0"' "$info"
swap "$(profile pcscf-text "/^pcscf = /d; /^\[usim\]/i pcscf = fqdn:pcscf.ims.primary.example\npcscf = ipv4-text:192.0.2.7\npcscf = raw:800507c0a80c22\npcscf = ipv6-text:2001:db8::7\n")"
info=$("$ctl" card info 2>&1)
rc=$?
echo "$info" >"$T_RUN/info-pcscf-text.txt"
t_check "EF_P-CSCF FQDN and text addresses (exit $rc)" test "$rc" -eq 0 -a \
	"$(grep '^pcscf:' <<<"$info" | sed 's/^pcscf: *//' | paste -sd,)" = \
	"fqdn pcscf.ims.primary.example,ipv4 192.0.2.7,ipv6 2001:db8::7"
t_check "unparseable EF_P-CSCF record: reported by name with its octets, identities still read" \
	has "$info" "^warning: *EF_P-CSCF record 3 skipped (malformed answer from the card): 800507c0a80c22ff" \
	"^impi: *alice@ims.primary.example$" "^domain: *ims.primary.example$" \
	"^impu: *sip:alice@ims.primary.example$" "^mcptt: *yes$"
json=$("$ctl" card info --json 2>&1)
t_check "card info --json carries the warning" has "$json" \
	'"warnings":\[{"ef":"EF_P-CSCF","record":3,"reason":"malformed answer from the card","raw":"800507c0a80c22ff' \
	'"pcscf":\[{"type":"fqdn","address":"pcscf.ims.primary.example"},{"type":"ipv4","address":"192.0.2.7"},{"type":"ipv6","address":"2001:db8::7"}\]'

# AUTHENTICATE for all six TS 35.208 vectors: one profile per vector (its K and
# OPc, SQN state one SEQ below the vector's SQN, same IND), AUTN built from the
# vector's own f5 and f1; RES, CK and IK must be the vector's f2, f3, f4.
for v in 1 2 3 4 5 6; do
	sqn=$(field $v SQN)
	p=$(profile "vector$v" "s/^k = .*/k = $(field $v K)/; s/^opc = .*/opc = $(field $v OPc)/; s/^sqn_ms = .*/sqn_ms = $(printf '%012x' $((0x$sqn - 32)))/")
	swap "$p"
	autn=$(xor48 "$sqn" "$(field $v f5)")$(field $v AMF)$(field $v f1)
	j=$("$ctl" card auth "$(field $v RAND)" "$autn" --json 2>&1)
	t_check "vector $v: RES, CK, IK exact" test "$j" = \
		"{\"result\":\"ok\",\"res\":\"$(field $v f2)\",\"ck\":\"$(field $v f3)\",\"ik\":\"$(field $v f4)\"}"
done

# Replaying vector 6's challenge: its SQN is no longer fresh (SEQ/IND array):
# sync failure, and libosmocore recovers SQN_MS = vector 6's SQN from the AUTS.
v=6
autn=$(xor48 "$(field $v SQN)" "$(field $v f5)")$(field $v AMF)$(field $v f1)
j=$("$ctl" card auth "$(field $v RAND)" "$autn" --json)
rc=$?
auts=$(json_field "$j" auts)
t_check "replayed challenge: sync failure, exit 4" test "$rc" -eq 4 -a -n "$auts"
t_check "replayed challenge: libosmocore verifies MAC-S and gets SQN_MS" test \
	"$("$auts_check" "$(field $v K)" "$(field $v OPc)" "$(field $v RAND)" "$auts")" = "sqn_ms $(field $v SQN)"

# ims-aka.txt example A: mcmigctl prints its RES, CK, IK.
swap "$profiles/example-a.ini"
out=$("$ctl" card auth "$A_RAND" "$A_AUTN")
t_check "mcmigctl card auth, example A: RES, CK, IK" test "$out" = \
	"$(printf 'res: %s\nck:  %s\nik:  %s' $A_RES $A_CK $A_IK)"

# Example A's sync failure: SQN_MS 000000000020 gives exactly example A's AUTS.
p=$(profile sync "s/^sqn_ms = .*/sqn_ms = 000000000020/")
swap "$p"
out=$("$ctl" card auth "$A_RAND" "$A_AUTN")
rc=$?
t_check "example A sync failure: exit 4 and AUTS $A_AUTS" test "$rc" -eq 4 -a \
	"$out" = "$(printf 'sync-failure\nauts: %s' $A_AUTS)"
t_check "example A sync failure: libosmocore verifies the AUTS (SQN_MS 000000000020)" test \
	"$("$auts_check" $K1 $OPC1 $A_RAND $A_AUTS)" = "sqn_ms 000000000020"

# The profile's sqn_ms is the initial SQN state while no state file exists
# (fresh profile names: card.sh keeps RUN_DIR/card/<name>.sqn). Example A's
# SQN ff9bb4d0b607 (IND 7) is used already when it equals sqn_ms or lies below
# it (same SEQ, sqn_ms in IND slot 8), and fresh above it (sqn_ms in slot 6).
for case in "b607 4 equal" "b608 4 below" "b606 0 above"; do
	set -- $case
	swap "$(profile "initial-$3" "s/^sqn_ms = .*/sqn_ms = ff9bb4d0$1/")"
	out=$("$ctl" card auth "$A_RAND" "$A_AUTN" --json)
	rc=$?
	t_check "profile sqn_ms ff9bb4d0$1 without state file, SQN ff9bb4d0b607 $3: exit $2 (got $rc)" \
		test "$rc" -eq "$2"
	[ "$2" -ne 4 ] || t_check "profile sqn_ms ff9bb4d0$1: the AUTS carries it as SQN_MS" test \
		"$("$auts_check" $K1 $OPC1 $A_RAND "$(json_field "$out" auts)")" = "sqn_ms ff9bb4d0$1"
done

# MAC failure: one bit of MAC-A flipped.
bad=${A_AUTN:0:31}$(printf '%x' $((0x${A_AUTN:31:1} ^ 1)))
out=$("$ctl" card auth "$A_RAND" "$bad" --json)
rc=$?
t_check "MAC failure: exit 5, mac-failure" test "$rc" -eq 5 -a "$out" = '{"result":"mac-failure"}'

# The ISIM listed second in EF_DIR.
swap "$(profile second "s/^apps = .*/apps = usim isim/; s/^sqn_ms = .*/sqn_ms = ff9bb4d0b5e7/")"
json=$("$ctl" card info --json)
t_check "ISIM second: EF_DIR order kept, ISIM selected" \
	has "$json" '"applications":\[{"aid":"a0000000871002ff49ff0589","type":"usim"' \
	'"application":"isim"' '"impi":"alice@ims.primary.example"'
j=$("$ctl" card auth $A_RAND $A_AUTN --json)
t_check "ISIM second: AUTHENTICATE" test "$(json_field "$j" res)" = $A_RES

# USIM-only card: TS 23.003 identities from the IMSI, AUTHENTICATE on the USIM.
swap "$(profile usim "s/^apps = .*/apps = usim/; s/^imsi = .*/imsi = 001010000000002/; s/^sqn_ms = .*/sqn_ms = ff9bb4d0b5e7/")"
info=$("$ctl" card info)
t_check "USIM only: IMPI from the IMSI" \
	grep -q "^impi: *001010000000002@ims.mnc001.mcc001.3gppnetwork.org$" <<<"$info"
t_check "USIM only: temporary IMPU and home domain" has "$info" \
	"^impu: *sip:001010000000002@ims.mnc001.mcc001.3gppnetwork.org$" \
	"^domain: *ims.mnc001.mcc001.3gppnetwork.org$" "^selected: *usim"
j=$("$ctl" card auth $A_RAND $A_AUTN --json)
t_check "USIM only: AUTHENTICATE (3G context)" test "$(json_field "$j" ck)" = $A_CK

# T=0 card answering 61xx: GET RESPONSE done by hal/uicc, not by pcsc-lite.
swap "$(profile t0 "s/^t0 = .*/t0 = yes/; s/^atr = .*/atr = 3b00/; s/^sqn_ms = .*/sqn_ms = ff9bb4d0b5e7/")"
json=$("$ctl" card info --json)
t_check "T=0 card: card info" grep -q '"impi":"alice@ims.primary.example"' <<<"$json"
j=$("$ctl" card auth $A_RAND $A_AUTN --json)
t_check "T=0 card: AUTHENTICATE through 61xx + GET RESPONSE" test "$(json_field "$j" ik)" = $A_IK
t_check "T=0 card: the card did answer 61xx and got GET RESPONSE" \
	bash -c 'grep -q "88 00 81 (40) -> SW 612c" "$0" && grep -q " c0 00 00 (5) -> SW 9000 (44 bytes)" "$0"' "$T_RUN/card/card0.log"

# A card refusing logical channels: everything on the basic channel.
swap "$(profile nochan "s/^refuse_logical_channels = .*/refuse_logical_channels = yes/; s/^sqn_ms = .*/sqn_ms = ff9bb4d0b5e7/")"
json=$("$ctl" card info --json)
t_check "no logical channels: basic channel" \
	has "$json" '"logical_channel":false' '"impi":"alice@ims.primary.example"'
j=$("$ctl" card auth $A_RAND $A_AUTN --json)
t_check "no logical channels: AUTHENTICATE" test "$(json_field "$j" res)" = $A_RES
# The basic channel is shared: another client (the real scriptor from
# pcsc-tools) selects the MF there between two calls of one open handle.
mkfifo "$T_RUN/probe2.in"
t_spawn probe2 bash -c 'exec "$0" <"$1" 2>"$2"' "$probe" "$T_RUN/probe2.in" "$T_RUN/probe2.err"
exec 4>"$T_RUN/probe2.in"
t_on_exit "exec 4>&-"
t_wait_for "uicc-probe ready" 10 grep -q "^ready" "$T_RUN/probe2.log"
echo "00 A4 00 04 02 3F 00" | timeout 10 scriptor -r "Virtual PCD 00 00" >"$T_RUN/scriptor.log" 2>&1
t_check "scriptor selects the MF on the basic channel" grep -q "^< 62 .* 90 00" "$T_RUN/scriptor.log"
echo "auth $A_RAND $bad" >&4
t_wait_for "probe2's answer" 10 bash -c '[ $(wc -l <"$0") -ge 2 ]' "$T_RUN/probe2.log"
t_check "no logical channels: the handle selects its ISIM again (MAC failure seen)" \
	test "$(sed -n 2p "$T_RUN/probe2.log")" = mac
exec 4>&-
t_stop probe2

# The card killed in the middle of AUTHENTICATE, with one hal/uicc handle kept
# open (uicc-probe): a clean error, then the next call reconnects to the
# restarted card, which remembered its SQN (replay = sync failure).
slow=$(profile slow "s/^auth_delay_ms = .*/auth_delay_ms = 1500/; s/^sqn_ms = .*/sqn_ms = ff9bb4d0b5e7/")
swap "$slow"
mkfifo "$T_RUN/probe.in"
# stdout (one line per answer) apart from the backend's stderr log lines.
t_spawn probe bash -c 'exec "$0" <"$1" 2>"$2"' "$probe" "$T_RUN/probe.in" "$T_RUN/probe.err"
exec 3>"$T_RUN/probe.in"
t_on_exit "exec 3>&-"
t_wait_for "uicc-probe ready" 10 grep -q "^ready" "$T_RUN/probe.log"
echo "auth $A_RAND $A_AUTN" >&3
t_wait_for "AUTHENTICATE reaching the card" 10 grep -q "holding the answer" "$T_RUN/card/card0.log"
"$card" kill-card "$T_RUN" 0
t_wait_for "probe's answer" 10 bash -c '[ $(wc -l <"$0") -ge 2 ]' "$T_RUN/probe.log"
t_check "card killed mid-command: clean -errno" \
	bash -c 'sed -n 2p "$0" | grep -Eq "^error -[0-9]+ "' "$T_RUN/probe.log"
t_check "the probe survived" kill -0 "$(t_pid probe)"
# Same profile file name, same SQN state file; the killed card had saved nothing.
sed -i "s/^auth_delay_ms = .*/auth_delay_ms = 0/" "$slow"
swap "$slow"
echo "auth $A_RAND $A_AUTN" >&3
t_wait_for "probe's second answer" 10 bash -c '[ $(wc -l <"$0") -ge 3 ]' "$T_RUN/probe.log"
t_check "next call reconnects and authenticates" test "$(sed -n 3p "$T_RUN/probe.log")" = "ok res=$A_RES"
"$card" kill-card "$T_RUN" 0
swap "$slow"
echo "auth $A_RAND $A_AUTN" >&3
t_wait_for "probe's third answer" 10 bash -c '[ $(wc -l <"$0") -ge 4 ]' "$T_RUN/probe.log"
t_check "a restarted card remembers its SQN (replay: sync failure)" \
	bash -c 'sed -n 4p "$0" | grep -q "^sync auts="' "$T_RUN/probe.log"

# A card that never answers: every call ends within its bound, twice the
# card bound given by --timeout (agent/card.c; pcsc-lite itself would wait
# for the card), with -ETIMEDOUT, exit 3.
swap "$(profile stall "s/^auth_delay_ms = .*/auth_delay_ms = 6000/; s/^sqn_ms = .*/sqn_ms = ff9bb4d0b5e7/")"
t0=$(date +%s%N)
"$ctl" card auth $A_RAND $A_AUTN --timeout 1000 >"$T_RUN/stall.out" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
t_check "stalled card: exit 3 after the 2 x 1000 ms bound (${ms} ms)" test "$rc" -eq 3 -a "$ms" -lt 2500
t_check "stalled card: says so" grep -q "did not answer in time" "$T_RUN/stall.out"
t0=$(date +%s%N)
"$ctl" card info --timeout 1000 >"$T_RUN/stall2.out" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
t_check "reader still busy with it: the next call is bounded too (${ms} ms, exit $rc)" \
	test "$rc" -eq 3 -a "$ms" -lt 3000
swap "$slow"

# pcscd restarted under an open handle: the next call reconnects (at most one
# clean error while the daemon comes back).
"$card" restart-pcscd "$T_RUN" >>"$T_RUN/card.sh.log" 2>&1
bad=${A_AUTN:0:31}$(printf '%x' $((0x${A_AUTN:31:1} ^ 1)))
echo "auth $A_RAND $bad" >&3
t_wait_for "probe's answer after the pcscd restart" 15 bash -c '[ $(wc -l <"$0") -ge 5 ]' "$T_RUN/probe.log"
line=$(sed -n 5p "$T_RUN/probe.log")
if [ "$line" != mac ]; then
	echo "auth $A_RAND $bad" >&3
	t_wait_for "probe's retry after the pcscd restart" 15 bash -c '[ $(wc -l <"$0") -ge 6 ]' "$T_RUN/probe.log"
	line="$line / $(sed -n 6p "$T_RUN/probe.log")"
fi
t_check "pcscd restarted: the handle reconnects ($line)" \
	bash -c '[[ $0 == mac || $0 =~ ^error\ -[0-9]+.*\ /\ mac$ ]]' "$line"
exec 3>&-
t_stop probe

t_done
