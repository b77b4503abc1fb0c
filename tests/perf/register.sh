#!/bin/bash
# REGISTER->200 beside SIPp (product.md "Numbers": the UE's processing
# between the 401 and the second REGISTER, card excluded, <= 0.5 ms median;
# REGISTER->200 within 1.2x of SIPp against the same S-CSCF). In the same run
# and against the same Kamailio S-CSCF, MCMIG_BENCH_RUNS times (default 30):
# mcmigd migrates (configuration fetched before), then, while wwan1 is up,
# SIPp registers from the UE namespace on the same link (AKAv1-MD5, its own
# subscriber bob provisioned at the primary SIP DB and bound over Sh as the
# CMSs do, see tests/integration/sipcore.sh), then mcmigd returns.
#
# mcmig: from each run's timeline (p_sip_timeline in lib/perf.sh defines the
# figures): REGISTER->200 card excluded = first REGISTER sent -> 200 OK
# received minus the card's waits (PC/SC transmit -> return) = the two SIP
# network waits + the agent's time between the 401 and the second REGISTER.
# SIPp: from its -trace_msg timestamps (gettimeofday right after a message is
# read / written). SIPp has no card; its scenario register-aka.xml pauses
# 200 ms in its place, because Kamailio 5.6.3 re-challenges an answer that
# comes too quickly (it sends the 401 before it files the vector). So SIPp
# runs twice per round: register-aka.xml gives the two network waits
# (REGISTER->401, second REGISTER->200), register-aka-now.xml answers the
# 401 at once and gives SIPp's own time from the 401 to the second REGISTER;
# SIPp's REGISTER->200 card excluded = the sum of the three. Prints medians,
# the ratio mcmig/SIPp against 1.2x and the UE time against 0.5 ms; fails
# only when a registration does not happen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-register
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
command -v sipp >/dev/null || {
	echo "$T_NAME: sipp (Debian sip-tester) not installed"
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
}
runs=${MCMIG_BENCH_RUNS:-30}
partner=urn:mcmig:system:partner
p_sipp_provision
bench_up r$T_ID
p_sipp_bind

timeout 60 "$CTL" migrate --fetch-only --partner "$partner" >"$T_RUN/fetch.out" 2>&1 ||
	bench_die "fetch the partner configuration: $(cat "$T_RUN/fetch.out")"
t_ok "partner configuration fetched; SIPp's subscriber bound over Sh"

for f in m.reg m.ue m.net1 m.net2 s.reg s.ue s.net1 s.net2 s.now200; do : >"$T_RUN/$f"; done
bad=0 odd=0 rechallenged=0
for i in $(seq "$runs"); do
	if ! timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/run$i.out" 2>&1; then
		t_fail "run $i: mcmigd not registered at the partner: $(cat "$T_RUN/run$i.out")"
		bad=1
		break
	fi
	"$CTL" timeline --json >"$T_RUN/run$i.json" || { t_fail "run $i: no timeline"; bad=1; break; }
	if ! p_sipp_once sipp$i register-aka.xml; then
		t_fail "run $i: SIPp did not register: $(tail -n 3 "$T_RUN/sipp$i.out" | tr '\n' ' ')"
		bad=1
		break
	fi
	p_sipp_once now$i register-aka-now.xml ||
		{ t_fail "run $i: SIPp answering at once: $(tail -n 3 "$T_RUN/now$i.out" | tr '\n' ' ')"; bad=1; break; }
	timeout 60 "$CTL" return >"$T_RUN/return$i.out" 2>&1 ||
		{ t_fail "run $i: return: $(cat "$T_RUN/return$i.out")"; bad=1; break; }

	read -r reg ue net1 net2 _ < <(p_sip_timeline "$T_RUN/run$i.json")
	read -r snet1 _ snet2 scode < <(p_sipp_times "$T_RUN/sipp$i.msg")
	read -r nnet1 nue nnet2 ncode < <(p_sipp_times "$T_RUN/now$i.msg")
	if [ -z "$reg" ] || [ "$scode" != 200 ] || [ -z "$nue" ]; then
		odd=$((odd + 1)) # an unexpected shape (e.g. a retransmission): left out
		continue
	fi
	echo "$reg" >>"$T_RUN/m.reg"
	echo "$ue" >>"$T_RUN/m.ue"
	echo "$net1" >>"$T_RUN/m.net1"
	echo "$net2" >>"$T_RUN/m.net2"
	echo $((snet1 + nue + snet2)) >>"$T_RUN/s.reg"
	echo "$nue" >>"$T_RUN/s.ue"
	echo "$snet1" >>"$T_RUN/s.net1"
	echo "$snet2" >>"$T_RUN/s.net2"
	if [ "$ncode" = 200 ]; then
		echo $((nnet1 + nue + nnet2)) >>"$T_RUN/s.now200"
	else
		rechallenged=$((rechallenged + 1))
	fi
done
[ "$bad" -eq 0 ] && t_ok "$runs rounds: mcmigd migrated and returned, SIPp registered (twice) in between"

n=$(wc -l <"$T_RUN/m.reg")
if [ "$n" -gt 0 ]; then
	row() { # label, file
		local med p90 min max
		read -r med p90 min max < <(p_stats "$2")
		printf '  %-46s %9s %9s %9s %9s\n' "$1" "$(p_ms "$med")" "$(p_ms "$p90")" "$(p_ms "$min")" "$(p_ms "$max")"
	}
	echo
	echo "REGISTER -> 200 OK with AKAv1-MD5 at the same S-CSCF, same link, $n rounds (ms):"
	printf '  %-46s %9s %9s %9s %9s\n' "" median p90 min max
	row "mcmig REGISTER->200, card excluded" "$T_RUN/m.reg"
	row "SIPp  REGISTER->200, card excluded" "$T_RUN/s.reg"
	row "mcmig first REGISTER->401 (network)" "$T_RUN/m.net1"
	row "SIPp  first REGISTER->401 (network)" "$T_RUN/s.net1"
	row "mcmig second REGISTER->200 (network)" "$T_RUN/m.net2"
	row "SIPp  second REGISTER->200 (network)" "$T_RUN/s.net2"
	row "mcmig 401->second REGISTER, card excluded" "$T_RUN/m.ue"
	row "SIPp  401->second REGISTER (answering at once)" "$T_RUN/s.ue"
	[ ! -s "$T_RUN/s.now200" ] ||
		row "SIPp  REGISTER->200 at once, not re-challenged" "$T_RUN/s.now200"
	read -r mreg _ _ _ < <(p_stats "$T_RUN/m.reg")
	read -r sreg _ _ _ < <(p_stats "$T_RUN/s.reg")
	ratio=$(p_ratio "$mreg" "$sreg")
	echo "  REGISTER->200 card excluded, mcmig/SIPp (medians): ${ratio}x; goal <= 1.2x:" \
		"$(p_verdict "$ratio" 1.2)"
	read -r mue _ _ _ < <(p_stats "$T_RUN/m.ue")
	read -r sue _ _ _ < <(p_stats "$T_RUN/s.ue")
	echo "  UE time from the 401 to the second REGISTER, card excluded: mcmig median $(p_ms "$mue") ms;" \
		"goal <= 0.5 ms: $(p_verdict "$mue" 500); SIPp $(p_ms "$sue") ms ($(p_ratio "$mue" "$sue")x)"
	echo "  (SIPp answering at once was challenged again in $rechallenged of $n rounds: Kamailio's race;" \
		"$odd round(s) of another shape left out)"
	echo "  mcmig's stamps: REGISTER when handed to the socket, a response once parsed; SIPp's: after" \
		"the write, after the read"
fi
t_done
