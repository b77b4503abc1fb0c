#!/bin/bash
# Revocation at once (seed 6.Y.3, product.md "Numbers"): a migrated, registered
# UE; the primary CMS's admin revokes the migration; the partner's SIP DB sends
# the S-CSCF a Cx RTR, the S-CSCF NOTIFYs the UE's reg-event subscription and
# mcmigd takes the UE back to its primary. Prints revoke -> S-CSCF contact gone
# and revoke -> UE back on the primary against the 1 s goal. One revocation
# per run (the revoked user cannot migrate again). Fails only when the UE does
# not come back at all.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-revoke
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
partner=urn:mcmig:system:partner
bench_up v$T_ID

timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/migrate.out" 2>&1 ||
	bench_die "migrate: $(cat "$T_RUN/migrate.out")"
t_ok "migrated and registered at the partner"
# The subscription must be in place before the revoke, or nothing can tell the UE.
t_wait_for "the reg-event subscription" 10 grep -q "subscribed to the registration state" \
	"$T_RUN/agent.log" || bench_die "no reg-event subscription"
state() { "$CTL" status | sed -n 's/^state:   //p'; }

start=$(date +%s%N)
ip netns exec "$MCMIG_NS_PRIMARY" curl -sS --max-time 5 -o /dev/null \
	-H "Content-Type: application/vnd.mcmig.cms+xml" --data-binary \
	"<revoke xmlns=\"urn:mcmig:cms:1.0\"><mc-service-id>$MCMIG_CMS_MC_SERVICE_ID</mc-service-id></revoke>" \
	"$MCMIG_CMS_PRIMARY_ADMIN/revoke" || bench_die "the revoke request"
answered=$((($(date +%s%N) - start) / 1000))
back=
for ((i = 0; i < 1000; i++)); do
	if [ "$(state)" = idle-on-primary ]; then
		back=$((($(date +%s%N) - start) / 1000))
		break
	fi
	sleep 0.01
done
[ -n "$back" ] || { t_fail "the UE back on the primary within 10 s of the revoke"; t_done; }
t_check "back on the primary, the reason named" \
	bash -c "'$CTL' status | grep -q '^reason:  deregistered-by-network: '"

echo
echo "revocation at once (6.Y.3), one revoke of a registered UE:"
echo "  revoke request answered by the primary CMS     $(p_ms "$answered") ms"
echo "  revoke -> UE back on the primary (polled 10 ms) $(p_ms "$back") ms;" \
	"goal < 1000 ms: $(p_verdict "$back" 999999)"
t_done
