#!/bin/bash
# What MC service user authentication (seed step 14, issue 14) adds to a
# migration at the moment of need: the bench with its IdM servers (glewlwyd,
# the token exchange, the partner IdMS), alice signed in, the partner
# configuration stored; N migrations (MCMIG_BENCH_RUNS, default 10) each
# followed by a return. From each run's timeline: the time in
# user-authenticating (PDN up to the first REGISTER), the IdM round trips
# and what they waited on the network, against the protocol minimum of 2
# (token exchange at the primary, partner token at the partner) while the
# access token is fresh; one more run after a daemon restart shows the
# refresh (3). Fails only when a migration does not happen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-user-auth
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
command -v glewlwyd >/dev/null || { echo "perf-user-auth: glewlwyd not installed"; exit 0; }
runs=${MCMIG_BENCH_RUNS:-10}
partner=urn:mcmig:system:partner
export BENCH_IDM=1
bench_up u$T_ID
bench_login >"$T_RUN/login.out" 2>&1 || bench_die "mcmigctl login: $(cat "$T_RUN/login.out")"
timeout 60 "$CTL" migrate --fetch-only --partner "$partner" >"$T_RUN/fetch.out" 2>&1 ||
	bench_die "fetch the partner configuration: $(cat "$T_RUN/fetch.out")"
t_ok "signed in, partner configuration stored"

# run I: one migration and return; appends "phase_us idm_requests idm_network_us" to $T_RUN/ua.
run() {
	timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/run$1.out" 2>&1 || return 1
	"$CTL" timeline --json >"$T_RUN/run$1.json" || return 1
	jq -r '.steps as $s |
		([$s[] | select(.kind == "state" and .arg == "user-authenticating") | .t_us] | first) as $a |
		([$s[] | select(.kind == "state" and .arg == "registering") | .t_us] | first) as $b |
		[$s[] | select(.kind == "idm-answer" or .kind == "idm-partner-answer") | .latency_us] as $w |
		"\($b - $a) \(.summary.idm_requests) \($w | add)"' "$T_RUN/run$1.json" >>"$T_RUN/ua"
	timeout 60 "$CTL" return >"$T_RUN/return$1.out" 2>&1
}

: >"$T_RUN/ua"
bad=0
for i in $(seq "$runs"); do
	run "$i" || { t_fail "run $i: $(cat "$T_RUN/run$i.out" "$T_RUN/return$i.out" 2>/dev/null)"; bad=1; break; }
done
[ "$bad" -eq 0 ] && t_ok "$runs migrations with user authentication, each registered and returned"
t_stop agent
t_spawn agent2 ip netns exec "$UE" "$MCMIGD" -c "$T_RUN/mcmig.conf"
t_wait_for "mcmigd up again" 15 bash -c "'$CTL' status | grep -q '^state:   idle-on-primary'"
cp "$T_RUN/ua" "$T_RUN/ua.fresh"
: >"$T_RUN/ua"
run restart && t_ok "after a restart: migrated with the stored refresh token"

n=$(wc -l <"$T_RUN/ua.fresh")
if [ "$n" -gt 0 ]; then
	cut -d' ' -f1 "$T_RUN/ua.fresh" >"$T_RUN/w.phase"
	cut -d' ' -f3 "$T_RUN/ua.fresh" >"$T_RUN/w.network"
	echo
	echo "MC service user authentication in step 14 (glewlwyd, token exchange, partner IdMS), $n runs:"
	printf '  %-34s %10s %10s %10s %10s\n' "" median p90 min max
	for f in phase network; do
		read -r med p90 min max < <(p_stats "$T_RUN/w.$f")
		printf '  %-34s %10s %10s %10s %10s ms\n' \
			"$([ $f = phase ] && echo "user-authenticating (added)" || echo "of which IdM round trips")" \
			"$(p_ms "$med")" "$(p_ms "$p90")" "$(p_ms "$min")" "$(p_ms "$max")"
	done
	rt=$(cut -d' ' -f2 "$T_RUN/ua.fresh" | sort | uniq -c | sort -rn | head -n 1 | awk '{ print $2 }')
	echo "  IdM round trips (most runs): $rt; protocol minimum 2 (exchange, partner token):" \
		"$([ "$rt" = 2 ] && echo ok || echo "ABOVE MINIMUM")"
	if [ -s "$T_RUN/ua" ]; then
		read -r phase rt net <"$T_RUN/ua"
		echo "  after a restart (access token renewed first): $rt round trips, $(p_ms "$phase") ms"
	fi
	echo "  the first run's timeline: $T_RUN/run1.json"
fi
t_done
