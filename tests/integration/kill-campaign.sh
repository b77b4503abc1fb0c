#!/bin/bash
# Crash safety (issue 12): mcmigd killed with SIGKILL at random moments of
# every state of the migrate, fetch, return and failure paths, restarted, and
# what it leaves checked against the journal it wrote (agent/journal.h) and
# against what the modem and the kernel really have. Two configurations of
# the same daemon on the same bench, their kinds of kill taken in turn:
# without MC service (migrated = registered-at-partner), and with the IdM
# servers and the MC servers (issue 14: user-authenticating in step 14,
# service-authorising in step 25; migrated = authorised; the return removes
# the publication, PUBLISH Expires: 0, before the de-REGISTER).
#
#   - the state after the restart is the one the journal's intent asks for
#     (reconcile.h), with a reason "interrupted: ..."; migrated again after a
#     kill once registered (NOTE 4: registered-at-partner, service-authorising,
#     authorised); a return that was requested (the killed daemon's log shows
#     "-> returning") is never lost;
#   - the modem (qmi-emu's status: what the real libqmi left there): exactly
#     one partner session when registered again, none otherwise, and exactly
#     the living daemon's client ids, as its journal names them (WDA, NAS, DMS
#     and its links' WDS clients, all allocated at open): every killed run's
#     released, none leaked (a leak has its own column, and is inconsistent);
#   - wwan1: the partner address and routes when registered, none otherwise;
#   - the state directory: the state file and the journal agree with the
#     daemon, every file 0600, no temporary file left, the partner record kept;
#   - a mcmigctl that was waiting for the outcome exits 3 at once
#     (NameOwnerChanged), it does not hang.
#
# Seeded and reproducible: KILLS=N (default: every kind of kill twice),
# SEED=S (default 1). The kinds are taken in turn, the delays after the
# state's log line drawn from the seeded generator. Prints a table of counts
# per state at the kill (a state shared by both configurations is counted
# apart for the one with MC service: "returning +svc" is the return from
# authorised). `make kill-campaign KILLS=500 SEED=...` runs it long.
. "$(dirname "$0")/../lib.sh"
t_init kill-campaign

SEED=${SEED:-1}
RANDOM=$SEED

. "$T_TOP/tests/bench/bench-up.sh"
if ! bench_require; then
	exit
fi
command -v glewlwyd >/dev/null || t_abort "glewlwyd not installed (.ci/deps.sh)"
. "$T_TOP/tests/bench/mcserver/mc-up.sh"
mc_prepare
# Step 25 with the IdM client as the token's source (as e2e-idm-service.sh).
# Registrations of 60 s (the S-CSCF's min_expires): each restart registers
# from a new source port, and the killed run's binding stays at the partner
# until it expires. At the default 600 s the hundreds of restarts of a long
# run pile up contacts of one IMPU until the real S-CSCF (Kamailio 5.6.3)
# aborts: "stack smashing detected" in ims_registrar_scscf's
# generate_reginfo_full() (core backtrace), after ~270 kills with SEED=12.
bench_extra_config() {
	echo "[service-auth]"
	printf '[sip]\nexpires=60\n'
}
# Longer waits where a real network takes its time, so that a kill lands in
# them: the partner PDN's activation (qmi-emu answers Start Network after
# 100 ms), the card's AUTHENTICATE (held 60 ms), each token of step 14 (the
# exchange and the partner IdMS answer after 100 ms) and the primary MC
# server's answer to the partner's in step 25 (150 ms).
export MCMIG_BENCH_APN_OPTS=delay=100 MCMIG_IDMS_DELAY_MS=100 MCMIG_MC_DELAY_MS=150
export BENCH_IDM=1
bench_up k$T_ID
export MCMIG_MC_JWKS=$T_RUN/idms-partner-jwks.json MCMIG_MC_ISSUER=https://idms.partner.example \
	MCMIG_MC_AUDIENCE=mcptt
