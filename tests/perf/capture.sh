#!/bin/bash
# The agent's timeline against the wire: tcpdump inside the UE namespace
# (-i any: wwan1, the partner PDN's netdev, is down until each migration
# brings it up, and tcpdump cannot open a down interface) captures the SIP
# traffic (UDP 5060) and ARP of MCMIG_BENCH_CAPTURE_RUNS migrations (default
# 5; configuration fetched before). For each SIP exchange: the timeline's
# network wait (p_sip_timeline: request handed to the socket -> response
# parsed) beside the capture's REGISTER -> response (both as seen on wwan1),
# and the difference, which is the agent's own send and receive path (and, on
# the first REGISTER of a freshly raised link, the ARP resolution the kernel
# holds the packet for: printed apart). The timeline should lag the wire by
# at most that. Then the UE's own time from the 401 to the second REGISTER,
# card excluded, as the timeline has it and as the wire does (401 in ->
# REGISTER out, minus the timeline's card wait), and SIPp's on the same wire
# (register-aka-now.xml, once per migration while wwan1 is up, under the same
# capture) beside what its -trace_msg stamps say. Fails only when a migration
# or a SIPp registration does not happen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-capture
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
command -v tcpdump >/dev/null || {
	echo "$T_NAME: tcpdump not installed"
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
}
runs=${MCMIG_BENCH_CAPTURE_RUNS:-5}
partner=urn:mcmig:system:partner
sipp=
command -v sipp >/dev/null && sipp=yes && p_sipp_provision
bench_up k$T_ID
[ -z "$sipp" ] || p_sipp_bind

timeout 60 "$CTL" migrate --fetch-only --partner "$partner" >"$T_RUN/fetch.out" 2>&1 ||
	bench_die "fetch the partner configuration: $(cat "$T_RUN/fetch.out")"

# --immediate-mode -U: every packet to the file as it comes (the ring is not
# flushed on TERM); -Z root: the run directory is root's.
t_spawn tcpdump ip netns exec "$UE" tcpdump -i any -nn -U --immediate-mode -Z root --time-stamp-precision=nano \
	-w "$T_RUN/sip.pcap" "udp port 5060 or arp"
t_wait_for "tcpdump listening" 10 grep -q 'listening on any' "$T_RUN/tcpdump.log" ||
	bench_die "tcpdump in the UE namespace: $(tail -n 2 "$T_RUN/tcpdump.log")"

: >"$T_RUN/windows"
for i in $(seq "$runs"); do
	start=$(date +%s.%N)
	timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/run$i.out" 2>&1 ||
		bench_die "run $i: not registered at the partner: $(cat "$T_RUN/run$i.out")"
	echo "$i $start $(date +%s.%N)" >>"$T_RUN/windows"
	"$CTL" timeline --json >"$T_RUN/run$i.json" || bench_die "run $i: no timeline"
	if [ -n "$sipp" ]; then
		# SIPp under the same capture, answering at once (its own time).
		start=$(date +%s.%N)
		p_sipp_once now$i register-aka-now.xml ||
			bench_die "run $i: SIPp: $(tail -n 3 "$T_RUN/now$i.out" | tr '\n' ' ')"
		echo "s$i $start $(date +%s.%N)" >>"$T_RUN/windows"
	fi
	timeout 60 "$CTL" return >"$T_RUN/return$i.out" 2>&1 ||
		bench_die "run $i: return: $(cat "$T_RUN/return$i.out")"
done
sleep 0.2 # the last packets reach the file (-U)
t_stop tcpdump
t_ok "$runs migrations${sipp:+ and SIPp registrations} under tcpdump on the UE's partner netdev"

