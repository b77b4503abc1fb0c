#!/bin/bash
# Configuration management servers over HTTPS (TR 23.781 6.Y.1 steps 1-13, 6.Y.3):
# the primary and the partner mcmig-cms in their own namespaces, curl(1) as the
# configuration management client in the ue namespace. Partner choice by location,
# by request, fallback without agreement, step 2 and step 8 refusals, NOTE 2 static
# mode, an unreachable partner, bad tokens, malformed/oversized/slow requests, the
# state after all of it, and revocation (per user and per partner agreement,
# reaching the partner: its SIP DB ends the registration at the S-CSCF).
. "$(dirname "$0")/../lib.sh"
t_init cms

CMS=$T_BUILD/bench/mcmig-cms
SRC=$T_TOP/tests/bench/cms
[ -x "$CMS" ] || t_abort "mcmig-cms not built ($CMS)"

# The bench topology and the two SIP DBs (Sh for the CMS) of tests/bench.
export MCMIG_BENCH_ID=cms$T_ID MCMIG_BUILD=$T_BUILD
t_on_exit "$T_TOP/tests/bench/topology.sh" down "$T_RUN"
t_on_exit "$T_TOP/tests/bench/sipcore.sh" stop "$T_RUN"
"$T_TOP/tests/bench/topology.sh" up "$T_RUN" >"$T_RUN/topology.log" 2>&1 || {
	t_abort "topology.sh up"
}
. "$T_RUN/topology.env"
ue=$MCMIG_NS_UE primary=$MCMIG_NS_PRIMARY partner=$MCMIG_NS_PARTNER
# Users other than the bench's alice, known to the primary SIP DB (Milenage test sets 2-4).
# rand=: SIPp 3.6.1 truncates a RES at a 00 byte; this RAND's RES for erin's keys has none
# (tests/bench/sipdb/README.md).
cat >"$T_RUN/primary-extra.conf" <<SUBS
subscriber bob@ims.primary.example sip:bob@ims.primary.example k=0396eb317b6d1c36f19c1c84cd6ffd16 opc=53c15671c60a4b731c55b4a441c0bde2 amf=c3ab sqn=0
subscriber carol@ims.primary.example sip:carol@ims.primary.example k=fec86ba6eb707ed08905757b1bb44b8f opc=1006020f0a478bf6b699f15c062e42b3 amf=f037 sqn=0
subscriber dave@ims.primary.example sip:dave@ims.primary.example k=9e5944aea94b81165c82fbf9f32db751 opc=a64a507ae1a2a98bb88eb4210135dc87 amf=4af4 sqn=0
subscriber erin@ims.primary.example sip:erin@ims.primary.example k=6d636d69672d62656e63682d6b2d3031 op=6d636d69672d62656e63682d6f703031 amf=3030 rand=6d636d69672d62656e63682d72616e64
SUBS
# erin holds SIPp 3.6.1's credentials: the ASCII bytes of its -key strings, OP, AMF "00".
"$T_TOP/tests/bench/sipcore.sh" start "$T_RUN" >"$T_RUN/sipcore.log" 2>&1 || {
	t_abort "sipcore.sh start: $(tail -n 3 "$T_RUN/sipcore.log")"
}

pki=$T_RUN/pki
"$SRC/gen-certs.sh" "$pki" || t_abort "gen-certs.sh"
t_check "private keys are 0600" \
	test "$(stat -c %a "$pki"/*.key | sort -u)" = 600

sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
tok_alice=$(openssl rand -hex 32)
tok_bob=$(openssl rand -hex 32)
tok_carol=$(openssl rand -hex 32)
tok_dave=$(openssl rand -hex 32)
tok_erin=$(openssl rand -hex 32)

cat >"$T_RUN/primary.conf" <<CONF
[server]
role=primary
system-id=urn:mcmig:system:primary
listen=192.0.2.1
port=8443
certificate=pki/primary-server.crt
key=pki/primary-server.key
ca=pki/ca.crt
admin-port=8080
connection-timeout=2

[client]
certificate=pki/primary-client.crt
key=pki/primary-client.key
timeout=3

[sipdb]
backend=sh
identifier=hss.primary.example
identity=cms.primary.example
realm=primary.example
peer=hss.primary.example
peer-realm=primary.example
timeout-ms=2000

[user sip:alice@mcptt.primary.example]
token-sha256=$(sha "$tok_alice")
impi=alice@ims.primary.example
impu=sip:alice@ims.primary.example
migration=true
partners=urn:mcmig:system:partner;urn:mcmig:system:partner-static;urn:mcmig:system:partner-down

[user sip:bob@mcptt.primary.example]
token-sha256=$(sha "$tok_bob")
impi=bob@ims.primary.example
impu=sip:bob@ims.primary.example
migration=true
partners=urn:mcmig:system:partner

