# Helpers for the benchmarks (tests/perf/*.sh, run by `make bench`): source
# after tests/lib.sh. Benchmarks print figures against the product's targets
# (product.md "Numbers"); they fail only when something is broken (the
# migration did not happen), never because the machine is slow.

# p_stats FILE: "median p90 min max" of the integers in FILE (one a line).
p_stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "- - - -"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)
		p = int((NR * 9 + 9) / 10); if (p > NR) p = NR
		print m, v[p], v[1], v[NR] }'
}

# p_pct FILE PCT: the PCT-th percentile (nearest rank) of the integers in FILE.
p_pct() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		r = int((NR * p + 99) / 100); if (r < 1) r = 1; if (r > NR) r = NR
		print v[r] }'
}

# p_ms MICROSECONDS: "1.234"
p_ms() {
	awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'
}

# p_verdict VALUE TARGET: "ok" when VALUE <= TARGET, else "ABOVE TARGET".
p_verdict() {
	awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "ok" : "ABOVE TARGET" }'
}

# p_mcmigd_pid NAME: mcmigd's PID (ip netns exec execs it: same PID as the spawn).
p_mcmigd_pid() {
	local pid
	pid=$(t_pid "$1")
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mcmigd ] && echo "$pid"
}

# p_threads PID: "TID SWITCHES NAME" for each of its threads (voluntary and
# involuntary context switches).
p_threads() {
	local t
	for t in /proc/"$1"/task/*; do
		awk -v tid="${t##*/}" -v name="$(cat "$t/comm" 2>/dev/null)" \
			'/^(non)?voluntary_ctxt_switches/ { n += $2 } END { if (NR) print tid, n + 0, name }' \
			"$t/status" 2>/dev/null
	done
}

# p_wakeups BEFORE AFTER: "SWITCHES ENDED NAMES": the context switches of the
# threads alive in both p_threads snapshots (or born between them), and the
# threads that ended meanwhile (each woke once to end; their counts are gone).
p_wakeups() {
	awk 'NR == FNR { b[$1] = $2; n[$1] = $3; next }
		{ d += ($1 in b) ? $2 - b[$1] : $2; seen[$1] = 1 }
		END { for (t in b) if (!(t in seen)) { e++; gone = gone " " n[t] "(" t ")" }
			print d + 0, e + 0, (gone == "" ? "-" : substr(gone, 2)) }' "$1" "$2"
}
