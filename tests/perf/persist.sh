#!/bin/bash
# What "persist intent before acting" costs (issue 12, crash safety). mcmigd
# writes its journal (agent/journal.c) through the store's atomic write
# (agent/store.c: temporary file, rename) before every transition and every
# new modem handle; durably (fsync of the file, then of the directory) only
# when the intent changes or a restart resumes from the state, as what it
# names otherwise does not outlive a reboot. The migration state file is
# durable, the timeline file not.
#
# 1. Per write: the journal mcmigd wrote at registered-at-partner, written
#    MCMIG_BENCH_PERSIST_WRITES times (default 200) by mcmig-persist-bench
#    through journal_format + store_put_file (durable, and process-only),
#    interleaved with the anchors it
#    does itself with the same bytes in the same filesystem (write + fsync +
#    rename; write + rename without fsync; an in-place overwrite of an
#    allocated file + fdatasync, which changes no metadata), and, when
#    sqlite3 is installed, a SQLite commit of the same bytes
#    (synchronous=FULL, rollback journal: its default durable write; a mean
#    over one process's commits).
# 2. Per migration and per return: the store's writes mcmigd makes, counted
#    by strace (the renames onto journal, migration, timeline; the time its
#    fsyncs took; how many journal writes were durable; the journal writes
#    that rewrote unchanged bytes) over
#    MCMIG_BENCH_PERSIST_RUNS (default 3) migrations and returns; then as
#    many runs without strace for the timeline's total and agent overhead.
#    The counts times the median writes are set beside them.
# Fails only when a migration does not happen or a tool cannot run.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-persist
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
command -v strace >/dev/null || bench_die "strace is not installed (make deps)"
writes=${MCMIG_BENCH_PERSIST_WRITES:-200}
runs=${MCMIG_BENCH_PERSIST_RUNS:-3}
partner=urn:mcmig:system:partner
state=$T_RUN/state
bench_up s$T_ID
pid=$(p_mcmigd_pid agent) || bench_die "mcmigd's PID"

timeout 60 "$CTL" migrate --fetch-only --partner "$partner" >"$T_RUN/fetch.out" 2>&1 ||
	bench_die "fetch the partner configuration: $(cat "$T_RUN/fetch.out")"

# traced NAME CMD...: CMD with strace on mcmigd (every thread, the helpers it
# starts): the store's system calls, paths resolved (-y), times (-T).
traced() {
	local name=$1
	shift
	t_spawn "strace-$name" strace -f -y -T -qq -s 65536 \
		-e trace=openat,write,fsync,renameat,renameat2,rename -o "$T_RUN/$name.strace" -p "$pid"
	# strace writes nothing until the first call: wait until it holds mcmigd.
	t_wait_for "strace attached" 10 grep -q "^TracerPid:[[:space:]]*$(t_pid "strace-$name")$" \
		"/proc/$pid/status" || bench_die "strace attached to mcmigd"
	"$@"
	local rc=$?
	# What a transition tells the outside (the timeline file among it) goes
	# out from an idle source once the answer is sent (mcmigd.c
	# announce_flush): counted with the command that caused it.
	sleep 0.5
	t_stop "strace-$name"
	return $rc
}

# writes_of TRACE FILE: how many times the store replaced $state/FILE.
writes_of() {
	# (a rename strace saw interrupted by another thread's call ends in
	# "<unfinished ...>": matched without its closing parenthesis)
	grep -c "rename[a-z0-9]*(.*\.tmp-$2\", .*</${state#/}>, \"$2\"" "$1" || true
}

# unchanged_of TRACE FILE: how many of those replaced it with the bytes it
# already held (the store writes a file in two halves: joined per rename).
unchanged_of() {
	awk -v f="$2" -v dir="/${state#/}" '
		index($0, "write(") && index($0, "<" dir "/.tmp-" f ">, \"") {
			s = substr($0, index($0, ", \"") + 2); sub(/, [0-9]+\) += .*$/, "", s); acc = acc s; next }
		index($0, "rename") && index($0, "\".tmp-" f "\", ") && index($0, "<" dir ">, \"" f "\"") {
			if (seen && acc == prev) n++; prev = acc; acc = ""; seen = 1 }
		END { print n + 0 }' "$1"
}

# durable_of TRACE FILE: how many of those waited for the storage (the temporary file's fsync).
durable_of() {
	grep -c "fsync([0-9]*<.*/\.tmp-$2>)" "$1" || true
}