[user sip:carol@mcptt.primary.example]
token-sha256=$(sha "$tok_carol")
impi=carol@ims.primary.example
impu=sip:carol@ims.primary.example
migration=false
partners=urn:mcmig:system:partner

[user sip:dave@mcptt.primary.example]
token-sha256=$(sha "$tok_dave")
impi=dave@ims.primary.example
impu=sip:dave@ims.primary.example
migration=true
partners=urn:mcmig:system:partner

[user sip:erin@mcptt.primary.example]
token-sha256=$(sha "$tok_erin")
impi=erin@ims.primary.example
impu=sip:erin@ims.primary.example
migration=true
partners=urn:mcmig:system:partner

[partner urn:mcmig:system:partner]
url=https://cms.partner.example:9443
serves=999-99:100-199

[partner urn:mcmig:system:partner-static]
serves=999-98
static-configuration=$SRC/partner-static.xml

[partner urn:mcmig:system:partner-down]
url=https://cms.partner.example:9444
serves=999-97
CONF

cat >"$T_RUN/partner.conf" <<CONF
[server]
role=partner
system-id=urn:mcmig:system:partner
listen=203.0.113.2
port=9443
certificate=pki/partner-server.crt
key=pki/partner-server.key
ca=pki/ca.crt
admin-port=8080
connection-timeout=2

[sipdb]
backend=sh
identity=cms.partner.example
realm=partner.example
peer=hss.partner.example
peer-realm=partner.example

[primary-system urn:mcmig:system:primary]
certificate-sha256=$(cat "$pki/primary-client.sha256")
sip-databases=hss.primary.example
users=sip:alice@mcptt.primary.example;sip:dave@mcptt.primary.example;sip:erin@mcptt.primary.example

[offer]
home-domain=ims.partner.example
validity=3600
pcscf=udp:sip:198.51.100.1:5060;tcp:sip:198.51.100.1:5060
connectivity=partner-mcptt;partner-internet
initial-ue-configuration=$SRC/partner-initial-config.xml

[connectivity partner-mcptt]
apn=mcptt.partner.example
ip-type=ipv4
auth=chap
username=generate
password=generate

[connectivity partner-internet]
apn=internet.partner.example
ip-type=ipv4v6
auth=none
CONF
chmod 0600 "$T_RUN"/*.conf

t_check "mcmig-cms -t accepts the primary configuration" "$CMS" -t -c "$T_RUN/primary.conf"
t_check "mcmig-cms -t accepts the partner configuration" "$CMS" -t -c "$T_RUN/partner.conf"

t_spawn cms-partner ip netns exec "$partner" "$CMS" -c "$T_RUN/partner.conf"
t_spawn cms-primary ip netns exec "$primary" "$CMS" -c "$T_RUN/primary.conf"

admin() { # NS PATH [curl args]
	local ns=$1 path=$2
	shift 2
	ip netns exec "$ns" curl -sS --max-time 5 "http://127.0.0.1:8080$path" "$@"
}
t_wait_for "partner CMS" 10 admin "$partner" /mcmig/v1/admin/bindings -f -o /dev/null
t_wait_for "primary CMS" 10 admin "$primary" /mcmig/v1/admin/bindings -f -o /dev/null

URL=https://cms.primary.example:8443/mcmig/v1/partner-connection
# ask TOKEN BODY [curl args]: POSTs from the ue namespace, answer in $T_RUN/ans, prints the status.
ask() {
	local tok=$1 body=$2
	shift 2
	ip netns exec "$ue" curl -sS --max-time 10 -o "$T_RUN/ans" -w '%{http_code}' \
		--cacert "$pki/ca.crt" ${tok:+-H "Authorization: Bearer $tok"} \
		-H "Content-Type: ${CT:-application/vnd.mcmig.partner-request+xml}" \
		--data-binary "$body" "$@" "$URL"
}
req() { # USER MCC MNC [TAC [REQUESTED]]
	local tac= r=
	[ -n "${4:-}" ] && tac="<tac>$4</tac>"
	[ -n "${5:-}" ] && r="<requested-partner>$5</requested-partner>"
	echo "<partner-connection-request xmlns=\"urn:mcmig:partner:1.0\">
<mc-service-id>sip:$1@mcptt.primary.example</mc-service-id>
<location><plmn mcc=\"$2\" mnc=\"$3\"/>$tac<cell-id>26796033</cell-id></location>$r
</partner-connection-request>"
}
x() { # XPATH [FILE]: string value, namespaces ignored by local-name() in the paths
	xmllint --xpath "string($1)" "${2:-$T_RUN/ans}" 2>/dev/null
}
P='/*[local-name()="partner-connection"]'
E='/*[local-name()="error"]/*[local-name()="code"]'
SEL="$P/*[local-name()='selection']"
PID="$P/*[local-name()='partner-system-id']"
IMPI="$P/*[local-name()='sip-identities']/*[local-name()='impi']"
PW="$P/*[local-name()='connectivity'][@con-ref='partner-mcptt']/*[local-name()='password']"
expect() { # DESC STATUS CODE -- TOKEN BODY [curl args]
	local desc=$1 want=$2 code=$3 got
	shift 4
	got=$(ask "$@")
	if [ "$got" = "$want" ] && [ "$(x "$E")" = "$code" ]; then
		t_ok "$desc ($got $code)"
	else
		t_fail "$desc: want $want $code, got $got: $(head -c 300 "$T_RUN/ans")"
	fi
}
partner_answered() {
	admin "$partner" /mcmig/v1/admin/bindings | xmllint --xpath 'string(/*/@answered)' - 2>/dev/null
}

