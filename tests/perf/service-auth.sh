#!/bin/bash
# MC service authorisation at the partner (seed step 25; issue 14): the extra
# round trip after the registration, N times (MCMIG_BENCH_RUNS, default 10),
# each followed by a return. From each run's timeline: the whole step
# (registered-at-partner -> authorised), the PUBLISH -> 200 round trip
# (P-CSCF, S-CSCF, the partner MC server's token check and its request to
# the primary MC server, TS 23.280 10.6.3) and the agent's own part of the
# step; and the return's PUBLISH Expires: 0 round trip. Fails only when a
# migration is not authorised or its timeline is missing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-service-auth
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
[ -x "$T_BUILD/bench/mcmig-mcserver" ] || { echo "perf-service-auth: mcmig-mcserver not built"; exit 0; }
. "$T_TOP/tests/bench/mcserver/mc-up.sh"
runs=${MCMIG_BENCH_RUNS:-10}
partner=urn:mcmig:system:partner
mc_prepare
bench_up a$T_ID
mc_start
mc_mint partner-idms "$MC_AUD" 3600

: >"$T_RUN/w.step" >"$T_RUN/w.publish" >"$T_RUN/w.agent" >"$T_RUN/w.unpublish"
bad=0
for i in $(seq "$runs"); do
	if ! timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/run$i.out" 2>&1 ||
		! grep -q '^state:   authorised' "$T_RUN/run$i.out"; then
		t_fail "run $i: not authorised at the partner: $(cat "$T_RUN/run$i.out")"
		bad=1
		break
	fi
	timeout 60 "$CTL" return >"$T_RUN/return$i.out" 2>&1 ||
		{ t_fail "run $i: return: $(cat "$T_RUN/return$i.out")"; bad=1; break; }
	"$CTL" timeline --json >"$T_RUN/run$i.json" || { t_fail "run $i: no timeline"; bad=1; break; }
	# registered-at-partner -> authorised; the 200 to PUBLISH (step 25) and to its removal.
	jq -r '.steps as $s |
		([$s[] | select(.kind == "state" and .arg == "registered-at-partner") | .t_us] | first) as $r |
		([$s[] | select(.kind == "state" and .arg == "authorised") | .t_us] | first) as $a |
		([$s[] | select(.kind == "sip-response" and .seed_step == 25 and (.arg | startswith("2")))
			| .latency_us] | first) as $p |
		([$s | to_entries[] | select(.value.kind == "unpublish") | .key] | first) as $u |
		"\($a - $r) \($p) \(if $u then $s[$u + 1].latency_us else "-" end)"' \
		"$T_RUN/run$i.json" >"$T_RUN/run$i.sum"
	read -r step publish unpublish <"$T_RUN/run$i.sum"
	case "$step$publish" in *null* | *-*) t_fail "run $i: step 25 not in the timeline"; bad=1; break ;; esac
	echo "$step" >>"$T_RUN/w.step"
	echo "$publish" >>"$T_RUN/w.publish"
	echo $((step - publish)) >>"$T_RUN/w.agent"
	[ "$unpublish" = - ] || echo "$unpublish" >>"$T_RUN/w.unpublish"
done
[ "$bad" -eq 0 ] && t_ok "$runs migrations authorised at the partner (PUBLISH round trip), each returned"

n=$(wc -l <"$T_RUN/w.step")
if [ "$n" -gt 0 ]; then
	echo
	echo "MC service authorisation (seed step 25), $n runs:"
	printf '  %-40s %10s %10s %10s %10s\n' "" median p90 min max
	for f in step publish agent unpublish; do
		case $f in
		step) what="registered -> authorised" ;;
		publish) what="PUBLISH -> 200 (network, MC servers)" ;;
		agent) what="agent's own part of step 25" ;;
		unpublish) what="return: PUBLISH Expires: 0 -> 200" ;;
		esac
		read -r med p90 min max < <(p_stats "$T_RUN/w.$f")
		printf '  %-40s %10s %10s %10s %10s ms\n' "$what" "$(p_ms "$med")" "$(p_ms "$p90")" \
			"$(p_ms "$min")" "$(p_ms "$max")"
	done
fi
t_done
