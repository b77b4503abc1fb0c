#!/bin/bash
# The hardware-in-the-loop runner (tests/hil/hil.sh) against the bench: the
# whole scenario suite passes with the software card and qmi-emu, and the
# report a tester would attach is complete: report.txt with a PASS line per
# scenario, report.json that parses with every scenario passed, the check
# run before the suite, and a well-formed SVG sequence chart per scenario.
. "$(dirname "$0")/../lib.sh"
t_init hil-bench-report

. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
rep=$T_RUN/report
"$T_TOP/tests/hil/hil.sh" --bench --report "$rep" >"$T_RUN/hil.out" 2>&1
rc=$?
sed 's/^/  /' "$T_RUN/hil.out"
t_check "the runner passed every scenario (exit $rc)" test "$rc" -eq 0
scenarios="migrate return mac-failure resync primary-unreachable revoked"
for s in $scenarios; do
	t_check "report.txt: $s passed" grep -Eq "^PASS  $s " "$rep/report.txt"
	t_check "$s: sequence chart well-formed" xmllint --noout "$rep/$s.timeline.svg"
done
t_check "report.json: every scenario, each passed" python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/report.json"))
names = [s["name"] for s in d["scenarios"]]
assert names == sys.argv[2].split(), names
assert all(s["result"] == "pass" for s in d["scenarios"]), d
assert d["passed"] == len(names) and d["failed"] == 0 and d["check_exit"] == 0
' "$rep" "$scenarios"
t_check "report: mcmigctl check before the suite said ready" grep -qx "ready: a migration can start" "$rep/check.txt"
t_check "report: the card, without secrets" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["impi"] == "alice@ims.primary.example", d
' "$rep/card.json"
t_done
