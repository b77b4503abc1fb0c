#!/bin/bash
# mcmigctl check on the bench (tests/bench/bench-up.sh): every line OK, then
# each FAIL and WARN provoked the way a field tester meets it, checking the
# exact line and the exit code (0: a migration can start; 1: it cannot):
# an invalid configuration, an unknown board, no reader, a card without
# ISIM, EF_IST without service 15, mcmigd not running, the modem's proxy
# gone, registration denied and another PLMN, the primary PDN down, the CMS
# with a certificate the configured CA did not sign, a refused token, a
# token file others may read, no partner record, an expired one; a CMS
# failure with a valid record stored is only a WARN.
. "$(dirname "$0")/../lib.sh"
t_init check

. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
# The primary PDN's netdev, checked on demand (no trigger: migrate= stays false).
bench_extra_config() {
	printf '[primary]\nplmn=001-01\nnetdev=%s\n' "$MCMIG_UE_PRIMARY_IF"
}
bench_up k$T_ID
CONF=$T_RUN/mcmig.conf
PARTNER=urn:mcmig:system:partner
REC=$T_RUN/state/partners/urn_3amcmig_3asystem_3apartner.xml

n=0
# check [CONF [ARGS...]]: mcmigctl check from the UE namespace (where mcmigd
# runs and the CMS is reached); output in $out, exit code in $rc.
check() {
	local conf=${1:-$CONF}
	[ $# -gt 0 ] && shift
	n=$((n + 1))
	out=$T_RUN/check$n.txt
	ip netns exec "$UE" "$CTL" check -c "$conf" "$@" >"$out" 2>"$T_RUN/check$n.err"
	rc=$?
}
# line DESC EXACT-LINE: the output has this line.
line() {
	t_check "$1: '$2' (check$n.txt)" grep -qxF -- "$2" "$out"
}
# exits DESC CODE
exits() {
	t_check "$1: exit $2 (got $rc)" test "$rc" -eq "$2"
}
# conf_with SED-EXPR...: a copy of the configuration, changed.
conf_with() {
	local f=$T_RUN/conf$n.conf
	sed "$@" "$CONF" >"$f"
	echo "$f"
}

url=$MCMIG_CMS_URL
check
cat "$out"
exits "all OK but no partner record yet" 0
line "configuration" "OK    configuration    $CONF valid"
line "board" "OK    board            bench (mcmig bench (emulated modem and card)): modem qmi /dev/cdc-wdm0, partner netdev wwan1, reader Virtual PCD"
line "reader" "OK    reader           Virtual PCD 00 00"
line "ISIM" "OK    ISIM             IMPI alice@ims.primary.example, IMPU sip:alice@ims.primary.example (and more), domain ims.primary.example"
line "EF_IST" "OK    IST service 15   MCPTT available (EF_IST 0140)"
line "mcmigd" "OK    mcmigd           org.mcmig.Agent1 on the session bus"
line "modem" "OK    modem            qmi /dev/cdc-wdm0 open (proxy mcmig-qmi-$T_ID)"
line "serving network" "OK    serving network  001-01 registered (home), TAC 17"
line "primary PDN" "OK    primary PDN      wwan0 up"
line "no partner record" "WARN  partner records  no valid partner configuration stored: a migration asks the CMS first"
line "CMS" "OK    CMS              $url: TLS verified, token accepted (HTTP 400 to an empty request)"
line "verdict" "ready: a migration can start"
t_check "no secret in the output" bash -c "! grep -qF \"\$(cat '$MCMIG_CMS_TOKEN_FILE')\" '$out'"

# --json: the same rows.
check "$CONF" --json
exits "--json" 0
t_check "--json: ready, each row (python json)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ready"] is True
r = {c["check"]: c["result"] for c in d["checks"]}
assert r["modem"] == "ok" and r["partner records"] == "warn" and r["CMS"] == "ok", r
' "$out"

# The CMS's certificate signed by another CA than the configured one.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other-ca \
	-keyout "$T_RUN/other-ca.key" -out "$T_RUN/other-ca.crt" >/dev/null 2>&1 || t_abort "another CA"
badca=$(conf_with "s|^ca-file=.*|ca-file=$T_RUN/other-ca.crt|")
check "$badca"
exits "CMS certificate not from the configured CA" 1
t_check "CMS certificate not from the configured CA: FAIL CMS, TLS not verified" \
	grep -qx "FAIL  CMS              $url: TLS not verified: .*" "$out"
line "its remedy" "                       -> [cmc] ca-file must hold the CA that signed the CMS's certificate, whose name must be the URL's host"
line "verdict" "not ready: 1 check failed"

# A token the CMS does not know, then a token file others may read.
printf 'not-the-token\n' >"$T_RUN/other.token"
chmod 600 "$T_RUN/other.token"
check "$(conf_with "s|^token-file=.*|token-file=$T_RUN/other.token|")"
exits "token refused" 1
line "token refused" "FAIL  CMS              $url: TLS verified, token refused (HTTP 401)"
chmod 644 "$T_RUN/other.token"
check "$(conf_with "s|^token-file=.*|token-file=$T_RUN/other.token|")"
exits "token file readable by others" 1
line "token file readable by others" "FAIL  CMS              token file $T_RUN/other.token is accessible to others (mode 0644): it must be 0600"

# A stored partner record: OK; then the CMS failing is only a WARN.
"$CTL" migrate --fetch-only --partner "$PARTNER" >/dev/null || t_abort "fetch-only"
check
exits "with a stored partner record" 0
t_check "partner record: OK, valid until a time" \
	grep -qx "OK    partner record   $PARTNER: valid until [0-9-]*T[0-9:]*Z (cms)" "$out"
