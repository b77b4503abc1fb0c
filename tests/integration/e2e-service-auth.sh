#!/bin/bash
# MC service authorisation at the partner (seed step 25; issue 14), end to
# end on the bench: after the registration (steps 15-24, as in
# e2e-migration.sh), mcmigd PUBLISHes poc-settings with the partner access
# token (TS 24.379 7.2.2) through the P-CSCF and the S-CSCF, whose iFC (in
# the user profile the partner SIP DB returns in the SAA) hands it to the
# partner MC server (mcmig-mcserver, tests/bench/mcserver); that one checks
# the token against the partner IdMS's JWKS and asks the primary MC server
# (TS 23.280 10.6.3). Until the IdM client and the partner IdMS are there,
# the token is minted with a test key whose JWKS the MC server trusts, and
# handed to mcmigd as [service-auth] token-file.
# Checked: REGISTER carries the MCPTT ICSI, the IMEI URN and the serving
# cell exactly; authorised; the return removes the publication before the
# de-REGISTER; refusals (token expired, signature invalid, wrong audience,
# the primary MC server refusing) end failed with the reason and the UE back
# on the primary; no token in any log at full verbosity.
. "$(dirname "$0")/../lib.sh"
t_init e2e-service-auth

. "$T_TOP/tests/bench/bench-up.sh"
if ! bench_require; then
	exit
fi
. "$T_TOP/tests/bench/mcserver/mc-up.sh"
mc_prepare
bench_up s$T_ID
mc_start
# Full verbosity for the "no token in any log" check.
t_stop agent
t_spawn agentv ip netns exec "$UE" env G_MESSAGES_DEBUG=all "$MCMIGD" -c "$T_RUN/mcmig.conf"
t_wait_for "mcmigd idle" 15 bash -c "'$CTL' status | grep -q '^state:   idle-on-primary'" ||
	t_abort "mcmigd up at full verbosity"
t_ok "MC servers up, mcmigd at full verbosity"

n=0
migrate() {
	n=$((n + 1))
	timeout 90 "$CTL" "$@" --json >"$T_RUN/m$n.json" 2>"$T_RUN/m$n.err"
	rc=$?
	echo "mcmigctl $* -> $rc $(cat "$T_RUN/m$n.json")"
}
json() { grep -q "$1" "$T_RUN/m$n.json"; }
primary_before=$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")
back_on_primary() {
	t_check "$1: back on the primary, wwan1 deconfigured" bash -c \
		"! ip -n '$UE' -br addr show dev '$MCMIG_UE_PARTNER_IF' | grep -q '198.51.100.2/'"
	t_check "$1: primary wwan0 untouched" \
		test "$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")" = "$primary_before"
}
since() { tail -n +$(($2 + 1)) "$T_RUN/$1.log" | grep -q -- "$3"; }

# Steps 1-25.
mc_mint partner-idms "$MC_AUD" 300
mp=$(wc -l <"$T_RUN/mcpartner.log")
mq=$(wc -l <"$T_RUN/mcprimary.log")
migrate migrate --partner urn:mcmig:system:partner
t_check "migrated, registered and authorised (exit $rc)" test "$rc" -eq 0
t_check "state authorised, seed step 25" json '"state":"authorised".*"seed_step":25'
t_check "mcmigctl status shows step 25" bash -c "'$CTL' status | grep -q '^step:    25 (MC service authorised at the partner)'"
t_check "the partner MC server checked the token and asked the primary" \
	since mcpartner "$mp" "token ok (sub $MC_PARTNER_ID, primary $MCMIG_CMS_MC_SERVICE_ID, client mcmig-bench-ue)"
t_check "the primary MC server authorised the migration (TS 23.280 10.6.3)" \
	since mcprimary "$mq" "migration of $MCMIG_CMS_MC_SERVICE_ID ($MC_PARTNER_ID at urn:mcmig:system:partner): authorised"
