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

# p_ms MICROSECONDS: "1.234"
p_ms() {
	awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'
}

# p_verdict VALUE TARGET: "ok" when VALUE <= TARGET, else "ABOVE TARGET".
p_verdict() {
	awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "ok" : "ABOVE TARGET" }'
}

# p_pid_of NAME: mcmigd's PID (ip netns exec execs it: same PID as the spawn).
p_mcmigd_pid() {
	local pid
	pid=$(t_pid "$1")
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mcmigd ] && echo "$pid"
}

# p_switches PID: voluntary + involuntary context switches of all its threads.
p_switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}