check "$badca"
exits "CMS not verified, partner record stored" 0
t_check "CMS not verified with a partner record stored: WARN, the stored one is used" \
	grep -qx "WARN  CMS              $url: TLS not verified: .*; a migration uses the stored partner configuration" "$out"

# An expired partner record (NOTE 4: a validity): a copy of the state, the
# record's validity in the past.
mkdir -p "$T_RUN/expired/partners" && chmod 700 "$T_RUN/expired"
sed 's|<valid-until>[^<]*</valid-until>|<valid-until>2020-01-01T00:00:00Z</valid-until>|' "$REC" \
	>"$T_RUN/expired/partners/$(basename "$REC")"
check "$(conf_with "s|^state-dir=.*|state-dir=$T_RUN/expired|")"
exits "expired partner record" 0
line "expired partner record: WARN naming the file, the partner and when" \
	"WARN  partner record   $(basename "$REC"): partner configuration of $PARTNER expired at 2020-01-01T00:00:00Z"
line "expired partner record: remedy" \
	"                       -> fetch it again: mcmigctl migrate --fetch-only --partner ID"
line "expired partner record: none valid" \
	"WARN  partner records  no valid partner configuration stored: a migration asks the CMS first"
t_check "the expired record was only read" test -f "$T_RUN/expired/partners/$(basename "$REC")"

# The configuration: an unknown key; an unknown board.
bad=$(conf_with 's|^\[cmc\]$|[cmc]\ncolour=blue|')
check "$bad"
exits "invalid configuration" 1
line "invalid configuration: FAIL naming the key" "FAIL  configuration    $bad: [cmc] colour: unknown key"
check "$(conf_with 's|^board=bench$|board=no-such-board|')"
exits "unknown board" 1
t_check "unknown board: FAIL board naming it" grep -qx "FAIL  board            .*no-such-board.*" "$out"

# No reader by the configured name.
check "$(conf_with 's|^\[modem\]$|[card]\nreader=No Such Reader\n[modem]|')"
exits "no reader" 1
line "no reader" "FAIL  reader           no reader matching 'No Such Reader': no smart card reader (or pcscd not running)"

# A card without ISIM (USIM only), then an ISIM without service 15.
sed -e 's/^apps = .*/apps = usim/' "$T_RUN/profiles/alice.ini" >"$T_RUN/profiles/usim.ini"
sed -e 's/^ist = .*/ist = 0100/' "$T_RUN/profiles/alice.ini" >"$T_RUN/profiles/noist.ini"
$BENCH_CARD swap "$T_RUN" 0 "$T_RUN/profiles/usim.ini" >/dev/null 2>&1 || t_abort "card swap"
check
exits "card without ISIM" 0
line "card without ISIM" "WARN  ISIM             no ISIM on the card: USIM IMSI 001010000000001, identities derived (TS 23.003 13.3): IMPI 001010000000001@ims.mnc001.mcc001.3gppnetwork.org"
$BENCH_CARD swap "$T_RUN" 0 "$T_RUN/profiles/noist.ini" >/dev/null 2>&1 || t_abort "card swap"
check
exits "EF_IST without service 15" 0
line "EF_IST without service 15" "WARN  IST service 15   MCPTT not available (EF_IST 0100)"
$BENCH_CARD swap "$T_RUN" 0 "$T_RUN/profiles/alice.ini" >/dev/null 2>&1 || t_abort "card swap"

# The primary PDN down (its carrier: the peer in the primary namespace).
ip -n "$MCMIG_NS_PRIMARY" link set ue0 down
t_wait_for "wwan0 without carrier" 5 bash -c "! ip -n '$UE' link show wwan0 | grep -q LOWER_UP"
check
ip -n "$MCMIG_NS_PRIMARY" link set ue0 up
exits "primary PDN down" 0
line "primary PDN down" "WARN  primary PDN      wwan0: no carrier"

# The serving network: registration denied; another PLMN.
"$EMU" ctl "$T_RUN/emu.ctl" serving reg=denied >/dev/null
check
exits "registration denied" 1
line "registration denied" "FAIL  serving network  not registered (denied)"
"$EMU" ctl "$T_RUN/emu.ctl" serving mcc=999 mnc=99 reg=roaming >/dev/null
check
exits "another PLMN" 0
line "another PLMN" "WARN  serving network  999-99 registered (roaming), TAC 17"
"$EMU" ctl "$T_RUN/emu.ctl" serving mcc=001 mnc=01 reg=home >/dev/null

# mcmigd not reachable: nobody on the bus.
DBUS_SESSION_BUS_ADDRESS=unix:path=$T_RUN/nobus check
exits "no bus" 1
line "no bus" "FAIL  mcmigd           cannot connect to the session D-Bus at unix:path=$T_RUN/nobus: No such file or directory"
line "no bus: the modem not checked" "WARN  modem            not checked: needs mcmigd"

# The modem's proxy gone (qmi-emu closes every connection and refuses new ones).
"$EMU" ctl "$T_RUN/emu.ctl" vanish >/dev/null
t_wait_for "mcmigd to lose the modem" 15 bash -c "'$CTL' status | grep -q '^reason:  modem-unavailable'"
check
exits "modem proxy gone" 1
t_check "modem proxy gone: FAIL modem with mcmigd's reason" \
	grep -qx "FAIL  modem            modem-unavailable: .*" "$out"
line "modem proxy gone: serving network" "FAIL  serving network  not read: no modem"
t_done