t_check "the S-CSCF's iFC sent the PUBLISH to the MC server" \
	grep -q "PUBLISH sip:mcptt@ims.partner.example from .*: to the application server sip:127.0.0.5:5070" "$T_RUN/scscf.log"
# The REGISTER an MC system expects (TS 24.229 5.1.1.2.1, 7.2A.4; TS 24.379 7.2.1),
# as the P-CSCF received it: the modem's IMEI (qmi-emu) and serving cell
# (MCC 001, MNC 01, TAC 17 = 0x0011, ECI 0x1a2b3c).
t_check "REGISTER Contact: +sip.instance the IMEI URN, +g.3gpp.icsi-ref the MCPTT ICSI" grep -qF \
	';+sip.instance="<urn:gsma:imei:35693803-564380-0>";+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.mcptt", P-Access' \
	"$T_RUN/pcscf.log"
t_check "REGISTER P-Access-Network-Info: the modem's serving cell" grep -qF \
	'P-Access-Network-Info 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=00101001101A2B3C' "$T_RUN/pcscf.log"
"$CTL" timeline >"$T_RUN/timeline.txt" 2>&1
seq=$("$CTL" timeline --json | grep -o '"seed_step":[1-9][0-9]*' | cut -d: -f2 | uniq | tr '\n' ' ')
t_check "timeline: seed steps 1 13 14 15 22 23 24 25 (got $seq)" test "$seq" = "1 13 14 15 22 23 24 25 "
t_check "timeline: ends authorised" grep -q "total .* ms to authorised:" "$T_RUN/timeline.txt"
t_check "timeline --svg: step 25 drawn" bash -c \
	"'$CTL' timeline --svg '$T_RUN/timeline.svg' >/dev/null && xmllint --noout '$T_RUN/timeline.svg' && grep -q '25. PUBLISH poc-settings' '$T_RUN/timeline.svg'"

# Return: the publication removed (Expires: 0), then the de-REGISTER.
mp=$(wc -l <"$T_RUN/mcpartner.log")
migrate return
t_check "returned (exit $rc)" test "$rc" -eq 0
t_check "the publication was removed at the MC server (Expires: 0)" since mcpartner "$mp" "removed (Expires: 0)"
back_on_primary "return"

# refused WHAT REASON: a migration that the MC servers refuse ends failed, on the primary.
refused() {
	migrate migrate --partner urn:mcmig:system:partner
	t_check "$1: failed (exit $rc)" test "$rc" -ne 0
	t_check "$1: state failed, reason '$2'" json "\"state\":\"failed\",\"reason\":\"$2\""
	back_on_primary "$1"
}
mc_mint partner-idms "$MC_AUD" -10
refused "token expired" "service-auth: 403 Forbidden from mcptt.partner.example: access token expired"
mc_mint other "$MC_AUD" 300
refused "signed with another key" "service-auth: 403 Forbidden from mcptt.partner.example: access token signature invalid"
mc_mint partner-idms gms.partner.example 300
refused "wrong audience" "service-auth: 403 Forbidden from mcptt.partner.example: access token audience not this MC server ($MC_AUD)"
mc_mint partner-idms "$MC_AUD" 300
: >"$T_RUN/mc-permit"
refused "primary MC server refusing" "service-auth: 403 Forbidden from mcptt.partner.example: primary MC server refused: $MCMIG_CMS_MC_SERVICE_ID not permitted to migrate to urn:mcmig:system:partner"

# No token in any log, at full verbosity (the agent's, the MC servers', the SIP core's):
# neither the signature of any token used nor a JWT header.
t_check "no token in any log at full verbosity" bash -c \
	"! grep -lF -f '$T_RUN/token-sigs' '$T_RUN'/*.log && ! grep -l 'eyJ' '$T_RUN'/*.log"
t_check "the agent logged at debug level" grep -q "DEBUG" "$T_RUN/agentv.log"

t_done
