# The bench MC servers (service authorisation, seed step 25) next to
# tests/bench/bench-up.sh, for tests/integration/e2e-service-auth.sh and
# tests/perf/service-auth.sh. Source after bench-up.sh:
#
#   mc_prepare         before bench_up: the partner SIP DB's iFC, a test key
#                      pair (and another one) and mcmigd's [service-auth]
#                      with a token file (defines bench_extra_config)
#   bench_up ID
#   mc_start           the primary and the partner MC server; the user is
#                      permitted to migrate (RUN_DIR/mc-permit)
#   mc_mint KEY AUD EXPIRES-IN   a partner access token into the token file
#                      (0600), signed with RUN_DIR/KEY.key; its signature is
#                      appended to RUN_DIR/token-sigs (for "not in any log")
#
# Until the IdM client and the partner IdMS are there, the token is minted
# with the test key whose JWKS the partner MC server trusts.

MCS=$T_BUILD/bench/mcmig-mcserver
MC_ISS=https://idms.partner.example
MC_AUD=mcptt.partner.example
MC_PARTNER_ID=sip:mig-alice@mcptt.partner.example
MC_TOKEN=$T_RUN/partner-token

mc_prepare() {
	[ -x "$MCS" ] || bench_die "mcmig-mcserver not built"
	# The partner SIP DB's user profile names the partner MC server in an iFC.
	echo "application-server sip:127.0.0.5:5070" >"$T_RUN/partner-extra.conf"
	"$MCS" keygen "$T_RUN/partner-idms.key" "$T_RUN/partner-idms.jwks" || bench_die "test key"
	"$MCS" keygen "$T_RUN/other.key" "$T_RUN/other.jwks" || bench_die "another key"
	bench_extra_config() {
		cat <<EOF2
[service-auth]
token-file=$MC_TOKEN
client-id=mcmig-bench-ue
EOF2
	}
}

mc_start() {
	t_on_exit "$BENCH_CORE stop $T_RUN mcpartner mcprimary"
	echo "$MCMIG_CMS_MC_SERVICE_ID urn:mcmig:system:partner" >"$T_RUN/mc-permit"
	$BENCH_CORE start "$T_RUN" mcprimary mcpartner >>"$T_RUN/sipcore.log" 2>&1 ||
		bench_die "MC servers: $(tail -n 2 "$T_RUN/sipcore.log")"
}

mc_mint() {
	(umask 077 && "$MCS" mint "$T_RUN/$1.key" "$MC_ISS" "$2" "$MC_PARTNER_ID" \
		"$MCMIG_CMS_MC_SERVICE_ID" "$3" >"$MC_TOKEN") || bench_die "mint a token"
	cut -d. -f3 "$MC_TOKEN" >>"$T_RUN/token-sigs"
}
