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

# p_ratio A B: "A/B" with two decimals ("-" when B is 0).
p_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'
}

# p_sip_timeline JSON: the SIP part of one migration's timeline (mcmigctl
# timeline --json), in microseconds:
#   "REG_200 UE NET1 NET2 CARD"
# REG_200 = REGISTER->200 with the card excluded: from the first REGISTER
#   sent (the "register" step, stamped when sipreg hands the request to the
#   socket) to the 200 OK received (the "sip-response" step, stamped once
#   sipreg has read and parsed it), minus the card waits in between (each
#   "card" wait runs from the PC/SC transmit to its return). That is the two
#   SIP network waits (NET1 REGISTER->401, NET2 second REGISTER->200) plus
#   the agent's own time from the 401 to the second REGISTER (UE).
# UE = from the 401 received to the second REGISTER sent ("register-auth"),
#   minus the card waits between them.
# CARD = those card waits. Nothing is printed when the timeline does not
# have that shape (REGISTER, 401, REGISTER, 200).
p_sip_timeline() {
	jq -r '.steps[] | "\(.kind)\t\(.t_us)\t\(.latency_us)\t\(.wait)\t\(.arg)"' "$1" |
		awk -F'\t' '
		$1 == "register" && r1 == "" { r1 = $2; next }
		r1 != "" && c1 == "" && $1 == "sip-response" && $5 ~ /^401/ { c1 = $2; next }
		c1 != "" && r2 == "" && $4 == "card" { card += $3; next }
		c1 != "" && r2 == "" && $1 == "register-auth" { r2 = $2; next }
		r2 != "" && ok == "" && $1 == "sip-response" && $5 ~ /^200/ { ok = $2 }
		END {
			if (ok == "") exit
			print ok - r1 - card, r2 - c1 - card, c1 - r1, ok - r2, card + 0
		}'
}

# p_sipp_times MESSAGE_FILE: from a one-call SIPp -trace_msg log of
# REGISTER, 401, REGISTER, final answer (SIPp 3.6.1 stamps each message with
# gettimeofday() right after it was read, or right after it was written), in
# microseconds: "NET1 UE NET2 STATUS": first REGISTER->401, 401->second
# REGISTER, second REGISTER->its final answer, that answer's status code.
# Nothing is printed when the log does not have that shape.
p_sipp_times() {
	tr -d '\r' <"$1" | awk '
		/^-+ [0-9]+-[0-9]+-[0-9]+ [0-9:.]+$/ {
			split($3, h, ":"); ts = (h[1] * 3600 + h[2] * 60 + h[3]) * 1e6; st = 1; next }
		/^-+$/ { st = 0; next }
		st == 1 && / message sent / { dir = "S"; st = 2; next }
		st == 1 && / message received / { dir = "R"; st = 2; next }
		st == 2 && NF { first = $1 " " $2; st = 3; next }
		st == 3 && /^CSeq:/ {
			st = 0; cseq = $2
			if (dir == "S" && first ~ /^REGISTER/ && !((cseq, "S") in t)) t[cseq, "S"] = ts
			if (dir == "R" && first ~ /^SIP\/2\.0 [2-6]/ && !((cseq, "R") in t)) {
				t[cseq, "R"] = ts; split(first, f, " "); code[cseq] = f[2] }
		}
		# A difference across midnight (the stamps are the time of day).
		function d(a, b) { return (b >= a) ? b - a : b + 86400e6 - a }
		END {
			if (!((1, "S") in t) || !((1, "R") in t) || !((2, "S") in t) || !((2, "R") in t)) exit
			printf "%.0f %.0f %.0f %s\n", d(t[1, "S"], t[1, "R"]), d(t[1, "R"], t[2, "S"]),
				d(t[2, "S"], t[2, "R"]), code[2]
		}'
}

# p_mem PID: "VMRSS PSS ANON" in KiB: VmRSS and RssAnon from /proc/PID/status,
# Pss from /proc/PID/smaps_rollup (shared pages divided among the processes
# that map them: it depends on what else runs, so compare figures taken in
# the same run). Nothing when the process is gone.
p_mem() {
	local rss anon pss
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null)
	[ -n "$rss" ] && [ -n "$pss" ] && echo "$rss $pss ${anon:-0}"
}

