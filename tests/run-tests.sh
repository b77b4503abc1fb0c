#!/bin/bash
# Runs cmocka unit test binaries and integration scripts, shows their output,
# and ends with one summary line: "check: N passed, N failed[, N skipped]".
#
#   run-tests.sh --build DIR [--qemu TRIPLET] [UNIT_BINARY...] -- [INTEGRATION_SCRIPT...]
#
# Integration scripts source tests/lib.sh and end with their own
# "N passed, N failed" line; a script that dies without one counts as one failure.
set -uo pipefail

build=build
qemu=
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--qemu) qemu=$2; shift 2 ;;
	--) break ;;
	*) break ;;
	esac
done
units=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do units+=("$1"); shift; done
[ $# -gt 0 ] && shift
integ=("$@")

passed=0 failed=0 skipped=0
failures=()
logdir="$build/test-logs"
mkdir -p "$logdir"

# Adds the counts from a log to the totals; $2 is what to blame if the
# runner produced no recognisable result.
tally_cmocka() {
	local log=$1 name=$2 rc=$3 p f
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -ne 0 ] && failures+=("$name")
}

tally_plain() {
	local log=$1 name=$2 rc=$3 line p f s
	line=$(grep -E '^([A-Za-z0-9_.-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		failures+=("$name (no result line, exit $rc)")
		return
	fi
	p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.*\b([0-9]+) failed.*/\1/' <<<"$line")
	s=0
	[[ $line == *skipped ]] && s=$(sed -E 's/.*\b([0-9]+) skipped$/\1/' <<<"$line")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	[ "$f" -ne 0 ] && failures+=("$name")
}

runner=()
if [ -n "$qemu" ]; then
	arch=${qemu%%-*}
	command -v "qemu-$arch" >/dev/null || { echo "run-tests: qemu-$arch not found" >&2; exit 1; }
	# Debian multiarch puts the target's loader and libraries under /, so -L / finds them.
	runner=("qemu-$arch" -L /)
fi

for t in "${units[@]}"; do
	name=$(basename "$t")
	log="$logdir/$name.log"
	echo "=== $name"
	"${runner[@]}" "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	tally_cmocka "$log" "$name" "$rc"
done

for s in "${integ[@]}"; do
	name=$(basename "$s" .sh)
	log="$logdir/$name.log"
	echo "=== $name"
	if [ "$(id -u)" -ne 0 ]; then
		echo "$name: needs root (network namespaces, private daemons): skipped"
		skipped=$((skipped + 1))
		continue
	fi
	MCMIG_BUILD=$build bash "$s" >"$log" 2>&1
	rc=$?
	cat "$log"
	tally_plain "$log" "$name" "$rc"
done

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
if [ "$skipped" -gt 0 ]; then
	echo "check: $passed passed, $failed failed, $skipped skipped"
else
	echo "check: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