mc_start
sed 's/^auth_delay_ms = .*/auth_delay_ms = 60/' "$T_RUN/profiles/alice.ini" >"$T_RUN/profiles/slow.ini"
"$BENCH_CARD" swap "$T_RUN" 0 "$T_RUN/profiles/slow.ini" >/dev/null 2>&1 || t_abort "card swap"
bench_login >"$T_RUN/login.out" 2>&1 || t_abort "mcmigctl login: $(cat "$T_RUN/login.out")"
# The two configurations: with MC service as bench_up wrote it, and without
# its two groups ([idm], [service-auth]).
CONF_SVC=$T_RUN/mcmig.conf
CONF_PLAIN=$T_RUN/mcmig-plain.conf
awk '/^\[/ { skip = ($0 == "[idm]" || $0 == "[service-auth]") } !skip' "$CONF_SVC" >"$CONF_PLAIN"

# SIGKILL to PID, DELAY_US after LOG (from byte FROM) shows "-> STATE (": polled
# every 0.2 ms, as a shell loop would miss the states that last a few ms.
cat >"$T_RUN/kill-at.py" <<'EOF'
import os, signal, sys, time
log, start, state, delay_us, pid, ready = sys.argv[1:7]
pat = ("-> %s (" % state).encode()
deadline = time.monotonic() + 60
with open(log, "rb") as f:
    f.seek(int(start))
    open(ready, "w").close()
    buf = b""
    while time.monotonic() < deadline:
        chunk = f.read()
        if chunk:
            buf += chunk
            if pat in buf:
                t = time.monotonic() + int(delay_us) / 1e6
                while time.monotonic() < t:
                    pass
                os.kill(int(pid), signal.SIGKILL)
                sys.exit(0)
        else:
            time.sleep(0.0002)
sys.exit(1)
EOF
PARTNER=urn:mcmig:system:partner
APN=mcptt.partner.example
WWAN=$MCMIG_UE_PARTNER_IF
STATE=$T_RUN/state

status() { "$CTL" status 2>/dev/null; }
state_now() { status | sed -n 's/^state:   //p'; }
reason_now() { status | sed -n 's/^reason:  //p'; }
state_is() { [ "$(state_now)" = "$1" ]; }

# mode: plain (no MC service) or svc; MIGRATED: where a migration ends in it.
agent=agent
mode=svc
MIGRATED=authorised
restarts=0
restart() {
	restarts=$((restarts + 1))
	agent=agent$restarts
	if [ $mode = svc ]; then
		t_spawn "$agent" ip netns exec "$UE" "$MCMIGD" -c "$CONF_SVC"
	else
		t_spawn "$agent" ip netns exec "$UE" "$MCMIGD" -c "$CONF_PLAIN"
	fi
	t_wait_for "mcmigd on the bus" 20 bash -c "'$CTL' status | grep -q '^state: '" ||
		t_abort "mcmigd restart $restarts"
}
# The other configuration: from the primary, mcmigd stopped and started with it.
switch_mode() {
	to_primary || t_abort "kill $k: not back on the primary to switch to $1 ($(state_now))"
	t_stop "$agent"
	mode=$1
	[ $mode = svc ] && MIGRATED=authorised || MIGRATED=registered-at-partner
	restart
}

# Gets to a state a kind starts from, without killing.
# A migration that fails here is not a kill's outcome (that was checked already)
# but is counted and shown: the card's channel a killed daemon left open, say.
hiccups=0 retries=0
to_registered() {
	local try
	for try in 1 2 3; do
		state_is $MIGRATED && return 0
		timeout 90 "$CTL" migrate --partner "$PARTNER" >"$T_RUN/prep.out" 2>&1 && return 0
		hiccups=$((hiccups + 1))
		echo "kill $k: getting registered first failed (try $try): $(cat "$T_RUN/prep.out")"
	done
	state_is $MIGRATED
}
to_primary() {
	case "$(state_now)" in
	idle-on-primary | failed | partner-config-stored) return 0 ;;
	registered-at-partner | authorised) timeout 60 "$CTL" return >/dev/null 2>&1 ;;
	esac
	t_wait_for "a stable state on the primary" 60 bash -c \
		"'$CTL' status | grep -Eq '^state:   (idle-on-primary|failed|partner-config-stored)'"
}