# fsync_us TRACE: the fsyncs' time in microseconds (strace -T "<0.001234>").
fsync_us() {
	awk '/fsync\(/ && match($0, /<[0-9.]+>$/) { s += substr($0, RSTART + 1, RLENGTH - 2) }
		END { printf "%.0f\n", s * 1e6 }' "$1"
}

: >"$T_RUN/counts"
for i in $(seq "$runs"); do
	traced "m$i" timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/m$i.out" 2>&1 ||
		bench_die "traced run $i: migrate: $(cat "$T_RUN/m$i.out")"
	[ "$i" -eq 1 ] && cp "$state/journal" "$T_RUN/journal.sample"
	traced "r$i" timeout 60 "$CTL" return >"$T_RUN/r$i.out" 2>&1 ||
		bench_die "traced run $i: return: $(cat "$T_RUN/r$i.out")"
	for k in m r; do
		echo "$k $(writes_of "$T_RUN/$k$i.strace" journal) $(writes_of "$T_RUN/$k$i.strace" migration)" \
			"$(writes_of "$T_RUN/$k$i.strace" timeline) $(fsync_us "$T_RUN/$k$i.strace")" \
			"$(unchanged_of "$T_RUN/$k$i.strace" journal) $(durable_of "$T_RUN/$k$i.strace" journal)" \
			>>"$T_RUN/counts"
	done
done
: >"$T_RUN/w.total"
: >"$T_RUN/w.agent"
for i in $(seq "$runs"); do
	timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/u$i.out" 2>&1 ||
		bench_die "run $i: migrate: $(cat "$T_RUN/u$i.out")"
	"$CTL" timeline --json >"$T_RUN/u$i.json" || bench_die "run $i: no timeline"
	jq -r '.summary.total_us' "$T_RUN/u$i.json" >>"$T_RUN/w.total"
	jq -r '.summary.agent_us' "$T_RUN/u$i.json" >>"$T_RUN/w.agent"
	timeout 60 "$CTL" return >"$T_RUN/ur$i.out" 2>&1 || bench_die "run $i: return: $(cat "$T_RUN/ur$i.out")"
done
t_ok "$((2 * runs)) migrations and returns, $runs of them under strace"
# What the journal holds is secret-free, but the state directory's files are
# 0600 all the same (the partner records hold PAP/CHAP passwords).
t_check "journal, migration and timeline files 0600" \
	test "$(stat -c %a "$state/journal" "$state/migration" "$state/timeline" | sort -u)" = 600

# The same filesystem as mcmigd's state directory.
mkdir -p "$T_RUN/persist"
"$T_BUILD/bench/mcmig-persist-bench" --dir "$T_RUN/persist" --journal "$T_RUN/journal.sample" \
	--writes "$writes" >"$T_RUN/persist.out" 2>"$T_RUN/persist.err" ||
	bench_die "mcmig-persist-bench: $(cat "$T_RUN/persist.err")"
for v in format store process fsync nosync inplace; do
	awk -v v="$v" '$1 == v { print $2 }' "$T_RUN/persist.out" >"$T_RUN/p.$v"
done
bytes=$(awk '$1 == "bytes" { print $2 }' "$T_RUN/persist.out")
t_ok "$writes journal writes through the store, beside the anchors"

# SQLite's durable commit of the same bytes: one process, N autocommits
# (each a transaction: journal written and synced, database synced, journal
# deleted), less the same process with none. A mean, whole process.
sqlite_us=
if command -v sqlite3 >/dev/null; then
	sq() { # N: the time (us) of one sqlite3 process making N commits
		local n=$1 t0 t1 db=$T_RUN/persist/sqlite.db
		rm -f "$db"
		sqlite3 "$db" "PRAGMA journal_mode=DELETE; CREATE TABLE j(n INTEGER, t BLOB);
			INSERT INTO j VALUES(0, NULL);" >/dev/null
		# n changes each time: SQLite does not write a row whose bytes are
		# unchanged (no dirty page, no commit to sync).
		t0=$(date +%s%N)
		for i in $(seq "$n"); do
			echo "UPDATE j SET n = $i, t = readfile('$T_RUN/journal.sample');"
		done | sqlite3 -cmd "PRAGMA synchronous=FULL" "$db"
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	}
	base=$(sq 0)
	all=$(sq "$writes")
	sqlite_us=$(((all - base) / writes))
