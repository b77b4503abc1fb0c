#!/bin/bash
# make bench: performance figures (product.md "Numbers"). Each benchmark under
# tests/perf/ prints its own figures; nothing here fails on a slow machine.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
benches=(tests/perf/*.sh)
if [ ${#benches[@]} -eq 0 ]; then
	echo "make bench: no benchmarks yet (tests/perf/*.sh)" >&2
	exit 1
fi
for b in "${benches[@]}"; do
	echo "=== $(basename "$b" .sh)"
	bash "$b" "$@"
done
