#!/bin/bash
# mcmigd under the installed unit's settings (agent/mcmigd.service.in), on the
# whole bench: an unprivileged user with CAP_NET_ADMIN as its only (ambient)
# capability, the unit's UMask, a read-only system with the state directory
# (the user's, 0700) the only writable place, private /tmp, no homes, its own
# /proc, mount and UTS namespaces (tests/bench/unit-sandbox.sh applies them and
# lists what only systemd can apply). It reaches the bus, asks the CMS, reads
# the card through pcscd, brings the partner PDN up on qmi-emu, addresses
# wwan1, registers at the partner's S-CSCF and returns. Without the ambient
# capability the same migration fails at wwan1 and is rolled back, so the
# test tells the capability is both enough and needed. Last, the deny part of
# SystemCallFilter= emulated with strace (every call of @privileged and
# @resources fails with EPERM): the migration still works.
. "$(dirname "$0")/../lib.sh"
t_init mcmigd-hardened

. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit
UNIT=$T_BUILD/mcmigd.service
SANDBOX=$T_TOP/tests/bench/unit-sandbox.sh
for tool in setpriv unshare strace systemd-analyze; do
	command -v "$tool" >/dev/null || bench_die "$tool installed (util-linux, strace, systemd)"
done
[ -f "$UNIT" ] || bench_die "$UNIT rendered (make)"

# The unit's user, by number: this machine has no mcmig user and the test
# leaves /etc/passwd alone. The first id free as both user and group.
uid=64100
while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do
	uid=$((uid + 1))
done
gid=$uid

bench_up h$T_ID
# bench_up started mcmigd as root: stop it, hand what the user needs over,
# start it again under the unit's settings.
t_stop agent

# Directories on the way to the bus, pcscd's socket and the CA: the user's
# group may traverse them (lib.sh made the run directory 0700).
grant_dir() {
	chgrp "$gid" "$@" && chmod g+x "$@"
}
grant_dir "$T_RUN" "$T_RUN/card" "$(dirname "$PCSCLITE_CSOCK_NAME")" "$(dirname "$MCMIG_CMS_CA")" ||
	bench_die "run directories opened to the user's group"
# ConfigurationDirectory= stays root's: readable by the group, never writable.
chown "root:$gid" "$T_RUN/mcmig.conf" "$MCMIG_CMS_CA" && chmod 0640 "$T_RUN/mcmig.conf" &&
	chmod g+r "$MCMIG_CMS_CA" || bench_die "configuration readable by the group"
# mcmigd refuses a token readable by anyone but itself (agent/cmc.c).
chown "$uid:$gid" "$MCMIG_CMS_TOKEN_FILE" && chmod 0600 "$MCMIG_CMS_TOKEN_FILE" ||
	bench_die "token the user's"
conf_sum=$(sha256sum <"$T_RUN/mcmig.conf")
# bench_up's private bus lets only its own user (root) connect, and
# dbus-daemon drops a uid it cannot resolve: a bus that lets any user in and
# sees the test's user in passwd and group files of its own mount namespace.
sed -i 's|<policy context="default">|&<allow user="*"/>|' "$T_RUN/bus.conf" &&
	{ cat /etc/passwd && echo "mcmig:x:$uid:$gid:mcmigd-hardened.sh:/:/usr/sbin/nologin"; } \
		>"$T_RUN/passwd" && { cat /etc/group && echo "mcmig:x:$gid:"; } >"$T_RUN/group" ||
	bench_die "bus configuration"
t_stop bus
t_spawn bus-any unshare --mount -- bash -c "mount --bind '$T_RUN/passwd' /etc/passwd &&
	mount --bind '$T_RUN/group' /etc/group && exec dbus-daemon --config-file='$T_RUN/bus.conf' --nofork"
t_wait_for "the bus socket" 5 test -S "$T_RUN/bus" || bench_die "dbus-daemon for any user"

start_hardened() { # NAME [--no-ambient|--deny-syscalls]
	t_spawn "$1" ip netns exec "$UE" env UNIT_SANDBOX_KEEP="$T_TOP" bash "$SANDBOX" "$UNIT" "$uid" "$gid" "$T_RUN/state" ${2:+"$2"} -- \
		"$MCMIGD" -c "$T_RUN/mcmig.conf"
	t_wait_for "mcmigd ($1) on the bus" 15 "$CTL" status
}
status_of() { # NAME FIELD: a line of /proc/PID/status, tabs squeezed
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$(t_pid "$1")/status" | tr -s '\t' ' '
}
wwan1_addressed() { ip -n "$UE" -br addr show dev "$MCMIG_UE_PARTNER_IF" | grep -q "198.51.100.2/"; }
wwan1_clear() { ! wwan1_addressed; }

start_hardened hardened || bench_die "mcmigd up under the unit's settings: $(tail -n 3 "$T_RUN/hardened.log")"
t_check "mcmigd under the unit's settings reached the bus, idle on the primary" \
	bash -c "'$CTL' status | grep -q '^state:   idle-on-primary'"