fetch() {
	gdbus call --session --dest org.mcmig.Agent1 --object-path /org/mcmig/Agent1 \
		--method org.mcmig.Agent1.Fetch "$1" >/dev/null
}

# kind: configuration, base, command, the state whose log line arms the kill,
# max delay (us: below the state's bench-side delay where it has one). Each
# configuration's kinds together: two switches per round.
KINDS=(
	"plain primary migrate pdn-connecting 100000"
	"plain primary migrate registering 3000"
	"plain primary migrate challenged 60000"
	"plain primary migrate registered-at-partner 1000000"
	"plain primary fetch partner-config-requested 20000"
	"plain primary fetch partner-config-stored 1000000"
	"plain primary nosuch failed 1000000"
	"plain partner return returning 3000"
	"plain partner return disconnecting 500"
	"plain partner return idle-on-primary 1000000"
	"svc primary migrate user-authenticating 150000"
	"svc primary migrate service-authorising 120000"
	"svc primary migrate authorised 1000000"
	"svc partner return returning 40000"
)
# The states the configuration with MC service adds, and the return from authorised.
SVC_STATES=(user-authenticating service-authorising authorised "returning +svc")
KILLS=${KILLS:-$((2 * ${#KINDS[@]}))}

declare -A N=() OK=() LEAK=() shown=()
inconsistent=0
leaked_kills=0
log_bad() { echo "kill $k: INCONSISTENT ($killed_in, journal $js/$ji): $*"; bad=1; }

for ((k = 1; k <= KILLS; k++)); do
	read -r kmode base cmd target maxd <<<"${KINDS[$(((k - 1) % ${#KINDS[@]}))]}"
	delay=$(((RANDOM * 32768 + RANDOM) % (maxd + 1)))
	[ "$kmode" = "$mode" ] || switch_mode "$kmode"
	if [ "$base" = partner ]; then
		to_registered || t_abort "kill $k: cannot register at the partner first ($(reason_now))"
	else
		to_primary || t_abort "kill $k: not back on the primary ($(state_now))"
	fi
	log=$T_RUN/$agent.log
	from=$(($(wc -l <"$log") + 1))
	pid=$(t_pid "$agent")
	rm -f "$T_RUN/armed"
	# Armed before the command: the state's line may come at once.
	python3 "$T_RUN/kill-at.py" "$log" "$(stat -c %s "$log")" "$target" "$delay" "$pid" \
		"$T_RUN/armed" &
	armed=$!
	t_wait_for "the kill armed" 10 test -e "$T_RUN/armed" || t_abort "kill $k: not armed"
	ctl_pid=
	case $cmd in
	migrate) "$CTL" migrate --partner "$PARTNER" >"$T_RUN/ctl.$k" 2>&1 & ctl_pid=$! ;;
	nosuch) "$CTL" migrate --partner urn:mcmig:system:nosuch >"$T_RUN/ctl.$k" 2>&1 & ctl_pid=$! ;;
	return) "$CTL" return >"$T_RUN/ctl.$k" 2>&1 & ctl_pid=$! ;;
	fetch) fetch "$PARTNER" ;;
	esac
	# The command may end without reaching the state (a migration that failed
	# first): then this kill is taken again, the failure counted apart.
	if [ -n "$ctl_pid" ]; then
		while kill -0 $armed 2>/dev/null && kill -0 "$ctl_pid" 2>/dev/null; do sleep 0.05; done
		for ((w = 0; w < 20; w++)); do kill -0 $armed 2>/dev/null || break; sleep 0.05; done
	fi
	if [ -n "$ctl_pid" ] && kill -0 $armed 2>/dev/null; then
		kill $armed 2>/dev/null
		# Its status says whether it fired meanwhile (0) or was stopped here.
		if ! wait $armed; then
			wait "$ctl_pid"
			hiccups=$((hiccups + 1))
			retries=$((retries + 1))
			echo "kill $k: $cmd ended before \"-> $target\" (try $retries): $(cat "$T_RUN/ctl.$k")"
			[ $retries -lt 3 ] || t_abort "kill $k: $cmd never reached $target in 3 tries"
			k=$((k - 1))
			continue
		fi
	else
		wait $armed || t_abort "kill $k: mcmigd never logged \"-> $target\""
	fi
	retries=0
	wait "$pid" 2>/dev/null
	unset "T_PIDS[$agent]"
	# What the killed daemon was in, and what it had journaled.
	killed_in=$(grep -oE '[a-z-]+ -> [a-z-]+ \(' "$log" | tail -n 1 | awk '{print $3}')
	js=$(sed -n 's/^state=//p' "$STATE/journal" 2>/dev/null)
	ji=$(sed -n 's/^intent=//p' "$STATE/journal" 2>/dev/null)
	jr=$(sed -n 's/^reason=//p' "$STATE/journal" 2>/dev/null)
	returned=0
	tail -n +"$from" "$log" | grep -q -- "-> returning (" && returned=1
	case "$js" in
	idle-on-primary | failed | partner-config-stored) expect=$js ;;
	# Registered (step 24 had succeeded): migrated again, unless a return was asked for.
	registered-at-partner | service-authorising | authorised)
		[ "$ji" = return ] && expect=idle-on-primary || expect=$MIGRATED ;;
	# A way out after a failure (a refused authorisation, a dropped PDN) stays failed.
	returning | disconnecting) [ -n "$jr" ] && expect=failed || expect=idle-on-primary ;;
	*) expect=failed ;;
	esac
	bad=0
	if [ -n "$ctl_pid" ]; then
		for ((w = 0; w < 30; w++)); do kill -0 "$ctl_pid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$ctl_pid" 2>/dev/null; then
			log_bad "mcmigctl still waiting 3 s after the daemon died"
			kill "$ctl_pid"
		fi
		wait "$ctl_pid"
		rc=$?
		# Its outcome may have been sent just before the kill; else it must say the daemon left.
		case "$rc:$killed_in" in
		3:* | *:registered-at-partner | *:authorised | *:idle-on-primary | *:failed) ;;
		*) log_bad "mcmigctl exit $rc, not 3, when the daemon died in $killed_in" ;;
		esac
	fi
	[ $returned = 1 ] && [ "$expect" = $MIGRATED ] && log_bad "the requested return was lost"

	restart
	t_wait_for "mcmigd to settle in $expect" 60 state_is "$expect" || true
	sleep 0.2
	now=$(state_now)
	reason=$(reason_now)
	[ "$now" = "$expect" ] || log_bad "state $now, expected $expect ($reason)"
	if [ "$js" = failed ]; then
		[ -n "$reason" ] || log_bad "no reason"
	else
		case "$reason" in "interrupted: "*) ;; *) log_bad "reason \"$reason\" is not interrupted: ..." ;; esac
	fi
	reg=0
	[ "$expect" = $MIGRATED ] && reg=1
	"$EMU" ctl "$T_RUN/emu.ctl" status >"$T_RUN/modem.$k" 2>&1
	sessions=$(grep -c "^session apn=$APN " "$T_RUN/modem.$k")
	[ "$sessions" = $reg ] || log_bad "$sessions partner sessions in the modem, expected $reg"
	# Every client id in the modem is one the living daemon journaled as its own
	# (service:cid), and the other way round: a killed run's not released, or
	# one nobody can name (allocated when the kill came), is a leak.
	have=$(sed -n 's/^client service=0x\([0-9a-f]*\) cid=\([0-9]*\) .*/\1 \2/p' "$T_RUN/modem.$k" |
		while read -r svc cid; do echo "$((16#$svc)):$cid"; done | sort | tr '\n' ' ')
	want=$(sed -n 's/^modem\.client=//p' "$STATE/journal" | sort | tr '\n' ' ')
	leak=0
	if [ "$have" != "$want" ]; then
		log_bad "client ids in the modem: ${have:-none}; the daemon's: ${want:-none}"
		leaked_kills=$((leaked_kills + 1))
		leak=1
	fi
	addrs=$(ip -n "$UE" -br addr show dev "$WWAN" | grep -c '198\.51\.100\.2/')
	routes=$(ip -n "$UE" route show dev "$WWAN" | grep -c .)
	[ "$addrs" = $reg ] || log_bad "$addrs partner addresses on $WWAN, expected $reg"
	if [ $reg = 1 ]; then
		[ "$routes" -gt 0 ] || log_bad "no routes on $WWAN while registered"
	else
		[ "$routes" = 0 ] || log_bad "$routes routes left on $WWAN"
	fi
	case "$now" in idle-on-primary | failed | partner-config-stored | registered-at-partner | authorised)
		[ "$(sed -n 's/^state=//p' "$STATE/migration")" = "$now" ] ||
			log_bad "state file says $(sed -n 's/^state=//p' "$STATE/migration"), daemon $now"
		[ "$(sed -n 's/^state=//p' "$STATE/journal")" = "$now" ] ||
			log_bad "journal says $(sed -n 's/^state=//p' "$STATE/journal"), daemon $now"
		;;
	esac
	[ -z "$(find "$STATE" -name '.tmp-*')" ] || log_bad "temporary files left: $(find "$STATE" -name '.tmp-*')"
	[ -z "$(find "$STATE" -type f ! -perm 0600)" ] || log_bad "not 0600: $(find "$STATE" -type f ! -perm 0600)"
	ls "$STATE"/partners/*.xml >/dev/null 2>&1 || log_bad "the partner record is gone"
	key=${killed_in:-?}
	case "$mode:$key" in
	svc:user-authenticating | svc:service-authorising | svc:authorised | plain:*) ;;
	*) key="$key +svc" ;;
	esac
	N[$key]=$((${N[$key]:-0} + 1))
	LEAK[$key]=$((${LEAK[$key]:-0} + leak))
	if [ $bad = 0 ]; then
		OK[$key]=$((${OK[$key]:-0} + 1))
	else
		inconsistent=$((inconsistent + 1))
		cp "$log" "$T_RUN/killed.$k.log"
	fi
	echo "kill $k: $mode $cmd, killed $delay us after -> $target, in $killed_in; journal $js/$ji; after restart $now: $reason"
done

echo
echo "SEED=$SEED KILLS=$KILLS"
printf '| %-26s | %4s | %10s | %16s |\n' "state at the kill" n consistent "client id leaked"
printf '|%s|%s|%s|%s|\n' "----------------------------" "------" "------------" "------------------"
for s in idle-on-primary partner-config-requested partner-config-stored pdn-connecting registering \
	challenged registered-at-partner returning disconnecting failed user-authenticating \
	service-authorising authorised "returning +svc" "${!N[@]}"; do
	[ -n "${N[$s]:-}" ] || continue
	[ -n "${shown[$s]:-}" ] && continue
	declare -A shown
	shown[$s]=1
	printf '| %-26s | %4d | %10d | %16d |\n' "$s" "${N[$s]}" "${OK[$s]:-0}" "${LEAK[$s]:-0}"
done
echo
t_check "every state of the migrate, fetch, return and failure paths hit" \
	bash -c "[ ${#N[@]} -ge 9 ]"
# Every round of kinds kills once in each; twice in make check's short run.
rounds=$((KILLS / ${#KINDS[@]}))
[ $rounds -le 2 ] || rounds=2
for s in "${SVC_STATES[@]}"; do
	t_check "$s hit at least $rounds times (${N[$s]:-0})" test "${N[$s]:-0}" -ge $rounds
done
echo "kills that left client ids in the modem: $leaked_kills"
echo "migrations that failed between kills or before the state of a kill, retried: $hiccups"
t_check "$KILLS kills: $inconsistent inconsistent outcomes" test "$inconsistent" -eq 0
t_done
