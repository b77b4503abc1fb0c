# Shared helpers for integration tests (bash). Source it first:
#
#   . "$(dirname "$0")/../lib.sh"
#   t_init NAME            run dir, trap; namespaces and PIDs are cleaned up on any exit
#   t_netns NAME           create namespace "mcmig-$T_ID-NAME" with lo up; prints its name
#                          (safe inside $(...): the name is recorded in the run directory)
#   t_veth NS1 IP1 NS2 IP2 veth pair between two namespaces (RFC 5737 / link-local addresses)
#   t_spawn NAME CMD...    start CMD in the background, log to $T_RUN/NAME.log, remember its PID
#   t_stop NAME            kill exactly that PID (TERM, then KILL after 3 s)
#   t_wait_for DESC SECS CMD...   poll CMD (every 0.1 s) until it succeeds or SECS pass
#   t_ok DESC / t_fail DESC / t_check DESC CMD...   record results
#   t_setup DESC CMD...    run a set-up step; if it fails, t_abort DESC
#   t_abort DESC           a set-up step failed: one failure, then t_done (the
#                          later checks would only repeat that one fault)
#   t_done                 print "NAME: N passed, N failed" and exit (non-zero on failure)
#
# Rules (brief): traffic only to loopback or veth addresses inside namespaces made
# here; kill only the PIDs started here; never pkill/killall.

T_PASS=0
T_FAIL=0
T_NAME=
T_RUN=
T_ID=
declare -A T_PIDS=()
T_CLEANUP=()

T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T_BUILD=${MCMIG_BUILD:-build}
case "$T_BUILD" in /*) ;; *) T_BUILD="$T_TOP/$T_BUILD" ;; esac
# mcmigd loads its modem backend from the build tree, not from an install
# (mcmigd(8), ENVIRONMENT).
export MCMIG_MODULE_DIR=$T_BUILD/lib/mcmig

t_init() {
	T_NAME=$1
	T_ID=$$
	T_RUN=${MCMIG_RUN_DIR:-$T_TOP/build/run}/$T_NAME.$T_ID
	rm -rf "$T_RUN"
	mkdir -p "$T_RUN"
	chmod 0700 "$T_RUN"
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
	echo "$T_NAME: run directory $T_RUN"
}

# Registers a command to run at cleanup (last registered runs first).
t_on_exit() {
	T_CLEANUP=("$*" "${T_CLEANUP[@]}")
}

t_cleanup() {
	local rc=$? c name ns
	for c in "${T_CLEANUP[@]}"; do
		eval "$c" >/dev/null 2>&1 || true
	done
	for name in "${!T_PIDS[@]}"; do
		t_stop "$name"
	done
	if [ -f "$T_RUN/.netns" ]; then
		while read -r ns; do
			t_netns_del "$ns"
		done <"$T_RUN/.netns"
	fi
	exit $rc
}

# Namespaces are recorded in a file, not a variable: t_netns is mostly called
# as NS=$(t_netns x), in a subshell whose variables are lost.
t_netns() {
	local ns="mcmig-$T_ID-$1"
	ip netns add "$ns" || return 1
	echo "$ns" >>"$T_RUN/.netns"
	ip -n "$ns" link set lo up
	echo "$ns"
}

# Kills what still runs in a namespace this test made (a daemon a library
# spawned there, e.g. qmi-proxy), then deletes it.
t_netns_del() {
	local ns=$1 p
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "/etc/netns/$ns"
}

# t_veth NS1 ADDR1/PFX NS2 ADDR2/PFX
t_veth() {
	local a="v$T_ID${RANDOM}a" b
	a=${a:0:15}
	b=${a:0:14}b
	ip link add "$a" netns "$1" type veth peer name "$b" netns "$3" || return 1
	ip -n "$1" addr add "$2" dev "$a"
	ip -n "$3" addr add "$4" dev "$b"
	ip -n "$1" link set "$a" up
	ip -n "$3" link set "$b" up
}

t_spawn() {
	local name=$1
	shift
	"$@" >"$T_RUN/$name.log" 2>&1 &
	T_PIDS[$name]=$!
}

t_pid() {
	echo "${T_PIDS[$1]:-}"
}

t_stop() {
	local name=$1 pid=${T_PIDS[$1]:-} i
	[ -n "$pid" ] || return 0
	unset "T_PIDS[$name]"
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

t_wait_for() {
	local desc=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "$T_NAME: timed out after ${secs}s waiting for $desc" >&2
	return 1
}

t_ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok   - $*"
}

t_fail() {
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL - $*"
}

t_check() {
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_fail "$desc"; fi
}

t_setup() {
	local desc=$1
	shift
	"$@" || t_abort "$desc"
}

t_abort() {
	t_fail "set-up: $*"
	echo "$T_NAME: stopped at a failed set-up step; the checks after it were not run"
	t_done
}

t_done() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] && exit 0
	exit 1
}
