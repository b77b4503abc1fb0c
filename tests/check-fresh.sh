#!/bin/bash
# make check-fresh: a newcomer's first run, proven on a fresh Debian 12 root.
#
#   tests/check-fresh.sh [--ci | --first CMD]
#
# Debootstraps Debian 12 into build/fresh/root and prepares it like a
# machine (tests/fresh-root.sh, shared with check-deb), clones this
# checkout's HEAD into it and runs, as root, exactly the lines of
# README.md's first-run block (the prerequisite line, `make demo`,
# `make check`), reporting each step's result and time. Then it checks that
# nothing was left behind: no file in the root's /tmp, no network namespace,
# no process. --ci also runs `bash .ci/run` there (CI's own command; it does
# not recurse into check-fresh inside the fresh root). --first CMD runs the
# prerequisite line and then CMD alone (e.g. 'make install DESTDIR=/x').
#
# Everything runs in a private mount namespace, so every mount it makes ends
# with it (tests/fresh-root.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ci=0
first=
case "${1:-}" in
--ci) ci=1 ;;
--first) first=${2:?--first needs a command} ;;
"") ;;
*) echo "usage: $0 [--ci | --first CMD]" >&2; exit 2 ;;
esac

# shellcheck source=tests/fresh-root.sh
. "$top/tests/fresh-root.sh"
fresh_init check-fresh "$top/build/fresh" "$@"
base=$fresh_base

# The first-run block of README.md: the lines between the markers, without
# comments. The README is the one source; this runs what it says (its third
# line is expected to be `make check`: what it writes is checked below).
mapfile -t steps < <(sed -n '/<!-- first-run -->/,/<!-- \/first-run -->/p' "$top/README.md" |
	sed -n '/^```$/,/^```$/p' | grep -v '^```' | sed 's/[[:space:]]*#.*$//' | grep .)
[ ${#steps[@]} -ge 3 ] || { echo "check-fresh: README.md has no first-run block (<!-- first-run -->)" >&2; exit 1; }
[ $ci -eq 1 ] && steps+=("bash .ci/run")
# --first CMD: the prerequisite line, then CMD as the very first command
# instead of the two (every entry point must work as the first one).
[ -n "$first" ] && steps=("${steps[0]}" "$first")

# 1, 2. debootstrap (always fresh), a machine.
fresh_root

# 3. The checkout, as a newcomer has it: a git clone (HEAD; uncommitted work is not in it).
git clone -q "$top" "$root/root/mcmig"

# 4. The README's lines, each as root in the clone. Build errors are those of
# pkg-config and of the compiler (file:line:col: error); tests print their own
# refusals on purpose, so other "error" words do not count.
build_errors='pkg-config: (No such file|not found)|Package .* was not found|^[^ ]+\.[ch]:[0-9]+(:[0-9]+)?: (fatal )?error:|undefined reference to'
# Files that make check wrote outside the clone's build/ (and the tmpfs
# mounts, checked apart), since the marker.
outside_build() {
	find "$root" -xdev -newer "$base/marker" ! -type d \
		! -path "$root/root/mcmig/build/*" ! -path "$root/root/mcmig/.git/*" \
		! -path "$root/proc/*" ! -path "$root/sys/*" ! -path "$root/dev/*" \
		! -path "$root/run/*" ! -path "$root/tmp/*" 2>/dev/null | sed "s|^$root||"
}

n=0
for step in "${steps[@]}"; do
	n=$((n + 1))
	# Before README's last line (make check): everything it writes must be
	# inside the checkout's build directory (its packages are in by then).
	[ $n -eq 3 ] && touch "$base/marker"
	s=$(date +%s)
	log="$base/step-$((${#results[@]})).log"
	if fresh_run "$log" "cd /root/mcmig && $step"; then
		st=ok
	else
		st=FAIL
		failed=1
	fi
	# A newcomer must not see pkg-config or compiler errors, even when the step passes.
	if grep -Eq "$build_errors" "$log"; then
		echo "check-fresh: '$step' printed error lines:" >&2
		grep -E "$build_errors" "$log" | head -5 >&2
		st=FAIL
		failed=1
	fi
	tail -n 3 "$log" | sed 's/^/    /'
	report "$step" "$st" $(($(date +%s) - s))
	[ $n -eq 3 ] && none_left "'$step' wrote nothing outside build/" "$(outside_build)"
	[ $st = ok ] || { tail -n 40 "$log" >&2; break; }
done

# 5. Nothing left behind outside the run directories.
fresh_leftovers
fresh_summary