req alice 999 99 150 urn:mcmig:system:partner >"$T_RUN/request.xml"
t_check "the requests sent here are valid against the schema" \
	xmllint --noout --schema "$T_TOP/agent/schema/partner-connection.xsd" "$T_RUN/request.xml"

# 1. Automatic partner by location (steps 1-13 through the partner CMS).
got=$(ask "$tok_alice" "$(req alice 999 99 150)")
t_check "automatic by location: 200" test "$got" = 200
t_check "selection location, partner urn:mcmig:system:partner" test \
	"$(x "$SEL")/$(x "$PID")" = "location/urn:mcmig:system:partner"
impi1=$(x "$IMPI")
t_check "inbound IMPI from the partner SIP DB ($impi1)" \
	bash -c "[[ '$impi1' == mcmig-*@ims.partner.example ]]"
t_check "home domain, P-CSCF, transport" test \
	"$(x "$P/*[local-name()='sip-identities']/*[local-name()='home-domain']")|$(x "$P/*[local-name()='pcscf'][1]/@transport")|$(x "$P/*[local-name()='pcscf'][2]")" = \
	"ims.partner.example|udp|sip:198.51.100.1:5060"
vu=$(x "$P/*[local-name()='valid-until']")
t_check "valid-until about an hour ahead ($vu)" \
	bash -c "d=\$((\$(date -u -d '$vu' +%s) - \$(date +%s))); [ \$d -gt 3500 ] && [ \$d -le 3600 ]"
pw1=$(x "$PW")
t_check "generated CHAP credentials (32 hex digits)" bash -c "[[ '$pw1' =~ ^[0-9a-f]{32}$ ]]"
t_check "initial UE configuration embedded whole" test \
	"$(x "$P/*[local-name()='initial-ue-configuration']/*/@domain")" = "mcptt.partner.example"
t_check "answer valid against agent/schema/partner-connection.xsd" \
	xmllint --noout --schema "$T_TOP/agent/schema/partner-connection.xsd" "$T_RUN/ans"
cp "$T_RUN/ans" "$T_RUN/first-answer.xml"

# 2. Requested partner (agreement exists), even where it serves nothing.
got=$(ask "$tok_alice" "$(req alice 001 01 '' urn:mcmig:system:partner)")
t_check "requested partner: 200 selection requested" test "$got/$(x "$SEL")" = "200/requested"
# 3. Requested partner without agreement: automatic by location.
got=$(ask "$tok_dave" "$(req dave 999 99 120 urn:mcmig:system:partner-static)")
t_check "requested without agreement falls back to location" test \
	"$got/$(x "$SEL")/$(x "$PID")" = "200/location/urn:mcmig:system:partner"
# 4-5. Step 2, step 3 and step 8 refusals.
expect "user not authorised for migration (step 2)" 403 not-authorised -- \
	"$tok_carol" "$(req carol 999 99 150)"
expect "partner refuses the user (step 8)" 403 partner-refused -- \
	"$tok_bob" "$(req bob 999 99 150)"
expect "no partner for the location (step 3)" 404 no-partner-for-location -- \
	"$tok_alice" "$(req alice 999 99 200)"
expect "token of another user" 403 not-authorised -- "$tok_bob" "$(req alice 999 99 150)"
# 6. NOTE 2 static mode: the partner CMS is not called.
before=$(partner_answered)
got=$(ask "$tok_alice" "$(req alice 999 98)")
t_check "static mode: 200 selection static" test \
	"$got/$(x "$SEL")/$(x "$PID")" = "200/static/urn:mcmig:system:partner-static"
t_check "static mode: the outbound identities of steps 4-6" \
	bash -c "[[ '$(x "$IMPI")' == mig-*@ims.primary.example ]]"
t_check "static mode answer valid against the schema" \
	xmllint --noout --schema "$T_TOP/agent/schema/partner-connection.xsd" "$T_RUN/ans"
t_check "static mode: the partner CMS was not called" test "$(partner_answered)" = "$before"
# 7. Partner unreachable.
expect "partner unreachable (steps 7/12)" 502 partner-unreachable -- \
	"$tok_alice" "$(req alice 999 97)"

