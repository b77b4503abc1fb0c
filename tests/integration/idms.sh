#!/bin/bash
# MC service user authentication (seed step 14; TS 33.180 5.1.4, B.4, B.7,
# B.8) with the agent's IdM client (agent/idm.c in mcmig-idm, the helper
# mcmigd runs, driven through its standard input and output as mcmigd does:
# agent/idm-result.h) in the ue namespace, against the real glewlwyd of
# Debian as the primary IdM server (configured through its admin API by
# tests/bench/idms/start.sh) and the bench's token exchange and partner IdM
# server (idms.py): wrong password; sign-in with PKCE, the tokens handed
# back; the partner token (RFC 8693 exchange, RFC 7523 at the partner,
# reached over the partner PDN's address; a refresh first when the access
# token is stale); token exchange refused (not permitted to that partner);
# partner IdMS refusing the primary's token (issuer not trusted); an
# untrusted CA; refresh token revoked at glewlwyd (signed out, no token
# handed back); and no password or token in any log.
. "$(dirname "$0")/../lib.sh"
t_init idms

HELPER=$T_BUILD/lib/mcmig/mcmig-idm
[ -x "$HELPER" ] || t_abort "mcmig-idm not built ($HELPER)"
command -v glewlwyd >/dev/null || t_abort "glewlwyd not installed (.ci/deps.sh)"

export MCMIG_BENCH_ID=idm$T_ID MCMIG_BUILD=$T_BUILD
t_on_exit "$T_TOP/tests/bench/topology.sh" down "$T_RUN"
t_on_exit "$T_TOP/tests/bench/idms/start.sh" stop "$T_RUN"
t_setup "topology up" bash -c "\"$T_TOP/tests/bench/topology.sh\" up \"$T_RUN\" >\"$T_RUN/topology.log\" 2>&1"
. "$T_RUN/topology.env"
t_setup "glewlwyd, token exchange and partner IdMS" \
	bash -c "\"$T_TOP/tests/bench/idms/start.sh\" start \"$T_RUN\" >\"$T_RUN/idms.log\" 2>&1"
. "$T_RUN/idms.env"
t_ok "glewlwyd configured through its admin API (plugin, scope, client, user, consent)"
ue=$MCMIG_NS_UE
# What mcmigd keeps between runs (refresh= and access= lines), 0600.
state=$T_RUN/idm.state
(umask 077 && : >"$state")

# The partner PDN's address, as the agent configures it (step 14): the
# partner IdMS is reached over it, as the P-CSCF is.
ip -n "$ue" link set "$MCMIG_UE_PARTNER_IF" up
ip -n "$ue" addr add 198.51.100.2/24 dev "$MCMIG_UE_PARTNER_IF"

n=0
drive() { # COMMAND [ARG] <extra input lines: first line in $out, the state kept
	n=$((n + 1))
	{ echo "0 in"; cat; cat "$state"; } |
		ip netns exec "$ue" "$HELPER" --login "$MCMIG_IDMS_LOGIN_URL" \
			--auth "$MCMIG_IDMS_AUTH_URL" --token "$MCMIG_IDMS_TOKEN_URL" \
			--exchange "$MCMIG_IDMS_EXCHANGE_URL" --client "$MCMIG_IDMS_CLIENT_ID" \
			--redirect "$MCMIG_IDMS_REDIRECT" --scope "openid mcptt" \
			--ca-file "${CA:-$MCMIG_IDMS_CA}" "$@" >"$T_RUN/helper.$n" 2>>"$T_RUN/helper-stderr.log"
	out=$(head -n 1 "$T_RUN/helper.$n")
	grep -E '^(refresh|access)=' "$T_RUN/helper.$n" >"$state" || true
	echo "$n: $* -> $out" >>"$T_RUN/drive.log"
}
partner_token() { drive partner-token "$MCMIG_IDMS_PARTNER_TOKEN_URL" </dev/null; }

drive sign-in < <(printf 'username=alice\npassword=not-her-password\n')
t_check "wrong password: named reason" test "$out" = "1 sign-in refused: wrong username or password"
t_check "wrong password: no token handed back" bash -c "! grep -q '=.' '$state'"

partner_token
t_check "not signed in: no request made" test "$out" = \
	"1 not signed in at the primary IdM server (mcmigctl login)"

drive sign-in < <(printf 'username=alice\npassword=%s\n' "$(cat "$MCMIG_IDMS_PASSWORD_FILE")")
t_check "sign-in (password, code grant with PKCE S256)" test "$out" = "0 ok"
t_check "sign-in: refresh and access tokens handed back" bash -c \
	"grep -q '^refresh=.' '$state' && grep -q '^access=[0-9]* eyJ' '$state'"