# The capture as "RUN KIND MICROSECONDS" (time since the first run's start;
# RUN is the window's name: N for mcmigd's migration N, sN for SIPp's):
# REG (a REGISTER out), RSP (a final response in), ARPQ / ARPR (who-has / reply).
# Read inside the namespace: the file names interfaces by index.
ip netns exec "$UE" tcpdump -r "$T_RUN/sip.pcap" -nn -tt --time-stamp-precision=nano 2>/dev/null >"$T_RUN/sip.txt"
base=$(awk 'NR == 1 { split($2, a, "."); print a[1] }' "$T_RUN/windows")
awk -v base="$base" '
	function us(t,   a) { split(t, a, "."); return (a[1] - base) * 1e6 + substr(a[2] "000000000", 1, 9) / 1000 }
	NR == FNR { id[++n] = $1; w0[n] = us($2); w1[n] = us($3); next }
	{
		t = us($1); run = ""
		for (i = 1; i <= n; i++) if (t >= w0[i] && t <= w1[i]) run = id[i]
		if (run == "") next
		if ($0 ~ / SIP: REGISTER /) k = "REG"
		else if ($0 ~ / SIP: SIP\/2\.0 [2-6][0-9][0-9] /) k = "RSP"
		else if ($0 ~ /ARP, Request who-has/) k = "ARPQ"
		else if ($0 ~ /ARP, Reply/) k = "ARPR"
		else next
		printf "%s %s %.3f\n", run, k, t
	}' "$T_RUN/windows" "$T_RUN/sip.txt" >"$T_RUN/wire"

# Per run: "RUN NET1 NET2 ARP UE" on the wire (the first REGISTER of each
# exchange to its final response; ARP who-has -> reply before the first;
# the first response in -> the next REGISTER out, card included).
awk '{
		if ($2 == "REG" && pend[$1] == "") {
			pend[$1] = $3
			if (c1[$1] != "" && ue[$1] == "") ue[$1] = $3 - c1[$1]
		} else if ($2 == "RSP" && pend[$1] != "") {
			x[$1] = x[$1] " " ($3 - pend[$1]); pend[$1] = ""
			if (c1[$1] == "") c1[$1] = $3
		}
		else if ($2 == "ARPQ" && q[$1] == "") q[$1] = $3
		else if ($2 == "ARPR" && q[$1] != "" && a[$1] == "") a[$1] = $3 - q[$1]
		runs[$1] = 1
	}
	END { for (r in runs) printf "%s%s %s %s\n", r, x[r], (a[r] == "") ? "-" : a[r], (ue[r] == "") ? "-" : ue[r] }' "$T_RUN/wire" |
	sort -n >"$T_RUN/wire.sum"

echo
echo "capture: $(grep -c ' SIP: ' "$T_RUN/sip.txt") SIP packets on $(awk '/ SIP: / { print $2 }' "$T_RUN/sip.txt" |
	sort -u | paste -sd, -), $(grep -c ' ARP, ' "$T_RUN/sip.txt") ARP"
echo "timeline vs capture on wwan1 (UE namespace), $runs migrations (ms):"
printf '  %-4s %-22s %10s %10s %12s %10s\n' run exchange timeline wire "difference" "ARP"
for f in diffs ue.tl ue.wire; do : >"$T_RUN/$f"; done
missing=0
for i in $(seq "$runs"); do
	read -r _ ue net1 net2 card < <(p_sip_timeline "$T_RUN/run$i.json")
	read -r _ w1 w2 arp uew < <(grep "^$i " "$T_RUN/wire.sum")
	if [ -z "$net1" ] || [ -z "$w2" ] || [ "$w2" = - ]; then
		echo "  $i: the timeline or the capture does not have REGISTER, 401, REGISTER, 200"
		missing=$((missing + 1))
		continue
	fi
	for x in "REGISTER->401 $net1 $w1 $arp" "REGISTER->200 $net2 $w2 -"; do
		read -r ex tl wire a <<<"$x"
		d=$(awk -v t="$tl" -v w="$wire" 'BEGIN { printf "%.0f", t - w }')
		echo "$d" >>"$T_RUN/diffs"
		printf '  %-4s %-22s %10s %10s %12s %10s\n' "$i" "$ex" "$(p_ms "$tl")" "$(p_ms "$wire")" \
			"$(p_ms "$d")" "$([ "$a" = - ] && echo - || p_ms "$a")"
	done
	# The UE's own time, card excluded: the timeline's (401 parsed -> second
	# REGISTER handed to the socket) and the wire's (401 in -> REGISTER out)
	# minus the same card wait; the wire's is longer by the receive and send
	# paths the timeline's stamps leave out.
	[ "$uew" = - ] && continue
	uew=$(awk -v u="$uew" -v c="$card" 'BEGIN { printf "%.0f", u - c }')
	echo "$ue" >>"$T_RUN/ue.tl"
	echo "$uew" >>"$T_RUN/ue.wire"
	printf '  %-4s %-22s %10s %10s %12s\n' "$i" "401->REGISTER, no card" "$(p_ms "$ue")" "$(p_ms "$uew")" \
		"$(p_ms $((ue - uew)))"
