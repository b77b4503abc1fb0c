#!/bin/bash
# Hardware in the loop: the migration scenario suite against whatever card
# and modem the board configuration names, with a report a tester attaches
# to a field-test record.
#
#   tests/hil/hil.sh --config HIL_CONF [--report DIR] [--only "S1 S2..."]
#       on a board: mcmigd runs (systemd) with the board's mcmig.conf, a real
#       reader and ISIM, a real modem whose network side is the bench reached
#       over the modem's PDNs through a private LTE core (tests/hil/README.md)
#   tests/hil/hil.sh --bench [--report DIR] [--only ...]
#       the same suite here: the bench (tests/bench/bench-up.sh: software card
#       behind pcscd, qmi-emu, CMSs, SIP DBs, Kamailio) stands for the board
#       and its network; `make check` runs it (tests/integration/hil-bench.sh)
#
# Scenarios, in this order (each leaves the UE on the primary):
#   migrate              steps 1-25: registered at the partner
#   return               back on the primary
#   mac-failure          the network's key is not the card's (SIP DB side):
#                        auth-failed, back on the primary
#   resync               the network's SQN behind the card's: AUTS, resync,
#                        registered (two AUTHENTICATEs); then return
#   primary-unreachable  the primary PDN lost: the trigger migrates with the
#                        stored configuration; the primary back: it returns
#   revoked              registered, then revoked at the primary CMS: the
#                        network ends the registration, the UE is back on the
#                        primary; a new migration is refused (exit 6)
# The network side's actions go through HIL_NET (tests/hil/net.sh on the
# machine where the bench's network side runs), never through the card.
#
# HIL_CONF is a shell fragment (tests/hil/board.hil.example documents it):
#   HIL_NAME       what is under test (board, modem, card), for the report
#   HIL_PARTNER    the partner system ID to migrate to
#   HIL_IMPI       the card's IMPI (the primary SIP DB's subscriber)
#   HIL_USER       the MC service ID the CMS knows the user by (for revoke)
#   HIL_NET        command prefix for tests/hil/net.sh RUN_DIR on the bench
#                  host, e.g. "ssh root@core /opt/mcmig/tests/hil/net.sh /run/mcmig-bench"
#   HIL_PRIMARY_DOWN, HIL_PRIMARY_UP   commands that take the primary PDN away
#                  and back (default: "$HIL_NET primary-down|primary-up")
#   HIL_CTL        mcmigctl (default: mcmigctl on PATH)
#   HIL_TIMEOUT    seconds a migration or return may take (default 90)
#
# Report (DIR, default build/hil-report-<UTC time>): report.txt, report.json,
# check.txt/check.json (mcmigctl check before the suite), card.json (mcmigctl
# card info: no secrets), and per scenario <name>.timeline.txt/.json/.svg.
# Exit: 0 every scenario passed, 1 one failed (or the board was not ready).
. "$(dirname "$0")/../lib.sh"

mode= conf= report= only=
while [ $# -gt 0 ]; do
	case $1 in
	--bench) mode=bench; shift ;;
	--config) [ $# -ge 2 ] || exit 2; mode=field conf=$2; shift 2 ;;
	--report) [ $# -ge 2 ] || exit 2; report=$2; shift 2 ;;
	--only) [ $# -ge 2 ] || exit 2; only=$2; shift 2 ;;
	*)
		echo "usage: $0 --bench|--config HIL_CONF [--report DIR] [--only \"SCENARIO...\"]" >&2
		exit 2
		;;
	esac
done
[ -n "$mode" ] || { echo "$0: --bench or --config HIL_CONF" >&2; exit 2; }
t_init "hil-$mode"
SCENARIOS="migrate return mac-failure resync primary-unreachable revoked"

if [ "$mode" = bench ]; then
	. "$T_TOP/tests/bench/bench-up.sh"
	bench_require || exit 0
	# The trigger as on a board set up for the field test (README.md), with
	# short timers: T-grace 3 s, T-back 1 s.
	bench_extra_config() { bench_primary_trigger; }
	bench_up h$T_ID
	conf=$T_RUN/bench.hil
	cat >"$conf" <<EOF
HIL_NAME="bench: qmi-emu, bench card (alice) behind pcscd + vpcd"
HIL_PARTNER=urn:mcmig:system:partner
HIL_IMPI=alice@ims.primary.example
HIL_USER=$MCMIG_CMS_MC_SERVICE_ID
HIL_NET="$T_TOP/tests/hil/net.sh $T_RUN"
HIL_CTL=$CTL
HIL_CHECK_ARGS="-c $T_RUN/mcmig.conf"
# mcmigctl check reaches the CMS from where mcmigd runs.
HIL_CHECK_PREFIX="ip netns exec $UE"
EOF
fi
[ -f "$conf" ] || t_abort "HIL configuration $conf readable"
# shellcheck disable=SC1090
. "$conf"
for v in HIL_PARTNER HIL_IMPI HIL_USER HIL_NET; do
	[ -n "${!v:-}" ] || t_abort "$conf sets $v"
