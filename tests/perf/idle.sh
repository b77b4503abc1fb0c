#!/bin/bash
# mcmigd at rest (product.md "Numbers"): zero periodic wake-ups besides SIP
# refresh and the systemd watchdog (not armed here), RSS under 4 MiB. Over
# MCMIG_BENCH_IDLE_S seconds (default 20) idle-on-primary, then the same
# registered-at-partner (Expires 600: the refresh is 300 s away): the context
# switches of all of mcmigd's threads (/proc/PID/task/*/status) and, when
# strace is there, the system calls made meanwhile; VmRSS and VmHWM.
# Fails only when mcmigd cannot be started or migrated.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-idle
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
secs=${MCMIG_BENCH_IDLE_S:-20}
bench_up i$T_ID
pid=$(p_mcmigd_pid agent) || bench_die "mcmigd's PID"

# idle_window LABEL: context switches over $secs seconds untouched, then (when
# strace is there) what system calls the threads make over a few seconds
# more: ptrace itself switches, so the two are not mixed.
idle_window() {
	local label=$1 rss anon file pss priv threads calls= sw ended gone
	sleep 2 # let the transition's own work (D-Bus, logs) settle
	p_threads "$pid" >"$T_RUN/threads.$label.before"
	sleep "$secs"
	p_threads "$pid" >"$T_RUN/threads.$label.after"
	read -r sw ended gone < <(p_wakeups "$T_RUN/threads.$label.before" "$T_RUN/threads.$label.after")
	if command -v strace >/dev/null; then
		timeout 5 strace -f -qq -e trace='!futex' -o "$T_RUN/strace.$label" -p "$pid" 2>/dev/null
		calls=$(grep -cvE 'resumed>|exited with|\+\+\+|---|restart_syscall' "$T_RUN/strace.$label")
	fi
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status")
	file=$(awk '/^RssFile/ { print $2 }' "/proc/$pid/status")
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")
	priv=$(awk '/^Private_(Clean|Dirty):/ { n += $2 } END { print n }' "/proc/$pid/smaps_rollup")
	threads=$(awk '/^Threads/ { print $2 }' "/proc/$pid/status")
	echo "$label: $sw context switches in $secs s ($threads threads at the end); target 0:" \
		"$([ "$sw" -eq 0 ] && echo ok || echo ABOVE TARGET)"
	[ "$ended" -eq 0 ] ||
		echo "  plus $ended thread(s) that ended meanwhile, one wake-up each, not periodic: $gone"
	[ "$sw" -eq 0 ] || join <(sort "$T_RUN/threads.$label.before") <(sort "$T_RUN/threads.$label.after") |
		awk '$2 != $4 { print "  thread " $1 " (" $3 "): " $4 - $2 " switches" }'
	if [ -n "$calls" ]; then
		echo "  system calls in 5 s under strace -f (futex aside): $calls"
		grep -vE 'resumed>|exited with|\+\+\+|---|restart_syscall' "$T_RUN/strace.$label" |
			sed -E 's/^[0-9]+ +//; s/\(.*//' | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/    /'
	fi
	echo "  VmRSS $rss KiB (anonymous $anon, file-backed $file), PSS $pss KiB, private $priv KiB;" \
		"target < 4096 KiB: $(p_verdict "$rss" 4095)"
	echo "  largest resident mappings (KiB):"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { f = ($6 == "") ? "[anonymous]" : $6 }
		/^Rss:/ { r[f] += $2 } END { for (f in r) print r[f], f }' "/proc/$pid/smaps" |
		sort -rn | head -n 8 | sed 's/^/    /'
	echo "$label $sw $rss $anon $priv" >>"$T_RUN/idle.sum"
}

echo
idle_window idle-on-primary
timeout 60 "$CTL" migrate --partner urn:mcmig:system:partner >"$T_RUN/migrate.out" 2>&1 ||
	bench_die "migrate: $(cat "$T_RUN/migrate.out")"
t_ok "migrated, registered at the partner"
idle_window registered-at-partner
kill -0 "$pid" 2>/dev/null && t_ok "mcmigd still running" || t_fail "mcmigd died"
t_done