fi

fs=$(findmnt -n -o FSTYPE,SOURCE -T "$state" | tr -s " ")
echo
echo "journal write ($bytes bytes: mcmigd's journal at registered-at-partner), $writes writes each," \
	"interleaved, in the state directory's filesystem ($fs):"
printf '  %-46s %9s %9s %9s %9s\n' "" median p95 min max
row() {
	read -r med _ min max < <(p_stats "$2")
	printf '  %-46s %9s %9s %9s %9s ms\n' "$1" "$(p_ms "$med")" "$(p_ms "$(p_pct "$2" 95)")" \
		"$(p_ms "$min")" "$(p_ms "$max")"
}
row "journal_format alone" "$T_RUN/p.format"
row "mcmigd's durable write (format + store_put_file)" "$T_RUN/p.store"
row "mcmigd's process-only write (no fsync)" "$T_RUN/p.process"
row "anchor: write, fsync, rename" "$T_RUN/p.fsync"
row "anchor: write, rename (no fsync)" "$T_RUN/p.nosync"
row "anchor: pwrite in place, fdatasync" "$T_RUN/p.inplace"
[ -n "$sqlite_us" ] && printf '  %-46s %9s (mean)\n' "anchor: sqlite3 commit (synchronous=FULL)" "$(p_ms "$sqlite_us")"
read -r store_med _ _ _ < <(p_stats "$T_RUN/p.store")
read -r process_med _ _ _ < <(p_stats "$T_RUN/p.process")
read -r fsync_med _ _ _ < <(p_stats "$T_RUN/p.fsync")
echo "  mcmigd's durable write = $(p_ratio "$store_med" "$fsync_med")x the write, fsync, rename anchor" \
	"(the second fsync: the directory's, which makes the rename durable)"

echo
echo "store writes by mcmigd (strace), $runs runs:"
printf '  %-28s %9s %9s %9s %9s %9s %14s %10s\n' "" journal "(durable)" migration timeline total \
	"fsync (strace)" unchanged
for k in m r; do
	label=$([ "$k" = m ] && echo "per migration (migrate)" || echo "per return (return)")
	# The median run's counts: the run with the median total.
	awk -v k="$k" '$1 == k { print $2 + $3 + $4, $0 }' "$T_RUN/counts" | sort -n |
		awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }' >"$T_RUN/c.$k"
	read -r tot _ j s tl us same dj <"$T_RUN/c.$k"
	printf '  %-28s %9s %9s %9s %9s %9s %11s ms %10s\n' "$label" "$j" "($dj)" "$s" "$tl" "$tot" \
		"$(p_ms "$us")" "$same"
	if [ "$(awk -v k="$k" '$1 == k { print $2, $3, $4 }' "$T_RUN/counts" | sort -u | wc -l)" -gt 1 ]; then
		echo "    (varied between runs: $(awk -v k="$k" '$1 == k { print $2 "/" $3 "/" $4 }' "$T_RUN/counts" | paste -sd' '))"
	fi
done
echo "  (unchanged: journal writes of the bytes the command's previous journal write had written)"
read -r mtot _ mj _ _ _ _ mdj <"$T_RUN/c.m"
read -r rtot _ _ _ _ _ _ rdj <"$T_RUN/c.r"
read -r tmed _ _ _ < <(p_stats "$T_RUN/w.total")
read -r amed _ _ _ < <(p_stats "$T_RUN/w.agent")
est=$((mdj * store_med + (mj - mdj) * process_med))
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", b ? 100 * a / b : 0 }'; }
# The journal is written before each transition it records (migrate.c
# set_state) and before the netdev is configured: on the main loop, in the
# migration's path. The migration and timeline files are written at its end.
echo "  on the migration's path: $mj journal writes ($mdj durable x $(p_ms "$store_med") ms," \
	"$((mj - mdj)) process-only x $(p_ms "$process_med") ms) = $(p_ms "$est") ms;" \
	"the migration (timeline, median of $runs runs without strace): total $(p_ms "$tmed") ms," \
	"agent overhead $(p_ms "$amed") ms (target < 2 ms): the journal is $(pct "$est" "$tmed") of the" \
	"total, $(pct "$est" "$amed") of the agent overhead"
echo "  per migration + return: $((mtot + rtot)) writes, of which the journal's $((mdj + rdj)) and the" \
	"migration file's durable (the timeline's not)"
t_done
