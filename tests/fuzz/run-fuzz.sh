#!/bin/bash
# Runs libFuzzer harnesses one after the other for a bounded time each and
# ends with "fuzz: N passed, N failed". Called by `make fuzz`.
#
#   run-fuzz.sh --build DIR --seconds N [--merge] NAME...
#
# Each fuzzer starts from the committed corpus tests/fuzz/corpus/NAME and
# writes what it finds under DIR/fuzz-work/NAME, never into the tree; with
# --merge, inputs that reach code the committed corpus does not are then
# added to it (libFuzzer -merge=1). A crash leaves its
# reproducer in DIR/fuzz-work/NAME/artifacts/ and the path is printed: replay
# it with DIR/tests/replay_NAME FILE, or DIR/fuzz/fuzz_NAME FILE.
set -uo pipefail
cd "$(dirname "$0")/../.."

build=build
seconds=60
merge=
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--merge) merge=1; shift ;;
	*) break ;;
	esac
done

passed=0 failed=0
failures=()
for name in "$@"; do
	bin=$build/fuzz/fuzz_$name
	corpus=tests/fuzz/corpus/$name
	work=$build/fuzz-work/$name
	log=$work/fuzz.log
	mkdir -p "$work/corpus" "$work/artifacts"
	echo "=== fuzz_$name (${seconds} s)"
	# -timeout: a parser that needs a second for one input is a finding too.
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		failures+=("$name")
		tail -n 60 "$log"
		repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		echo "fuzz_$name: FAILED (exit $rc), ${execs:-?} executions; reproducer: ${repro:-none (see $log)}"
		continue
	fi
	passed=$((passed + 1))
	echo "fuzz_$name: ${execs:-?} executions, ${cov:-cov: ?}, $(find "$work/corpus" -type f | wc -l) new inputs"
	if [ -n "$merge" ]; then
		before=$(find "$corpus" -type f | wc -l)
		# Edges only (no hit counters): an input joins the tree for code no
		# other input reaches, which keeps the committed corpus small.
		"$bin" -merge=1 -use_counters=0 "$corpus" "$work/corpus" >"$work/merge.log" 2>&1 ||
			{ echo "fuzz_$name: merge failed (see $work/merge.log)"; failed=$((failed + 1)); continue; }
		echo "fuzz_$name: corpus $before -> $(find "$corpus" -type f | wc -l) files"
	fi
done

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
