#!/bin/bash
# Crash safety, the card's side (issue 12): mcmigd killed with SIGKILL while
# it holds its logical channel on the bench card, and while the card holds its
# AUTHENTICATE, several times each; the daemon restarted after each kill.
#
#   - pcscd does not close a dead client's logical channels: each run's
#     channel goes into the journal before it is used and the next run closes
#     it (TS 102 221 11.1.17) before it opens its own, so that the card (3
#     channels on the bench) never runs out: no 6A81, mcmigctl card still
#     gets a logical channel;
#   - a kill inside the AUTHENTICATE's transaction makes pcscd reset the card
#     (winscard_svc.c): the next daemon's handle may be refused with
#     SCARD_W_RESET_CARD or SCARD_E_PROTO_MISMATCH before anything reaches the
#     card; it reconnects, selects the ISIM again and resends, and the next
#     migration registers at the partner.
. "$(dirname "$0")/../lib.sh"
t_init card-kill

. "$T_TOP/tests/bench/bench-up.sh"
if ! bench_require; then
	exit
fi
bench_up k$T_ID
# The card holds each AUTHENTICATE 300 ms: the kill lands inside it.
sed 's/^auth_delay_ms = .*/auth_delay_ms = 300/' "$T_RUN/profiles/alice.ini" >"$T_RUN/profiles/slow.ini"
"$BENCH_CARD" swap "$T_RUN" 0 "$T_RUN/profiles/slow.ini" >/dev/null 2>&1 || t_abort "card swap"
CARDLOG=$T_RUN/card/card0.log
PARTNER=urn:mcmig:system:partner

state_now() { "$CTL" status 2>/dev/null | sed -n 's/^state:   //p'; }
settled() { case "$(state_now)" in idle-on-primary | failed) return 0 ;; esac; return 1; }

agent=agent
restarts=0
restart() {
	restarts=$((restarts + 1))
	agent=agent$restarts
	t_spawn "$agent" ip netns exec "$UE" "$MCMIGD" -c "$T_RUN/mcmig.conf"
	t_wait_for "mcmigd $restarts settled" 30 settled || t_abort "mcmigd restart $restarts"
}
# SIGKILL to exactly the daemon this test started last.
kill_agent() {
	local pid
	pid=$(t_pid "$agent")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	unset "T_PIDS[$agent]"
}

# The first run opened the card before the swap: a run of its own for the slow card.
kill_agent
restart

# 1. Killed while idle, its channel open: four runs for the card's three channels.
for i in 1 2 3 4; do
	t_wait_for "the card opened by $agent" 15 grep -q "card: ISIM ready" "$T_RUN/$agent.log" ||
		t_abort "$agent: card not ready ($(grep 'card:' "$T_RUN/$agent.log" | tail -n 1))"
	kill_agent
	restart
done
t_wait_for "the card opened by $agent" 15 grep -q "card: ISIM ready" "$T_RUN/$agent.log" ||
	t_abort "$agent: card not ready"
t_check "4 killed runs: every MANAGE CHANNEL open granted (no 6A81)" \
	bash -c '! grep -q " 70 00 00 (5) -> SW 6a81" "$0"' "$CARDLOG"
t_check "each run closed the channel the killed one left" \
	grep -q "card: logical channel [1-3] closed" "$T_RUN/$agent.log"
json=$("$CTL" card info --json 2>&1)
t_check "mcmigctl card next to the daemon still gets a logical channel" \
	grep -q '"logical_channel":true' <<<"$json"

# 2. Killed while the card holds its AUTHENTICATE (state challenged), three times.
for i in 1 2 3; do
	held=$(grep -c "holding the answer" "$CARDLOG")
	"$CTL" migrate --partner "$PARTNER" >"$T_RUN/ctl.$i" 2>&1 &
	ctl_pid=$!
	t_wait_for "AUTHENTICATE $i held by the card" 60 \
		bash -c '[ "$(grep -c "holding the answer" "$0")" -gt "$1" ]' "$CARDLOG" "$held" ||
		t_abort "migration $i never reached the card ($(cat "$T_RUN/ctl.$i"))"
	kill_agent
	wait "$ctl_pid"
	restart
	t_wait_for "the card opened by $agent" 15 grep -q "card: ISIM ready\|card: not ready" \
		"$T_RUN/$agent.log"
	t_check "kill $i in the AUTHENTICATE: the next run opens the card ($(grep -o 'card: .*' \
		"$T_RUN/$agent.log" | tail -n 1))" grep -q "card: ISIM ready" "$T_RUN/$agent.log"
done

# 3. The next migration authenticates with the card and registers.
migrate migrate --partner "$PARTNER"
t_check "a migration after the kills registers at the partner (exit $rc)" \
	test "$rc" -eq 0 -a "$(state_now)" = registered-at-partner
t_check "no card error in the last run" \
	bash -c '! grep -Eq "card.*(I/O error|was reset by another client)" "$0"' "$T_RUN/$agent.log"
t_check "no 6A81 from the card at any time" \
	bash -c '! grep -q " 70 00 00 (5) -> SW 6a81" "$0"' "$CARDLOG"
migrate return
t_check "and returns (exit $rc)" test "$rc" -eq 0
t_done