done
if [ -s "$T_RUN/diffs" ]; then
	read -r med _ min max < <(p_stats "$T_RUN/diffs")
	echo "  timeline - wire: median $(p_ms "$med") ms, min $(p_ms "$min") ms, max $(p_ms "$max") ms" \
		"over $(wc -l <"$T_RUN/diffs") exchanges;" \
		"never ahead of the wire: $([ "${min#-}" = "$min" ] && echo ok || echo "NO (timeline shorter than the wire)")"
fi
if [ -s "$T_RUN/ue.tl" ]; then
	read -r med _ _ _ < <(p_stats "$T_RUN/ue.tl")
	read -r wmed _ _ _ < <(p_stats "$T_RUN/ue.wire")
	echo "  UE time from the 401 to the second REGISTER, card excluded: timeline median $(p_ms "$med") ms," \
		"wire median $(p_ms "$wmed") ms (401 in -> REGISTER out, minus the timeline's card wait); goal <= 0.5 ms:" \
		"timeline $(p_verdict "$med" 500), wire $(p_verdict "$wmed" 500)"
fi
if [ -n "$sipp" ]; then
	# SIPp's own time on the same wire, beside its -trace_msg stamps.
	: >"$T_RUN/sipp.wire"
	: >"$T_RUN/sipp.trace"
	for i in $(seq "$runs"); do
		read -r _ _ _ _ uew < <(grep "^s$i " "$T_RUN/wire.sum")
		read -r _ ut _ _ < <(p_sipp_times "$T_RUN/now$i.msg")
		[ -n "$uew" ] && [ "$uew" != - ] && awk -v u="$uew" 'BEGIN { printf "%.0f\n", u }' >>"$T_RUN/sipp.wire"
		[ -z "$ut" ] || echo "$ut" >>"$T_RUN/sipp.trace"
	done
	if [ -s "$T_RUN/sipp.wire" ] && [ -s "$T_RUN/ue.wire" ]; then
		read -r smed _ smin smax < <(p_stats "$T_RUN/sipp.wire")
		read -r tmed _ _ _ < <(p_stats "$T_RUN/sipp.trace")
		read -r wmed _ _ _ < <(p_stats "$T_RUN/ue.wire")
		echo "  SIPp answering at once, $(wc -l <"$T_RUN/sipp.wire") registrations under the same capture:" \
			"401 in -> REGISTER out median $(p_ms "$smed") ms ($(p_ms "$smin")-$(p_ms "$smax"));" \
			"its -trace_msg stamps say $(p_ms "$tmed") ms"
		echo "  UE time on the wire, card excluded: mcmig $(p_ms "$wmed") ms, SIPp $(p_ms "$smed") ms" \
			"($(p_ratio "$wmed" "$smed")x)"
	fi
fi
[ "$missing" -eq 0 ] && t_ok "every run's two SIP exchanges found in the capture" ||
	t_fail "$missing run(s) without their SIP exchanges in the capture (see $T_RUN/sip.txt)"
t_done
