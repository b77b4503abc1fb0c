#!/bin/bash
# MC service user authentication in the whole seed flow (issue 14, seed step
# 14; TS 33.180 5.1.4, B.4, B.7, B.8): the bench of e2e-migration.sh plus its
# IdM servers (glewlwyd of Debian as the primary IdMS, the bench's token
# exchange and partner IdMS), mcmigd with [idm] at full verbosity
# (G_MESSAGES_DEBUG=all). Not signed in; wrong password at mcmigctl login;
# sign-in; migration through user-authenticating (exchange and partner token
# after the partner PDN is up, then SIP) and return; after a restart the
# refresh token from the state directory; and each refusal with its named
# reason and the UE back on the primary: token exchange refused, the partner
# IdMS refusing the primary's token, the refresh token revoked at glewlwyd.
# At the end no password and no token in any log.
. "$(dirname "$0")/../lib.sh"
t_init e2e-idm

. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit
command -v glewlwyd >/dev/null || t_abort "glewlwyd not installed (.ci/deps.sh)"
export G_MESSAGES_DEBUG=all BENCH_IDM=1
bench_up i$T_ID
rt=$T_RUN/state/idm-refresh-token
primary_before=$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")
back_on_primary() {
	t_check "$1: back on the primary, wwan1 deconfigured" bash -c \
		"! ip -n '$UE' -br addr show dev '$MCMIG_UE_PARTNER_IF' | grep -q '198.51.100.2/'"
	t_check "$1: primary wwan0 untouched" \
		test "$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")" = "$primary_before"
}
agent=agent
restart() {
	t_stop "$agent"
	agent=${agent}x
	t_spawn "$agent" ip netns exec "$UE" "$MCMIGD" -c "$T_RUN/mcmig.conf"
	t_wait_for "mcmigd up again" 15 bash -c "'$CTL' status | grep -q '^state:   \(idle-on-primary\|failed\)'" ||
		bench_die "mcmigd restart"
}
failed_with() { # REASON DESC
	migrate migrate --partner urn:mcmig:system:partner
	t_check "$2: failed (exit $rc)" test "$rc" -eq 1
	t_check "$2: reason '$1'" json "\"reason\":\"$1\""
	back_on_primary "$2"
}

t_check "mcmigd: not signed in at start" grep -q "IdM client: not signed in (mcmigctl login)" \
	"$T_RUN/agent.log"
failed_with "user-auth: not signed in at the primary IdM server (mcmigctl login)" "not signed in"

"$CTL" login --user alice <<<"not-her-password" >"$T_RUN/login1.out" 2>&1
rc=$?
t_check "mcmigctl login, wrong password: exit 1 (got $rc)" test "$rc" -eq 1
t_check "mcmigctl login, wrong password: named reason" \
	grep -qx "mcmigctl: sign-in refused: wrong username or password" "$T_RUN/login1.out"
t_check "wrong password: no refresh token stored" test ! -e "$rt"
bench_login >"$T_RUN/login2.out" 2>&1
rc=$?
t_check "mcmigctl login: signed in (exit $rc)" test "$rc" -eq 0
t_check "the refresh token in the state directory, 0600" test "$(stat -c %a "$rt" 2>/dev/null)" = 600

# Steps 1-24 with the user authentication of step 14 between PDN and SIP.
"$CTL" watch >"$T_RUN/watch.log" 2>&1 &
watch_pid=$!
t_on_exit "kill $watch_pid"
# Its first line (the current state) comes once it is subscribed: no step is missed.
t_wait_for "mcmigctl watch subscribed" 10 test -s "$T_RUN/watch.log"
migrate migrate --partner urn:mcmig:system:partner
t_check "migrated with user authentication (exit $rc)" test "$rc" -eq 0
t_check "state registered-at-partner" json '"state":"registered-at-partner"'
t_check "mcmigctl watch showed user-authenticating after the PDN" \
	grep -q "pdn-connecting -> user-authenticating (pdn-up)" "$T_RUN/watch.log"
t_check "then SIP registration" \
	grep -q "user-authenticating -> registering (user-auth-ok)" "$T_RUN/watch.log"
kill "$watch_pid"
t_check "the exchange for the partner IdMS at the primary" grep -q \
	"exchange: alice -> $MCMIG_IDMS_PARTNER_TOKEN_URL: issued" "$T_RUN/idms-exchange.log"
t_check "the partner token for alice's partner MC service ID" grep -qF -- \
	"-> sip:alice@mcptt.partner.example: issued" "$T_RUN/idms-partner.log"
