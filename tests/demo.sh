#!/bin/bash
# make demo: a full migration on the bench (seed steps 1-25).
# The end-to-end scenario lands with the agent core (issue "Agent core"); until
# every part it needs exists, this says what is missing and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for f in tests/integration/e2e-migration.sh; do
	[ -f "$f" ] || missing+=("$f")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "make demo: the end-to-end migration is not there yet; missing: ${missing[*]}" >&2
	exit 1
fi
MCMIG_DEMO=1 exec bash tests/integration/e2e-migration.sh "$@"