done
: "${HIL_NAME:=$(basename "$conf")}" "${HIL_CTL:=mcmigctl}" "${HIL_TIMEOUT:=90}"
: "${HIL_PRIMARY_DOWN:=$HIL_NET primary-down}" "${HIL_PRIMARY_UP:=$HIL_NET primary-up}"
: "${HIL_CHECK_ARGS:=}" "${HIL_CHECK_PREFIX:=}"
[ -n "$only" ] && SCENARIOS=$only
CTL=$HIL_CTL
net() {
	# shellcheck disable=SC2086
	$HIL_NET "$@"
}

report=${report:-$T_BUILD/hil-report-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$report" || t_abort "report directory $report"
report=$(cd "$report" && pwd)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# Before the suite: is the board ready (mcmigctl check), and what card is it.
# shellcheck disable=SC2086
$HIL_CHECK_PREFIX "$CTL" check $HIL_CHECK_ARGS >"$report/check.txt" 2>&1
check_rc=$?
# shellcheck disable=SC2086
$HIL_CHECK_PREFIX "$CTL" check $HIL_CHECK_ARGS --json >"$report/check.json" 2>/dev/null
"$CTL" card info --json >"$report/card.json" 2>"$report/card.err"
t_check "the board is ready to migrate (mcmigctl check, $report/check.txt)" test "$check_rc" -eq 0
[ "$check_rc" -eq 0 ] || sed 's/^/  /' "$report/check.txt"

# ---- one scenario's record: name, result, wanted, exit code, state, reason, ms ----
rows=()
cur= cur_ok= cur_start= cur_rc= cur_note=
begin() {
	cur=$1 cur_ok=1 cur_rc= cur_note=$2
	cur_start=$(date +%s%N)
	echo "# scenario $cur: $cur_note"
}
# expect DESC CMD...: one check of the scenario (counted by lib.sh too).
expect() {
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		t_ok "$cur: $desc"
	else
		t_fail "$cur: $desc"
		cur_ok=0
	fi
}
status_field() { # state|reason
	"$CTL" status --json 2>/dev/null | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}
state_is() { [ "$(status_field state)" = "$1" ]; }
# wait_state STATE SECONDS
wait_state() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		state_is "$1" && return 0
		sleep 0.1
	done
	return 1
}
# ctl ARGS...: mcmigctl ARGS --json, its JSON in $out, exit code in $cur_rc.
ctl() {
	out=$(timeout "$((HIL_TIMEOUT + 10))" "$CTL" "$@" --json 2>"$report/$cur.err")
	cur_rc=$?
	echo "mcmigctl $* -> exit $cur_rc $out"
}
# keep_timeline: the scenario's timeline as text, JSON and SVG.
keep_timeline() {
	"$CTL" timeline >"$report/$cur.timeline.txt" 2>&1
	"$CTL" timeline --json >"$report/$cur.timeline.json" 2>/dev/null
	"$CTL" timeline --svg "$report/$cur.timeline.svg" >/dev/null 2>&1
}
finish() {
	local ms=$((($(date +%s%N) - cur_start) / 1000000))
	rows+=("$cur|$([ "$cur_ok" = 1 ] && echo pass || echo fail)|$cur_note|${cur_rc:-}|$(status_field state)|$(status_field reason)|$ms")
}
# On the primary: idle there, or "failed" (what the migration added is down).
back_on_primary() {
	local st
	st=$(status_field state)
	[ "$st" = idle-on-primary ] || [ "$st" = failed ]
}

run_migrate() {
	begin migrate "registered at the partner, exit 0"
	ctl migrate --partner "$HIL_PARTNER" --timeout "$HIL_TIMEOUT"
	expect "exit 0 (got $cur_rc)" test "$cur_rc" -eq 0
	expect "registered-at-partner" state_is registered-at-partner
	keep_timeline
	expect "timeline: registered, seed steps 14 to 24" \
		grep -q '"registered":true' "$report/$cur.timeline.json"
	finish
}

run_return() {
	begin return "back on the primary, exit 0"
	state_is registered-at-partner || ctl migrate --partner "$HIL_PARTNER" --timeout "$HIL_TIMEOUT"
	ctl return --timeout "$HIL_TIMEOUT"
	expect "exit 0 (got $cur_rc)" test "$cur_rc" -eq 0
	expect "idle-on-primary" state_is idle-on-primary
	keep_timeline
	finish
}

run_mac_failure() {
	begin mac-failure "auth-failed, back on the primary, exit 1"
	net sipdb wrong-key "$HIL_IMPI" || t_fail "$cur: the network's key changed"
	ctl migrate --partner "$HIL_PARTNER" --timeout "$HIL_TIMEOUT"
	keep_timeline
	net sipdb right-key || t_fail "$cur: the network's key restored"
	expect "exit 1 (got $cur_rc)" test "$cur_rc" -eq 1
	expect "reason auth-failed" grep -q '"reason":"auth-failed: ' <<<"$out"
	expect "back on the primary" back_on_primary
	finish
}