"$CTL" timeline >"$T_RUN/timeline.txt" 2>&1
seq=$("$CTL" timeline --json | grep -o '"seed_step":[1-9][0-9]*' | cut -d: -f2 | uniq | tr '\n' ' ')
# The configuration was stored by the first (failed) migration: no CMS exchange.
t_check "timeline: seed steps 14 15 22 23 24 in order (got $seq)" test "$seq" = "14 15 22 23 24 "
t_check "timeline: the token exchange and the partner token request of step 14" bash -c \
	"grep -q '14  token request: token-exchange' '$T_RUN/timeline.txt' &&
	 grep -q '14  token request: partner-token' '$T_RUN/timeline.txt'"
t_check "timeline: the IdM round trips counted" grep -q ", 2 IdM, " "$T_RUN/timeline.txt"
t_check "timeline --svg: the IdM servers' lifelines" bash -c \
	"'$CTL' timeline --svg '$T_RUN/timeline.svg' >/dev/null && grep -q '>partner IdMS</text>' '$T_RUN/timeline.svg'"
migrate return
t_check "returned (exit $rc)" test "$rc" -eq 0
back_on_primary "return"

# After a restart: the refresh token from the state directory (RFC 6749 6).
restart
t_check "restart: signed in from the state directory" \
	grep -q "IdM client: signed in, refresh token in the state directory" "$T_RUN/$agent.log"
migrate migrate --partner urn:mcmig:system:partner
t_check "restart: migrated, the access token renewed first (exit $rc)" test "$rc" -eq 0
t_check "restart: the refresh on the timeline" bash -c \
	"'$CTL' timeline | grep -q '14  token request: refresh'"
migrate return

# Token exchange refused: alice may not migrate to this partner (RFC 8693 2.2.2).
cp "$T_RUN/idms-exchange-policy.json" "$T_RUN/exchange-policy.good"
sed -i 's|"partners": \[[^]]*\]|"partners": []|' "$T_RUN/idms-exchange-policy.json"
failed_with "user-auth: token exchange refused: invalid_target (user alice may not migrate to $MCMIG_IDMS_PARTNER_TOKEN_URL)" \
	"token exchange refused"
t_check "token exchange refused: the partner PDN taken down" \
	grep -q "session down: apn=mcptt.partner.example" "$T_RUN/emu.log"
cp "$T_RUN/exchange-policy.good" "$T_RUN/idms-exchange-policy.json"

# The partner IdMS refuses the primary's token (it no longer trusts that issuer).
cp "$T_RUN/idms-partner-policy.json" "$T_RUN/partner-policy.good"
sed -i 's|"trust": {[^}]*}|"trust": {}|' "$T_RUN/idms-partner-policy.json"
failed_with "user-auth: partner token request refused: invalid_grant (issuer https://idms.primary.example:8693 not trusted)" \
	"partner IdMS refuses"
cp "$T_RUN/partner-policy.good" "$T_RUN/idms-partner-policy.json"

# The refresh token revoked at glewlwyd by alice; a restart leaves no access token.
restart
t_setup "alice disables her refresh tokens at glewlwyd" "$BENCH_IDMS" revoke "$T_RUN"
failed_with "user-auth: refresh refused: HTTP 400; signed out, run mcmigctl login" \
	"refresh token revoked"
t_check "refresh token revoked: the file is gone" test ! -e "$rt"
bench_login >/dev/null 2>&1
migrate migrate --partner urn:mcmig:system:partner
t_check "signed in again: migrated (exit $rc)" test "$rc" -eq 0
migrate return

# Full verbosity, every log: no password, no token.
secrets=$T_RUN/secrets
{ cat "$MCMIG_IDMS_PASSWORD_FILE"; echo; cat "$T_RUN/idms-issued.tokens" "$rt"; echo; } |
	grep -v '^$' >"$secrets"
t_check "the agent logged at full verbosity" grep -q "DEBUG" "$T_RUN/agent.log"
t_check "secrets to look for: the password and $(($(wc -l <"$secrets") - 1)) tokens" \
	test "$(wc -l <"$secrets")" -ge 10
leaks=$(grep -lF -f "$secrets" "$T_RUN"/*.log "$T_RUN"/*.out "$T_RUN"/*.err "$T_RUN/state/timeline" \
	2>/dev/null | tr '\n' ' ')
t_check "no password or token in any log${leaks:+ (found in $leaks)}" test -z "$leaks"
t_done