# Bad input: every one a 4xx with our error document.
expect "no token" 401 unauthenticated -- "" "$(req alice 999 99 150)"
expect "bad token" 401 unauthenticated -- "${tok_alice%?}x" "$(req alice 999 99 150)"
expect "malformed XML" 400 bad-request -- "$tok_alice" "<partner-connection-request xmlns="
expect "missing location" 400 bad-request -- "$tok_alice" \
	'<partner-connection-request xmlns="urn:mcmig:partner:1.0"><mc-service-id>sip:alice@mcptt.primary.example</mc-service-id></partner-connection-request>'
expect "entity declarations refused" 400 bad-request -- "$tok_alice" \
	'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><partner-connection-request xmlns="urn:mcmig:partner:1.0"><mc-service-id>&b;</mc-service-id></partner-connection-request>'
CT=text/plain expect "wrong content type" 400 bad-request -- "$tok_alice" "$(req alice 999 99 150)"
head -c 20000 /dev/zero | tr '\0' a >"$T_RUN/big"
expect "oversized body (Content-Length)" 413 too-large -- "$tok_alice" "@$T_RUN/big"
expect "oversized body (chunked: the limit holds while receiving)" 413 too-large -- \
	"$tok_alice" "@$T_RUN/big" -H "Transfer-Encoding: chunked"
expect "GET refused" 405 method-not-allowed -- "$tok_alice" "" -G
URL=https://cms.primary.example:8443/other
expect "unknown resource" 404 not-found -- "$tok_alice" "$(req alice 999 99 150)"
URL=https://cms.primary.example:8443/mcmig/v1/partner-connection

# A client stalling half-way through its headers is dropped by the inactivity timeout (2 s).
estab() { # OP N: compares the number of established connections to port 8443
	[ "$(ip netns exec "$primary" ss -Htn state established '( sport = :8443 )' | wc -l)" "$1" "$2" ]
}
mkfifo "$T_RUN/slow.in"
ip netns exec "$ue" timeout 20 openssl s_client -quiet -connect 192.0.2.1:8443 \
	-CAfile "$pki/ca.crt" <"$T_RUN/slow.in" >/dev/null 2>&1 &
slow=$!
exec 7>"$T_RUN/slow.in"
printf 'POST /mcmig/v1/partner-connection HTTP/1.1\r\nHost: cms.primary.example\r\n' >&7
t_check "a slow client holds a connection" t_wait_for "slow client" 2 estab -ge 1
got=$(ask "$tok_alice" "$(req alice 999 99 150)")
t_check "served while the slow client hangs" test "$got" = 200
t_check "the stalled connection is closed by the server within 4 s" \
	t_wait_for "the server to drop it" 4 estab -eq 0
exec 7>&-
kill "$slow" 2>/dev/null
wait "$slow" 2>/dev/null

# A body dripping in slower than the timeout allows is cut off.
start=$(date +%s%N)
got=$(ask "$tok_alice" "$(req alice 999 99 150)" --limit-rate 40)
el_ms=$((($(date +%s%N) - start) / 1000000))
t_check "a dripping body is cut off by the server ($got after $el_ms ms)" \
	bash -c "[ '$got' != 200 ] && [ $el_ms -lt 5000 ]"

# A silent partner CMS: 502 within the client timeout (3 s); a silent SIP DB: 503 within Sh's (2 s).
kill -STOP "$(t_pid cms-partner)"
start=$(date +%s%N)
expect "silent partner CMS" 502 partner-unreachable -- "$tok_alice" "$(req alice 999 99 150)"
el_ms=$((($(date +%s%N) - start) / 1000000))
kill -CONT "$(t_pid cms-partner)"
t_check "silent partner CMS answered within the bound ($el_ms ms)" test "$el_ms" -lt 5000
kill -STOP "$(cat "$T_RUN/primary.pid")"
start=$(date +%s%N)
expect "silent primary SIP DB" 503 unavailable -- "$tok_alice" "$(req alice 999 99 150)"
el_ms=$((($(date +%s%N) - start) / 1000000))
kill -CONT "$(cat "$T_RUN/primary.pid")"
t_check "silent primary SIP DB answered within the bound ($el_ms ms)" test "$el_ms" -lt 4000