run_resync() {
	begin resync "AUTS, resynchronised, registered, exit 0"
	net sipdb rewind "$HIL_IMPI" || t_fail "$cur: the network's SQN rewound"
	ctl migrate --partner "$HIL_PARTNER" --timeout "$HIL_TIMEOUT"
	keep_timeline
	expect "exit 0 (got $cur_rc)" test "$cur_rc" -eq 0
	expect "registered-at-partner" state_is registered-at-partner
	expect "timeline: two AUTHENTICATEs (the AUTS, then the fresh challenge)" \
		grep -q '"authenticates":2}' "$report/$cur.timeline.json"
	"$CTL" return --timeout "$HIL_TIMEOUT" >/dev/null 2>&1
	expect "returned" state_is idle-on-primary
	finish
}

run_primary_unreachable() {
	begin primary-unreachable "migrated by the trigger, returned when the primary is back"
	# shellcheck disable=SC2086
	$HIL_PRIMARY_DOWN || t_fail "$cur: primary PDN taken away"
	wait_state registered-at-partner "$HIL_TIMEOUT"
	expect "registered at the partner by the trigger" state_is registered-at-partner
	keep_timeline
	expect "timeline: the trigger, no CMS request (stored configuration)" bash -c \
		"grep -q 'migrate (primary unreachable)' '$report/$cur.timeline.txt' && ! grep -Eq '\"seed_step\":1[,}]' '$report/$cur.timeline.json'"
	# shellcheck disable=SC2086
	$HIL_PRIMARY_UP || t_fail "$cur: primary PDN back"
	wait_state idle-on-primary "$HIL_TIMEOUT"
	expect "returned by itself" state_is idle-on-primary
	finish
}

run_revoked() {
	begin revoked "ended by the network, back on the primary; then refused, exit 6"
	ctl migrate --partner "$HIL_PARTNER" --timeout "$HIL_TIMEOUT"
	expect "registered first (exit $cur_rc)" test "$cur_rc" -eq 0
	net revoke "$HIL_USER" || t_fail "$cur: revoked at the primary CMS"
	wait_state idle-on-primary "$HIL_TIMEOUT"
	expect "back on the primary by itself" state_is idle-on-primary
	expect "reason deregistered-by-network" bash -c \
		"'$CTL' status | grep -q '^reason:  deregistered-by-network'"
	keep_timeline
	ctl migrate --partner "$HIL_PARTNER" --timeout "$HIL_TIMEOUT"
	expect "a new migration refused: exit 6 (got $cur_rc)" test "$cur_rc" -eq 6
	expect "reason registration-refused" grep -q '"reason":"registration-refused: ' <<<"$out"
	expect "back on the primary" back_on_primary
	finish
}

if [ "$check_rc" -eq 0 ]; then
	for s in $SCENARIOS; do
		case $s in
		migrate | return | resync | revoked) "run_$s" ;;
		mac-failure) run_mac_failure ;;
		primary-unreachable) run_primary_unreachable ;;
		*) t_fail "unknown scenario $s" ;;
		esac
	done
fi

# ---- the report: text and JSON (the SVG charts are the timelines') ----
passed=0 failed=0
{
	echo "mcmig hardware-in-the-loop report"
	echo "under test: $HIL_NAME"
	echo "started:    $started"
	echo "mcmigctl:   $("$CTL" version 2>/dev/null)"
	echo "host:       $(uname -srm)"
	echo "check:      exit $check_rc (check.txt)"
	echo
	printf '%-4s  %-20s %-5s %-22s %s\n' RES SCENARIO EXIT "STATE AFTER" "MS  WANTED / REASON"
	for r in "${rows[@]}"; do
		IFS='|' read -r name res want rc st reason ms <<<"$r"
		printf '%-4s  %-20s %-5s %-22s %s  %s%s\n' "${res^^}" "$name" "${rc:--}" "$st" "$ms" \
			"$want" "${reason:+ / $reason}"
		[ -f "$report/$name.timeline.txt" ] &&
			sed -n 's/^\(total .*\)/      \1/p' "$report/$name.timeline.txt"
	done
} >"$report/report.txt"
json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
{
	printf '{"under_test":%s,"started":%s,"check_exit":%s,"scenarios":[' \
		"$(json_str "$HIL_NAME")" "$(json_str "$started")" "$check_rc"
	sep=
	for r in "${rows[@]}"; do
		IFS='|' read -r name res want rc st reason ms <<<"$r"
		printf '%s{"name":%s,"result":"%s","wanted":%s,"exit":%s,"state":%s,"reason":%s,"ms":%s,"timeline_svg":%s}' \
			"$sep" "$(json_str "$name")" "$res" "$(json_str "$want")" "${rc:-null}" \
			"$(json_str "$st")" "$(json_str "$reason")" "$ms" \
			"$([ -f "$report/$name.timeline.svg" ] && json_str "$name.timeline.svg" || echo null)"
		sep=,
		[ "$res" = pass ] && passed=$((passed + 1)) || failed=$((failed + 1))
	done
	printf '],"passed":%s,"failed":%s}\n' "$passed" "$failed"
} >"$report/report.json"
find "$report" -name '*.err' -empty -delete
cat "$report/report.txt"
echo "report: $report (report.txt, report.json, *.timeline.svg)"
t_done
