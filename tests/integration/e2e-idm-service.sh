#!/bin/bash
# The whole chain of issue 14 on the bench: sign-in at the primary IdMS
# (glewlwyd), then steps 1-25 in one migration: the partner configuration
# (steps 1-13), the partner PDN (14), MC service user authentication in
# user-authenticating (14: the RFC 8693 token exchange at the primary, the
# partner token from the partner IdMS, TS 33.180 B.7, B.8), the registration
# (15-24) and the service authorisation (25): the PUBLISH carries the token
# of step 14 (asked for once) to the partner MC server, which checks it
# against the partner IdMS's own JWKS, issuer and audience and asks the
# primary MC server (TS 23.280 10.6.3). Then the return (PUBLISH Expires: 0,
# de-REGISTER) and no password or token in any log at full verbosity.
. "$(dirname "$0")/../lib.sh"
t_init e2e-idm-service

. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit
command -v glewlwyd >/dev/null || t_abort "glewlwyd not installed (.ci/deps.sh)"
. "$T_TOP/tests/bench/mcserver/mc-up.sh"
mc_prepare
# Step 25 with the IdM client as the token's source: no token file.
bench_extra_config() {
	echo "[service-auth]"
}
export G_MESSAGES_DEBUG=all BENCH_IDM=1
bench_up c$T_ID
# The partner MC server trusts what the partner IdMS signs (its JWKS, issuer, audience).
export MCMIG_MC_JWKS=$T_RUN/idms-partner-jwks.json MCMIG_MC_ISSUER=https://idms.partner.example \
	MCMIG_MC_AUDIENCE=mcptt
mc_start
primary_before=$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")
since() { tail -n +$(($2 + 1)) "$T_RUN/$1.log" | grep -q -- "$3"; }

bench_login >"$T_RUN/login.out" 2>&1
rc=$?
t_check "mcmigctl login: signed in (exit $rc)" test "$rc" -eq 0

mp=$(wc -l <"$T_RUN/mcpartner.log")
mq=$(wc -l <"$T_RUN/mcprimary.log")
"$CTL" watch >"$T_RUN/watch.log" 2>&1 &
watch_pid=$!
t_on_exit "kill $watch_pid"
t_wait_for "mcmigctl watch subscribed" 10 test -s "$T_RUN/watch.log"
migrate migrate --partner urn:mcmig:system:partner
t_check "migrated, user-authenticated, registered and authorised (exit $rc)" test "$rc" -eq 0
t_check "state authorised, seed step 25" json '"state":"authorised".*"seed_step":25'
kill "$watch_pid"
t_check "user-authenticating after the partner PDN, then SIP" bash -c \
	"grep -q 'pdn-connecting -> user-authenticating (pdn-up)' '$T_RUN/watch.log' &&
	 grep -q 'user-authenticating -> registering (user-auth-ok)' '$T_RUN/watch.log'"
t_check "then service-authorising -> authorised" bash -c \
	"grep -q 'registered-at-partner -> service-authorising (registered)' '$T_RUN/watch.log' &&
	 grep -q 'service-authorising -> authorised (service-auth-ok)' '$T_RUN/watch.log'"
t_check "the exchange for the partner IdMS at the primary" grep -q \
	"exchange: alice -> $MCMIG_IDMS_PARTNER_TOKEN_URL: issued" "$T_RUN/idms-exchange.log"
issued=$(grep -c -- "-> sip:alice@mcptt.partner.example: issued" "$T_RUN/idms-partner.log")
t_check "one partner token, asked for once (got $issued)" test "$issued" -eq 1
t_check "the partner MC server checked the partner IdMS's token and asked the primary" \
	since mcpartner "$mp" "token ok (sub sip:alice@mcptt.partner.example, primary $MCMIG_CMS_MC_SERVICE_ID"
t_check "the primary MC server authorised the migration (TS 23.280 10.6.3)" \
	since mcprimary "$mq" "migration of $MCMIG_CMS_MC_SERVICE_ID (sip:alice@mcptt.partner.example at urn:mcmig:system:partner): authorised"
"$CTL" timeline >"$T_RUN/timeline.txt" 2>&1
seq=$("$CTL" timeline --json | grep -o '"seed_step":[1-9][0-9]*' | cut -d: -f2 | uniq | tr '\n' ' ')
t_check "timeline: seed steps 1 13 14 15 22 23 24 25 (got $seq)" test "$seq" = "1 13 14 15 22 23 24 25 "
t_check "timeline: 2 IdM round trips, ends authorised" bash -c \
	"grep -q ', 2 IdM, ' '$T_RUN/timeline.txt' && grep -q 'total .* ms to authorised:' '$T_RUN/timeline.txt'"

pm=$(wc -l <"$T_RUN/mcpartner.log")
migrate return
t_check "returned (exit $rc)" test "$rc" -eq 0
t_check "return: the publication removed (Expires: 0)" \
	since mcpartner "$pm" "removed (Expires: 0)"
t_check "return: back on the primary, wwan1 deconfigured" bash -c \
	"! ip -n '$UE' -br addr show dev '$MCMIG_UE_PARTNER_IF' | grep -q '198.51.100.2/'"
t_check "return: primary wwan0 untouched" \
	test "$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")" = "$primary_before"

secrets=$T_RUN/secrets
{ cat "$MCMIG_IDMS_PASSWORD_FILE"; echo; cat "$T_RUN/idms-issued.tokens" "$T_RUN/state/idm-refresh-token"; echo; } |
	grep -v '^$' >"$secrets"
t_check "the agent logged at full verbosity" grep -q "DEBUG" "$T_RUN/agent.log"
leaks=$(grep -lF -f "$secrets" "$T_RUN"/*.log "$T_RUN"/*.out "$T_RUN"/*.err "$T_RUN/state/timeline" \
	2>/dev/null | tr '\n' ' ')
t_check "no password or token in any log${leaks:+ (found in $leaks)}" test -z "$leaks"
t_done