t_check "glewlwyd saw alice sign in" grep -q "User 'alice' authenticated with password" \
	"$T_RUN/idms-glewlwyd.log"

partner_token
t_check "partner token: exchange, partner IdMS (the access token still fresh)" bash -c \
	"test '$out' = '0 ok' && grep -q '^partner=[0-9]* eyJ' '$T_RUN/helper.$n' &&
	 grep -qx 'client=mcmig-ue' '$T_RUN/helper.$n' &&
	 test \$(grep -c '^step=' '$T_RUN/helper.$n') -eq 4 &&
	 grep -q '^step=token-exchange 1 [0-9]* ok$' '$T_RUN/helper.$n'"
t_check "the exchange issued for the partner's token endpoint" grep -q \
	"exchange: alice -> $MCMIG_IDMS_PARTNER_TOKEN_URL: issued" "$T_RUN/idms-exchange.log"
t_check "the partner IdMS mapped alice to her partner MC service ID" grep -q \
	"partner token: sip:alice@mcptt.primary.example -> sip:alice@mcptt.partner.example: issued" \
	"$T_RUN/idms-partner.log"

# Token exchange refused: alice may not migrate to that partner (RFC 8693 2.2.2).
cp "$T_RUN/idms-exchange-policy.json" "$T_RUN/exchange-policy.good"
sed -i 's|"partners": \[[^]]*\]|"partners": []|' "$T_RUN/idms-exchange-policy.json"
partner_token
t_check "token exchange refused: named reason" test "$out" = \
	"13 token exchange refused: invalid_target (user alice may not migrate to $MCMIG_IDMS_PARTNER_TOKEN_URL)"
cp "$T_RUN/exchange-policy.good" "$T_RUN/idms-exchange-policy.json"

# The partner IdMS refusing the primary's token: it no longer trusts the primary.
cp "$T_RUN/idms-partner-policy.json" "$T_RUN/partner-policy.good"
sed -i 's|"trust": {[^}]*}|"trust": {}|' "$T_RUN/idms-partner-policy.json"
partner_token
t_check "partner IdMS refuses the primary's token: named reason" test "$out" = \
	"13 partner token request refused: invalid_grant (issuer https://idms.primary.example:8693 not trusted)"
cp "$T_RUN/partner-policy.good" "$T_RUN/idms-partner-policy.json"
partner_token
t_check "trusted again: partner token" test "$out" = "0 ok"

# An access token near its end is renewed first (RFC 6749 6): 3 requests.
sed -i 's/^access=[0-9]*/access=1/' "$state"
partner_token
t_check "stale access token: refresh, exchange, partner token" bash -c \
	"test '$out' = '0 ok' && grep -q '^step=refresh 1 [0-9]* ok$' '$T_RUN/helper.$n'"

# A server the CA file does not vouch for is never talked to (TLS verified).
sed -i 's/^access=[0-9]*/access=1/' "$state"
CA=$T_RUN/idms-pki/partner.crt partner_token
t_check "an untrusted IdMS certificate: tls reason" grep -q '^13 refresh: tls: ' <<<"$out"

# Refresh token revoked by the user at glewlwyd (its profile API).
t_setup "alice disables her refresh tokens at glewlwyd" \
	"$T_TOP/tests/bench/idms/start.sh" revoke "$T_RUN"
sed -i 's/^access=[0-9]*/access=1/' "$state"
partner_token
t_check "revoked refresh token: named reason, signed out" test "$out" = \
	"1 refresh refused: HTTP 400; signed out, run mcmigctl login"
t_check "revoked refresh token: none handed back" bash -c "! grep -q '^refresh=.' '$state'"

drive sign-in < <(printf 'username=alice\npassword=%s\n' "$(cat "$MCMIG_IDMS_PASSWORD_FILE")")
partner_token
t_check "signed in again: partner token" test "$out" = "0 ok"

# No password and no token anywhere in the logs (tokens: every one the bench
# services saw or issued; glewlwyd's own are the subject tokens among them).
secrets=$T_RUN/secrets
{ cat "$MCMIG_IDMS_PASSWORD_FILE"; echo; cat "$T_RUN/idms-issued.tokens"; sed -n 's/^refresh=//p' "$T_RUN"/helper.*; } |
	grep -v '^$' | sort -u >"$secrets"
t_check "the secrets list holds the password and the tokens ($(wc -l <"$secrets") lines)" \
	test "$(wc -l <"$secrets")" -ge 8
leaks=$(grep -rlF -f "$secrets" "$T_RUN"/*.log "$T_RUN/idms-glewlwyd.out" 2>/dev/null)
t_check "no password or token in any log${leaks:+ (found in $leaks)}" test -z "$leaks"
t_done
