#!/bin/bash
# tests/lib.sh itself: a failed set-up step ends a script with exactly one
# failure (not one per later check), the script's exit code says so, and
# the cleanup still removes what the script made (namespaces, PIDs).
. "$(dirname "$0")/../lib.sh"
t_init testlib

child=$T_RUN/child.sh
cat >"$child" <<'EOS'
. "$1/tests/lib.sh"
MCMIG_RUN_DIR=$2 t_init child
NS=$(t_netns a) || t_abort "namespace"
echo "$NS" >"$T_RUN/../ns"
t_spawn sleeper sleep 60
echo "$(t_pid sleeper)" >"$T_RUN/../pid"
t_ok "before the set-up step"
t_setup "a step that fails" false
t_ok "after the failed set-up step"
t_check "a later check" false
t_done
EOS
bash "$child" "$T_TOP" "$T_RUN/inner" >"$T_RUN/child.out" 2>&1
rc=$?
t_check "the script exits non-zero (got $rc)" test "$rc" -eq 1
t_check "one failure, named as a set-up step" \
	bash -c "[ \$(grep -c '^FAIL' '$T_RUN/child.out') -eq 1 ] && grep -q '^FAIL - set-up: a step that fails$' '$T_RUN/child.out'"
t_check "nothing after the failed step ran" bash -c "! grep -q 'after the failed\|a later check' '$T_RUN/child.out'"
t_check "its result line counts what ran" grep -qx 'child: 1 passed, 1 failed' "$T_RUN/child.out"
t_check "its namespace was removed" bash -c "! ip netns list | grep -qw \"\$(cat '$T_RUN/inner/ns')\""
t_check "the process it started was ended" bash -c "! kill -0 \$(cat '$T_RUN/inner/pid') 2>/dev/null"

cat >"$child" <<'EOS'
. "$1/tests/lib.sh"
MCMIG_RUN_DIR=$2 t_init child
t_ok "one"
t_done
echo "after t_done"
EOS
bash "$child" "$T_TOP" "$T_RUN/inner" >"$T_RUN/child2.out" 2>&1
rc=$?
t_check "t_done ends a passing script with 0 (got $rc)" test "$rc" -eq 0
t_check "t_done ends the script" bash -c "! grep -q 'after t_done' '$T_RUN/child2.out'"
t_done