# SIPp as a second UE on the bench (tests/perf/register.sh, capture.sh), as
# tests/integration/sipcore.sh runs it: its own subscriber bob at the primary
# SIP DB (SIPp 3.6.1 takes K and OP as the ASCII bytes of 16 characters, AMF
# "00"; one fixed RAND whose RES has no 00 byte, as SIPp truncates RES at
# one), bound over Sh by a client of our own at each SIP DB (the CMSs hold
# cms.*.example and its local port).
#   p_sipp_provision   before bench_up: the SIP DBs' extra configuration
#   p_sipp_bind        after bench_up: outbound and inbound identities; sets
#                      P_SIPP_IMPI, P_SIPP_IMPU (t_abort on failure)
#   p_sipp_once NAME SCENARIO [ARGS...]   one registration (-m 1) from the UE
#                      namespace on wwan1's address (up while mcmigd is at the
#                      partner), port 5070; $T_RUN/NAME.msg (-trace_msg), NAME.out
p_sipp_provision() {
	cat >"$T_RUN/primary-extra.conf" <<'EOT'
subscriber bob@ims.primary.example sip:bob@ims.primary.example k=6d636d69672d62656e63682d6b2d3031 op=6d636d69672d62656e63682d6f703031 amf=3030 rand=6d636d69672d62656e63682d72616e64
peer sh-bench.primary.example sh
EOT
	echo "peer sh-bench.partner.example sh" >"$T_RUN/partner-extra.conf"
}

p_sipp_bind() {
	local f=$T_RUN/bob-out.txt
	p_shc "$MCMIG_NS_PRIMARY" primary outbound sip:bob@ims.primary.example >"$f" 2>"$T_RUN/sh.err" ||
		t_abort "Sh: outbound identities for SIPp's bob: $(tail -n 1 "$T_RUN/sh.err")"
	p_shc "$MCMIG_NS_PARTNER" partner inbound "$(sed -n 's/^impi=//p' "$f")" "$(sed -n 's/^impu=//p' "$f")" \
		"$(sed -n 's/^sipdb_host=//p' "$f")" "$(sed -n 's/^sipdb_realm=//p' "$f")" \
		>"$T_RUN/bob-in.txt" 2>>"$T_RUN/sh.err" ||
		t_abort "Sh: inbound identities for SIPp's bob: $(tail -n 1 "$T_RUN/sh.err")"
	P_SIPP_IMPI=$(sed -n 's/^impi=//p' "$T_RUN/bob-in.txt")
	P_SIPP_IMPU=$(sed -n 's/^impu=//p' "$T_RUN/bob-in.txt")
}

# p_shc NAMESPACE primary|partner COMMAND...: mcmig-sh as sh-bench.<side>.example.
p_shc() {
	local ns=$1 side=$2
	shift 2
	ip netns exec "$ns" "$T_BUILD/bench/mcmig-sh" --identity "sh-bench.$side.example" \
		--realm "$side.example" --peer "hss.$side.example" --peer-realm "$side.example" \
		--peer-addr 127.0.0.1 --local-port 3879 --work-dir "$T_RUN" --timeout 3000 "$@"
}

p_sipp_once() {
	local name=$1 sf=$2
	shift 2
	(cd "$T_RUN" && timeout 30 ip netns exec "$UE" sipp "$MCMIG_PARTNER_UE_ADDR:5060" \
		-sf "$T_TOP/tests/bench/sipp/$sf" -m 1 -i 198.51.100.2 -p 5070 \
		-key impi "$P_SIPP_IMPI" -key impu "$P_SIPP_IMPU" -key domain ims.partner.example \
		-au "$P_SIPP_IMPI" -auth_uri ims.partner.example -timeout 15s -timeout_error -nostdin \
		-trace_msg -message_file "$T_RUN/$name.msg" "$@" >"$T_RUN/$name.out" 2>&1 </dev/null)
}