t_check "runs as uid $uid (real, effective, saved, fs)" test "$(status_of hardened Uid)" = "$uid $uid $uid $uid"
t_check "runs as gid $gid, no supplementary groups" \
	test "$(status_of hardened Gid)" = "$gid $gid $gid $gid" -a -z "$(status_of hardened Groups)"
for set in CapEff CapPrm CapAmb CapBnd; do
	t_check "$set: CAP_NET_ADMIN only" test "$(status_of hardened "$set")" = 0000000000001000
done
t_check "no new privileges" test "$(status_of hardened NoNewPrivs)" = 1
t_check "the unit's UMask" test "$(status_of hardened Umask)" = "$(sed -n 's/^UMask=//p' "$UNIT")"
t_check "its own mount namespace" \
	test "$(readlink "/proc/$(t_pid hardened)/ns/mnt")" != "$(readlink /proc/self/ns/mnt)"

timeout 90 "$CTL" migrate --partner urn:mcmig:system:partner --json >"$T_RUN/m1.json" 2>&1
rc=$?
echo "mcmigctl migrate -> $rc $(cat "$T_RUN/m1.json")"
t_check "migrated and registered at the partner (exit $rc)" test "$rc" -eq 0
t_check "state registered-at-partner" grep -q '"state":"registered-at-partner"' "$T_RUN/m1.json"
t_check "the card answered the challenge (through pcscd)" \
	bash -c "'$CTL' timeline --json | grep -q '\"authenticates\":1}'"
t_check "partner PDN up on the emulator" grep -q "session up: apn=mcptt.partner.example" \
	"$T_RUN/emu.log"
t_check "wwan1 addressed with the ambient CAP_NET_ADMIN" wwan1_addressed
rec=$(ls "$T_RUN"/state/partners/*.xml 2>/dev/null | head -n 1)
t_check "partner record the user's, 0600 ($rec)" \
	test -n "$rec" -a "$(stat -c '%u %a' "$rec" 2>/dev/null)" = "$uid 600"
t_check "state directory the user's, 0700" test "$(stat -c '%u %a' "$T_RUN/state")" = "$uid 700"
t_check "everything in it the user's alone" \
	test -z "$(find "$T_RUN/state" ! -user "$uid" -o -perm /077 ! -type l)"
t_check "configuration untouched" test "$(sha256sum <"$T_RUN/mcmig.conf")" = "$conf_sum"

timeout 60 "$CTL" return --json >"$T_RUN/r1.json" 2>&1
rc=$?
t_check "returned (exit $rc)" test "$rc" -eq 0
t_check "returned: wwan1 deconfigured" wwan1_clear
t_stop hardened

# The same without the ambient capability: the migration cannot address wwan1.
start_hardened noambient --no-ambient || bench_die "mcmigd up without the capability"
t_check "without it: CapEff empty" test "$(status_of noambient CapEff)" = 0000000000000000
timeout 90 "$CTL" migrate --partner urn:mcmig:system:partner --json >"$T_RUN/m2.json" 2>&1
rc=$?
echo "mcmigctl migrate -> $rc $(cat "$T_RUN/m2.json")"
t_check "without it: the migration fails (exit $rc)" test "$rc" -eq 1
t_check "without it: the reason names wwan1 and EPERM" \
	grep -q "\"reason\":\"[^\"]*netdev $MCMIG_UE_PARTNER_IF: Operation not permitted" "$T_RUN/m2.json"
t_check "without it: wwan1 not addressed" wwan1_clear
t_wait_for "the partner PDN to go down" 10 \
	test "$(grep -c "session down: apn=mcptt.partner.example" "$T_RUN/emu.log")" -ge 2
t_check "without it: the partner PDN rolled back" \
	test "$(grep -c "session down: apn=mcptt.partner.example" "$T_RUN/emu.log")" -ge 2
t_stop noambient

# SystemCallFilter=~@privileged @resources, emulated: the daemon is strace's child.
start_hardened filtered --deny-syscalls || bench_die "mcmigd up with the calls denied"
timeout 90 "$CTL" migrate --partner urn:mcmig:system:partner --json >"$T_RUN/m3.json" 2>&1
rc=$?
t_check "calls denied: migrated and registered (exit $rc)" test "$rc" -eq 0
timeout 60 "$CTL" return --json >"$T_RUN/r3.json" 2>&1
rc=$?
t_check "calls denied: returned (exit $rc)" test "$rc" -eq 0
echo "calls refused: $(grep -o '[a-z_0-9]*(.*(INJECTED)' "$T_RUN/filtered.log" | cut -d'(' -f1 |
	sort | uniq -c | tr -s ' \n' ' ')"
pid=$(t_pid filtered)
# strace passes no signal on: stop its tracee, then strace ends with it.
read -ra tracee < <(cat /proc/"$pid"/task/*/children)
kill -TERM "${tracee[@]}"
t_wait_for "mcmigd (filtered) to exit" 5 bash -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
rc=$?
t_check "calls denied: clean exit on SIGTERM (strace passes its tracee's exit code on: $rc)" \
	test "$rc" -eq 0
t_stop filtered
t_done