# The partner CMS itself: mutual TLS and step 8.
acc() { # CERT BODY: from the primary namespace
	local cert=$1
	shift
	ip netns exec "$primary" curl -sS --max-time 5 -o "$T_RUN/ans" -w '%{http_code}' \
		--cacert "$pki/ca.crt" ${cert:+--cert "$pki/$cert.crt" --key "$pki/$cert.key"} \
		-H "Content-Type: application/vnd.mcmig.cms+xml" --data-binary "$1" \
		https://cms.partner.example:9443/mcmig/v1/cms/partner-access
}
areq() { # SYSTEM SIPDB USER
	echo "<partner-access-request xmlns=\"urn:mcmig:cms:1.0\"><mc-service-id>sip:$3@mcptt.primary.example</mc-service-id><primary-system-id>$1</primary-system-id><sip-database>$2</sip-database><impi>out-x@ims.primary.example</impi><impu>sip:out-x@ims.primary.example</impu></partner-access-request>"
}
t_check "partner: no client certificate: 403 system-not-authorised" test \
	"$(acc "" "$(areq urn:mcmig:system:primary hss.primary.example alice)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner: CA-signed but unknown system: 403 system-not-authorised" test \
	"$(acc rogue-client "$(areq urn:mcmig:system:primary hss.primary.example alice)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner: another system's id: 403 system-not-authorised" test \
	"$(acc primary-client "$(areq urn:mcmig:system:other hss.primary.example alice)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner: foreign SIP DB: 403 system-not-authorised" test \
	"$(acc primary-client "$(areq urn:mcmig:system:primary hss.evil.example alice)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner: user not allowed: 403 user-not-authorised" test \
	"$(acc primary-client "$(areq urn:mcmig:system:primary hss.primary.example bob)")/$(x "$E")" = \
	"403/user-not-authorised"
t_check "partner: malformed: 400 bad-request" test \
	"$(acc primary-client "<partner-access-request")/$(x "$E")" = "400/bad-request"
XSD=$SRC/cms-interface.xsd
t_check "partner: its error documents are valid against cms-interface.xsd" \
	xmllint --noout --schema "$XSD" "$T_RUN/ans"
areq urn:mcmig:system:primary hss.primary.example dave >"$T_RUN/access-request.xml"
t_check "partner: a step 7 request valid against cms-interface.xsd" \
	xmllint --noout --schema "$XSD" "$T_RUN/access-request.xml"
t_check "partner: answers a good step 7 request 200" test \
	"$(acc primary-client "$(cat "$T_RUN/access-request.xml")")" = 200
t_check "partner: its step 12 answer is valid against cms-interface.xsd" \
	xmllint --noout --schema "$XSD" "$T_RUN/ans"
t_check "the static configuration file is valid against cms-interface.xsd" \
	xmllint --noout --schema "$XSD" "$SRC/partner-static.xml"
t_check "partner: a client without the bench CA does not trust it" bash -c \
	"! ip netns exec '$primary' curl -sS --max-time 5 https://cms.partner.example:9443/ -o /dev/null 2>/dev/null"

# State intact: the same user gets the same binding, and the bindings agree.
got=$(ask "$tok_alice" "$(req alice 999 99 150)")
t_check "after all bad input: 200 with the same inbound IMPI" test \
	"$got/$(x "$IMPI")" = "200/$impi1"
t_check "after all bad input: the same CHAP password" test "$(x "$PW")" = "$pw1"
admin "$primary" /mcmig/v1/admin/bindings >"$T_RUN/primary-bindings.xml"
admin "$partner" /mcmig/v1/admin/bindings >"$T_RUN/partner-bindings.xml"
t_check "bindings documents valid against cms-interface.xsd" \
	xmllint --noout --schema "$XSD" "$T_RUN/primary-bindings.xml" "$T_RUN/partner-bindings.xml"
B='/*/*[@mc-service-id="sip:alice@mcptt.primary.example"]'
out1=$(x "$B/*[local-name()='outbound-impi']" "$T_RUN/primary-bindings.xml")
t_check "primary binding: active, inbound $impi1" test \
	"$(x "$B/@state" "$T_RUN/primary-bindings.xml")/$(x "$B/*[local-name()='inbound-impi']" "$T_RUN/primary-bindings.xml")" = \
	"active/$impi1"
t_check "partner binding: primary $out1 -> inbound $impi1" test \
	"$(x "$B/*[local-name()='primary-impi']" "$T_RUN/partner-bindings.xml")/$(x "$B/*[local-name()='inbound-impi']" "$T_RUN/partner-bindings.xml")" = \
	"$out1/$impi1"
t_check "bindings hold no secrets" bash -c \
	"! grep -qi -e password -e '$pw1' '$T_RUN/primary-bindings.xml' '$T_RUN/partner-bindings.xml'"

t_check "primary SIP DB holds the outbound binding of $out1" \
	grep -q "^binding $out1 .* alice@ims.primary.example " "$T_RUN/primary-sipdb.state"
t_check "partner SIP DB binds $impi1 to $out1 at hss.primary.example" \
	grep -q "^binding $impi1 .* $out1 .* hss.primary.example\$" "$T_RUN/partner-sipdb.state"

# Revocation (6.Y.3) on the primary's loopback admin listener.
rv() {
	admin "$primary" /mcmig/v1/admin/revoke -o "$T_RUN/ans" -w '%{http_code}' \
		-H "Content-Type: application/vnd.mcmig.cms+xml" \
		--data-binary "<revoke xmlns=\"urn:mcmig:cms:1.0\"><mc-service-id>$1</mc-service-id></revoke>"
}
t_check "revoke alice: 200" test "$(rv sip:alice@mcptt.primary.example)" = 200
t_check "revoked document valid against cms-interface.xsd" \
	xmllint --noout --schema "$XSD" "$T_RUN/ans"
t_check "primary binding revoked" test \
	"$(admin "$primary" /mcmig/v1/admin/bindings | xmllint --xpath "string($B/@state)" - 2>/dev/null)" = revoked
t_check "the primary SIP DB dropped the outbound binding" \
	bash -c "! grep -q '^binding $out1 ' '$T_RUN/primary-sipdb.state'"
t_check "revoke again: 404 no-binding" test \
	"$(rv sip:alice@mcptt.primary.example)/$(x "$E")" = "404/no-binding"
t_check "revoke an unknown user: 404 no-binding" test \
	"$(rv sip:nobody@mcptt.primary.example)/$(x "$E")" = "404/no-binding"
t_check "admin listener is loopback only" bash -c \
	"! ip netns exec '$ue' curl -sS --max-time 3 http://192.0.2.1:8080/mcmig/v1/admin/bindings -o /dev/null 2>/dev/null"
got=$(ask "$tok_alice" "$(req alice 999 99 150)")
admin "$primary" /mcmig/v1/admin/bindings >"$T_RUN/primary-bindings.xml"
out2=$(x "$B/*[local-name()='outbound-impi']" "$T_RUN/primary-bindings.xml")
t_check "a new migration after revocation: 200, active, bound again at the SIP DB ($out2)" \
	bash -c "[ '$got' = 200 ] && [ '$(x "$B/@state" "$T_RUN/primary-bindings.xml")' = active ] && grep -q '^binding $out2 .* alice@ims.primary.example ' '$T_RUN/primary-sipdb.state'"

# The identities handed out register at the partner's real SIP core, until revoked:
# SIPp as the UE, Kamailio S-CSCF, MAR partner SIP DB -> primary SIP DB (steps 14-25).
got=$(ask "$tok_erin" "$(req erin 999 99 150)")
e_impi=$(x "$IMPI")
e_impu=$(x "$P/*[local-name()='sip-identities']/*[local-name()='impu']")
t_check "erin: partner connection details ($got, $e_impi)" test "$got" = 200
ip -n "$ue" addr add 198.51.100.2/24 dev wwan1
ip -n "$ue" link set wwan1 up
n=0
sipp_run() { # SCENARIO: registers $e_impi/$e_impu at scscf.partner.example
	n=$((n + 1))
	(cd "$T_RUN" && timeout 30 ip netns exec "$ue" sipp 198.51.100.1:5060 \
		-sf "$T_TOP/tests/bench/sipp/$1" -m 1 -i 198.51.100.2 -p 5070 \
		-key impi "$e_impi" -key impu "$e_impu" -key domain ims.partner.example \
		-au "$e_impi" -auth_uri ims.partner.example -timeout 15s -timeout_error -nostdin \
		-trace_msg -message_file "$T_RUN/sipp$n.msg" >"$T_RUN/sipp$n.out" 2>&1 </dev/null)
}
final() { grep -E '^SIP/2.0 [2-6][0-9][0-9]' "$T_RUN/sipp$n.msg" | grep -v ' 100 ' | tail -n 1 | cut -d' ' -f2; }
sipp_run register-aka.xml
t_check "SIPp registers at the partner S-CSCF with the CMS's inbound identity ($(final))" \
	test "$(final)" = 200

# Revocation ends the live registration (6.Y.3 reaching the partner): the
# primary SIP DB drops the outbound binding, the partner CMS is told over
# CMS-to-CMS, its SIP DB drops the inbound binding and sends the S-CSCF a Cx
# RTR; the S-CSCF ends the registration at once, not at the next refresh.
# The S-CSCF's contacts of an IMPU: "Contact valid" while registered; an RTR
# marks them deleted at once (tests/bench/sipcore.sh contacts).
registered() { "$T_TOP/tests/bench/sipcore.sh" contacts "$T_RUN" "$1" | grep -q 'Contact valid$'; }
unregistered() {
	"$T_TOP/tests/bench/sipcore.sh" contacts "$T_RUN" "$1" >"$T_RUN/contacts.txt" &&
		! grep -q 'Contact valid' "$T_RUN/contacts.txt"
}
since() { tail -n +$(($2 + 1)) "$T_RUN/$1" | grep -q -- "$3"; }
admin "$primary" /mcmig/v1/admin/bindings >"$T_RUN/primary-bindings.xml"
EB='/*/*[@mc-service-id="sip:erin@mcptt.primary.example"]'
eo_impi=$(x "$EB/*[local-name()='outbound-impi']" "$T_RUN/primary-bindings.xml")
eo_impu=$(x "$EB/*[local-name()='outbound-impu']" "$T_RUN/primary-bindings.xml")
t_check "erin is registered at the S-CSCF" registered "$e_impu"
tm=$(wc -l <"$T_RUN/partner.log") cm=$(wc -l <"$T_RUN/cms-partner.log")
start=$(date +%s%N)
t_check "revoke erin: 200" test "$(rv sip:erin@mcptt.primary.example)" = 200
t_wait_for "the S-CSCF to drop erin" 5 unregistered "$e_impu"
ms=$((($(date +%s%N) - start) / 1000000))
t_check "the S-CSCF dropped erin's registration" unregistered "$e_impu"
t_check "... at once: $ms ms after the revoke (< 2000)" \
	test "$ms" -lt 2000
t_check "the partner CMS was told over CMS-to-CMS" \
	since cms-partner.log "$cm" "sip:erin@mcptt.primary.example of urn:mcmig:system:primary: migration revoked"
t_check "the partner SIP DB dropped erin's inbound binding" \
	bash -c "! grep -q '^binding $e_impi ' '$T_RUN/partner-sipdb.state'"
t_check "the partner SIP DB sent the S-CSCF an RTR; RTA 2001" \
	bash -c "tail -n +$((tm + 1)) '$T_RUN/partner.log' | grep -q 'RTR $e_impi / $e_impu to scscf.partner.example' &&
		tail -n +$((tm + 1)) '$T_RUN/partner.log' | grep -q 'RTA from scscf.partner.example for $e_impi: result 2001'"
partner_lacks() { # the partner CMS answers its bindings, and none matches $1
	admin "$partner" /mcmig/v1/admin/bindings -f >"$T_RUN/partner-bindings.xml" &&
		! grep -q -- "$1" "$T_RUN/partner-bindings.xml"
}
t_check "the partner CMS holds no binding for erin any more" \
	partner_lacks sip:erin@mcptt.primary.example
sipp_run register-refused.xml
t_check "after revocation the partner can no longer authenticate erin ($(final))" \
	test "$(final)" = 403

# The CMS-to-CMS revoke itself: mutual TLS, step 8's rules, idempotent.
prv() { # CERT BODY: from the primary namespace
	local cert=$1
	shift
	ip netns exec "$primary" curl -sS --max-time 5 -o "$T_RUN/ans" -w '%{http_code}' \
		--cacert "$pki/ca.crt" ${cert:+--cert "$pki/$cert.crt" --key "$pki/$cert.key"} \
		-H "Content-Type: application/vnd.mcmig.cms+xml" --data-binary "$1" \
		https://cms.partner.example:9443/mcmig/v1/cms/revoke
}
rreq() { # SYSTEM SIPDB
	echo "<partner-revoke xmlns=\"urn:mcmig:cms:1.0\"><primary-system-id>$1</primary-system-id><user><mc-service-id>sip:erin@mcptt.primary.example</mc-service-id><sip-database>$2</sip-database><impi>$eo_impi</impi><impu>$eo_impu</impu></user></partner-revoke>"
}
rreq urn:mcmig:system:primary hss.primary.example >"$T_RUN/partner-revoke.xml"
t_check "a partner-revoke request valid against cms-interface.xsd" \
	xmllint --noout --schema "$XSD" "$T_RUN/partner-revoke.xml"
tm=$(wc -l <"$T_RUN/partner.log")
t_check "partner revoke again: 200 (idempotent)" \
	test "$(prv primary-client "$(rreq urn:mcmig:system:primary hss.primary.example)")" = 200
t_check "... its answer valid against cms-interface.xsd" xmllint --noout --schema "$XSD" "$T_RUN/ans"
t_check "... the partner SIP DB had nothing left to revoke, no second RTR" bash -c \
	"tail -n +$((tm + 1)) '$T_RUN/partner.log' | grep -q 'no binding (revoked already)' &&
		! tail -n +$((tm + 1)) '$T_RUN/partner.log' | grep -q 'RTR $e_impi'"
t_check "partner revoke: no client certificate: 403 system-not-authorised" test \
	"$(prv "" "$(rreq urn:mcmig:system:primary hss.primary.example)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner revoke: CA-signed but unknown system: 403 system-not-authorised" test \
	"$(prv rogue-client "$(rreq urn:mcmig:system:primary hss.primary.example)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner revoke: another system's id: 403 system-not-authorised" test \
	"$(prv primary-client "$(rreq urn:mcmig:system:other hss.primary.example)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner revoke: foreign SIP DB: 403 system-not-authorised" test \
	"$(prv primary-client "$(rreq urn:mcmig:system:primary hss.evil.example)")/$(x "$E")" = \
	"403/system-not-authorised"
t_check "partner revoke: neither user nor all-users: 400 bad-request" test \
	"$(prv primary-client "<partner-revoke xmlns=\"urn:mcmig:cms:1.0\"><primary-system-id>urn:mcmig:system:primary</primary-system-id></partner-revoke>")/$(x "$E")" = \
	"400/bad-request"

# Revocation per partner agreement: every user migrated to that partner at once.
got=$(ask "$tok_erin" "$(req erin 999 99 150)")
e_impi=$(x "$IMPI")
e_impu=$(x "$P/*[local-name()='sip-identities']/*[local-name()='impu']")
sipp_run register-aka.xml
t_check "erin migrates again and registers ($got, $(final), $e_impi)" test "$got/$(final)" = 200/200
admin "$primary" /mcmig/v1/admin/bindings >"$T_RUN/primary-bindings.xml"
active=$(xmllint --xpath "count(/*/*[@partner='urn:mcmig:system:partner'][@state='active'])" \
	"$T_RUN/primary-bindings.xml" 2>/dev/null)
t_check "two or more active migrations to the partner before ($active)" test "${active:-0}" -ge 2
rvp() {
	admin "$primary" /mcmig/v1/admin/revoke -o "$T_RUN/ans" -w '%{http_code}' \
		-H "Content-Type: application/vnd.mcmig.cms+xml" \
		--data-binary "<revoke xmlns=\"urn:mcmig:cms:1.0\"><partner-system-id>$1</partner-system-id></revoke>"
}
t_check "revoke the agreement with urn:mcmig:system:partner: 200, count $active" test \
	"$(rvp urn:mcmig:system:partner)/$(x '/*/*[local-name()="count"]')" = "200/$active"
t_check "... its answer valid against cms-interface.xsd" xmllint --noout --schema "$XSD" "$T_RUN/ans"
t_wait_for "the S-CSCF to drop erin" 5 unregistered "$e_impu"
t_check "agreement revoked: erin's registration ended" unregistered "$e_impu"
t_check "agreement revoked: no active migration to the partner left" test \
	"$(admin "$primary" /mcmig/v1/admin/bindings | xmllint --xpath "count(/*/*[@partner='urn:mcmig:system:partner'][@state='active'])" - 2>/dev/null)" = 0
t_check "agreement revoked: the partner SIP DB holds no inbound binding of the primary" \
	bash -c "! grep -q '^binding .* hss.primary.example' '$T_RUN/partner-sipdb.state'"
t_check "agreement revoked: the partner CMS holds no binding of the primary" \
	partner_lacks urn:mcmig:system:primary
t_check "revoke the agreement again: 200, count 0" test \
	"$(rvp urn:mcmig:system:partner)/$(x '/*/*[local-name()="count"]')" = "200/0"
t_check "revoke for an unknown partner: 404 no-binding" test \
	"$(rvp urn:mcmig:system:nobody)/$(x "$E")" = "404/no-binding"

t_check "no password and no token in any log" bash -c \
	"! grep -q -e '$pw1' -e '$tok_alice' '$T_RUN'/*.log"
t_stop cms-primary
t_stop cms-partner
t_check "primary stopped on SIGTERM" grep -q "stopping" "$T_RUN/cms-primary.log"
t_check "partner stopped on SIGTERM" grep -q "stopping" "$T_RUN/cms-partner.log"

# The bench's own start/stop (tests/bench/cms/start.sh) as the end-to-end scenario uses it.
START=$T_TOP/tests/bench/cms/start.sh
t_on_exit "$START" stop "$T_RUN"
t_check "start.sh start" "$START" start "$T_RUN"
. "$T_RUN/cms.env"
t_check "bench token file is 0600" test "$(stat -c %a "$MCMIG_CMS_TOKEN_FILE")" = 600
got=$(ip netns exec "$ue" curl -sS --max-time 10 -o "$T_RUN/ans" -w '%{http_code}' \
	--cacert "$MCMIG_CMS_CA" -H "Authorization: Bearer $(cat "$MCMIG_CMS_TOKEN_FILE")" \
	-H "Content-Type: application/vnd.mcmig.partner-request+xml" \
	--data-binary "$(req alice 999 99 150)" "$MCMIG_CMS_URL")
t_check "bench CMS: alice gets partner connection details" test \
	"$got/$(x "$SEL")/$(x "$P/*[local-name()='connectivity']/@con-ref")" = "200/location/partner-mcptt"
t_check "bench CMS: cms.env names the partner" test \
	"$(x "$PID")" = "$MCMIG_CMS_PARTNER_ID"
t_check "bench CMS: answer valid against the schema" \
	xmllint --noout --schema "$T_TOP/agent/schema/partner-connection.xsd" "$T_RUN/ans"
pids="$(cat "$T_RUN/cms-primary.pid") $(cat "$T_RUN/cms-partner.pid")"
t_check "start.sh stop" "$START" stop "$T_RUN"
t_check "start.sh stop ends exactly its processes" bash -c "! kill -0 $pids 2>/dev/null && [ ! -e '$T_RUN/cms-primary.pid' ]"
t_done
