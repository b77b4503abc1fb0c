#!/bin/bash
# mcmigd at rest (product.md "Numbers"): zero periodic wake-ups besides SIP
# refresh and the systemd watchdog (not armed here); smaller than
# ModemManager measured side by side (VmRSS <= 8 MiB, PSS <= 4 MiB on a QMI
# board: the bench's is one, through qmi-emu). Over MCMIG_BENCH_IDLE_S
# seconds (default 20) idle-on-primary, then the same registered-at-partner
# (Expires 600: the refresh is 300 s away): the context switches of all of
# mcmigd's threads (/proc/PID/task/*/status) and, when strace is there, the
# system calls made meanwhile; VmRSS, PSS and anonymous memory (p_mem), what
# the library families of the footprint choices keep resident (p_families:
# the modem backend, libcurl and the TLS stacks, which the helper mcmig-cmc
# maps instead, the XML parser, GLib) and the largest mappings. In the same run, ModemManager in its test mode (as
# tests/integration/modem-mm.sh: private bus, --test-session --test-enable
# --no-auto-scan --test-no-udev, one modem of the generic plugin on at-emu,
# enabled, then left idle; started before the first window so that every
# PSS is taken beside it) and qmi-proxy if one runs: a table of the three
# figures with the goals. Fails only when mcmigd cannot be started or
# migrated, or ModemManager (when installed) does not come up.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-idle
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
secs=${MCMIG_BENCH_IDLE_S:-20}
bench_up i$T_ID
pid=$(p_mcmigd_pid agent) || bench_die "mcmigd's PID"

# mm_up: ModemManager idle with one modem, in a namespace of its own (the
# emulator's abstract sockets are per namespace), on a private bus. Sets mm_pid.
mm_pid=
mm_up() {
	local ns bus=unix:path=$T_RUN/mm-bus st=
	ns=$(t_netns mm) || return 1
	cat >"$T_RUN/mm-bus.conf" <<EOS
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>
EOS
	printf 'plmn 00101 home 0064 00001234\napn ims accept 192.0.2.2/24 192.0.2.1 192.0.2.1 192.0.2.1\n' \
		>"$T_RUN/mm-scenario"
	mmcall() { timeout 10 ip netns exec "$ns" env DBUS_SESSION_BUS_ADDRESS="$bus" \
		gdbus call --session --timeout 5 -d org.freedesktop.ModemManager1 "$@" 2>/dev/null; }
	t_spawn mm-bus ip netns exec "$ns" dbus-daemon --config-file="$T_RUN/mm-bus.conf" --nofork --nopidfile
	t_wait_for "ModemManager's bus" 10 test -S "$T_RUN/mm-bus" || return 1
	t_spawn mm-at-emu ip netns exec "$ns" "$T_BUILD/bench/at-emu" --scenario "$T_RUN/mm-scenario" \
		abstract:at0 abstract:at1 abstract:at2
	t_spawn mm ip netns exec "$ns" env DBUS_SESSION_BUS_ADDRESS="$bus" \
		ModemManager --test-session --test-enable --no-auto-scan --test-no-udev
	t_wait_for "ModemManager on its bus" 20 mmcall -o /org/freedesktop/ModemManager1 \
		-m org.freedesktop.DBus.Peer.Ping || return 1
	mmcall -o /org/freedesktop/ModemManager1 -m org.freedesktop.ModemManager1.Test.SetProfile \
		emu generic '["abstract:at0","abstract:at1","abstract:at2"]' >/dev/null || return 1
	mm_state() { mmcall -o /org/freedesktop/ModemManager1/Modem/0 -m org.freedesktop.DBus.Properties.Get \
		org.freedesktop.ModemManager1.Modem State | tr -dc '0-9-'; }
	# Probed (disabled, 3), then enabled (6) or beyond, as a connection
	# manager keeps it.
	poll_state() {
		local _
		for _ in $(seq 300); do
			st=$(mm_state)
			[ -n "$st" ] && [ "$st" -ge "$1" ] && return 0
			sleep 0.1
		done
		return 1
	}
	poll_state 3 || return 1
	mmcall -o /org/freedesktop/ModemManager1/Modem/0 -m org.freedesktop.ModemManager1.Modem.Enable true \
		>/dev/null || return 1
	poll_state 6 || return 1
	mm_pid=$(t_pid mm)
	[ "$(cat "/proc/$mm_pid/comm" 2>/dev/null)" = ModemManager ]
}
if command -v ModemManager >/dev/null && [ -x "$T_BUILD/bench/at-emu" ]; then
	if mm_up; then
		t_ok "ModemManager (test mode) up with one modem, enabled"
	else
		t_fail "ModemManager in its test mode with one modem: $(tail -n 2 "$T_RUN/mm.log" | tr '\n' ' ')"
		mm_pid=
	fi
fi

# p_families PID: resident KiB of the library families the footprint
# choices are about, "none" for a family not mapped at all.
p_families() {
	awk -v all="modem backend modules=/modem-[a-z]+[.]so$
modem libraries (libqmi, libmbim, libmm-glib)=/lib(qmi|mbim|mm)-glib[^/]*$
libcurl=/libcurl[^/]*$
TLS: OpenSSL (libssl, libcrypto)=/lib(ssl|crypto)[.]so[^/]*$
TLS: GnuTLS (+nettle, hogweed, p11-kit)=/lib(gnutls|nettle|hogweed|p11-kit)[.]so[^/]*$
krb5, ldap, ssh2, rtmp=/lib(krb5|k5crypto|gssapi_krb5|ldap|lber|ssh2|rtmp|sasl2)[^/]*$
XML: libxml2 (+icu, libstdc++, lzma)=/lib(xml2|icuuc|icudata|stdc[+][+]|lzma)[.]so[^/]*$
GLib, GObject, GIO (+mount, blkid, selinux, pcre2, ffi)=/lib(glib|gobject|gio|gmodule)-2[.]0[.]so[^/]*$|/lib(mount|blkid|selinux|pcre2-8|ffi)[.]so[^/]*$" '
	BEGIN { n = split(all, lines, "\n"); for (i = 1; i <= n; i++) {
		split(lines[i], kv, "="); name[i] = kv[1]; re[i] = substr(lines[i], length(kv[1]) + 2) } }
	/^[0-9a-f]+-[0-9a-f]+ / { f = $6 }
	/^Rss:/ { for (i = 1; i <= n; i++) if (f ~ re[i]) { r[i] += $2; seen[i] = 1 } }
	END { for (i = 1; i <= n; i++) printf "%-58s %s\n", name[i] ":", seen[i] ? r[i] : "none" }' \
		"/proc/$1/smaps"
}

# idle_window LABEL: context switches over $secs seconds untouched, then (when
# strace is there) what system calls the threads make over a few seconds
# more: ptrace itself switches, so the two are not mixed.
idle_window() {
	local label=$1 rss anon file pss priv threads calls= sw ended gone
	sleep 2 # let the transition's own work (D-Bus, logs) settle
	p_threads "$pid" >"$T_RUN/threads.$label.before"
	sleep "$secs"
	p_threads "$pid" >"$T_RUN/threads.$label.after"
	read -r sw ended gone < <(p_wakeups "$T_RUN/threads.$label.before" "$T_RUN/threads.$label.after")
	if command -v strace >/dev/null; then
		timeout 5 strace -f -qq -e trace='!futex' -o "$T_RUN/strace.$label" -p "$pid" 2>/dev/null
		calls=$(grep -cvE 'resumed>|exited with|\+\+\+|---|restart_syscall' "$T_RUN/strace.$label")
	fi
	read -r rss pss anon < <(p_mem "$pid")
	file=$(awk '/^RssFile/ { print $2 }' "/proc/$pid/status")
	priv=$(awk '/^Private_(Clean|Dirty):/ { n += $2 } END { print n }' "/proc/$pid/smaps_rollup")
	threads=$(awk '/^Threads/ { print $2 }' "/proc/$pid/status")
	echo "$label: $sw context switches in $secs s ($threads threads at the end); target 0:" \
		"$([ "$sw" -eq 0 ] && echo ok || echo ABOVE TARGET)"
	[ "$ended" -eq 0 ] ||
		echo "  plus $ended thread(s) that ended meanwhile, one wake-up each, not periodic: $gone"
	[ "$sw" -eq 0 ] || join <(sort "$T_RUN/threads.$label.before") <(sort "$T_RUN/threads.$label.after") |
		awk '$2 != $4 { print "  thread " $1 " (" $3 "): " $4 - $2 " switches" }'
	if [ -n "$calls" ]; then
		echo "  system calls in 5 s under strace -f (futex aside): $calls"
		grep -vE 'resumed>|exited with|\+\+\+|---|restart_syscall' "$T_RUN/strace.$label" |
			sed -E 's/^[0-9]+ +//; s/\(.*//' | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/    /'
	fi
	echo "  VmRSS $rss KiB (anonymous $anon, file-backed $file), PSS $pss KiB, private $priv KiB;" \
		"goals VmRSS <= 8192 KiB: $(p_verdict "$rss" 8192), PSS <= 4096 KiB: $(p_verdict "$pss" 4096)"
	echo "  resident by family (KiB; issue 10: one backend's, no TLS stack):"
	p_families "$pid" | sed 's/^/    /'
	echo "  largest resident mappings (KiB):"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { f = ($6 == "") ? "[anonymous]" : $6 }
		/^Rss:/ { r[f] += $2 } END { for (f in r) print r[f], f }' "/proc/$pid/smaps" |
		sort -rn | head -n 8 | sed 's/^/    /'
	echo "mcmigd-$label $rss $pss $anon" >>"$T_RUN/mem"
}

echo
idle_window idle-on-primary
timeout 60 "$CTL" migrate --partner urn:mcmig:system:partner >"$T_RUN/migrate.out" 2>&1 ||
	bench_die "migrate: $(cat "$T_RUN/migrate.out")"
t_ok "migrated, registered at the partner"
idle_window registered-at-partner
kill -0 "$pid" 2>/dev/null && t_ok "mcmigd still running" || t_fail "mcmigd died"

# ModemManager after the same idle time, and qmi-proxy if anything spawned
# one in the UE namespace (the bench's qmi-emu answers mcmigd's proxy socket,
# so normally none runs here).
[ -z "$mm_pid" ] || echo "ModemManager $(p_mem "$mm_pid")" >>"$T_RUN/mem"
for p in $(ip netns pids "$UE" 2>/dev/null); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = qmi-proxy ] && echo "qmi-proxy $(p_mem "$p")" >>"$T_RUN/mem"
done
echo
echo "memory, same run (KiB; PSS shares each mapped page among the processes mapping it):"
printf '  %-42s %8s %8s %8s\n' "" VmRSS PSS RssAnon
while read -r who rss pss anon; do
	case "$who" in
	mcmigd-*) label="mcmigd ${who#mcmigd-}" ;;
	ModemManager) label="ModemManager idle, one modem (test mode)" ;;
	*) label=$who ;;
	esac
	printf '  %-42s %8s %8s %8s\n' "$label" "$rss" "$pss" "$anon"
done <"$T_RUN/mem"
grep -q '^qmi-proxy ' "$T_RUN/mem" ||
	printf '  %-42s %s\n' "qmi-proxy" "not running (qmi-emu answers mcmigd's proxy socket)"
read -r _ mrss mpss _ < <(grep '^mcmigd-registered' "$T_RUN/mem")
if [ -n "$mrss" ]; then
	echo "  goals, mcmigd on a QMI board (registered at the partner):" \
		"VmRSS <= 8192: $(p_verdict "$mrss" 8192), PSS <= 4096: $(p_verdict "$mpss" 4096)"
	read -r _ xrss xpss _ < <(grep '^ModemManager ' "$T_RUN/mem")
	[ -z "$xrss" ] || echo "  smaller than ModemManager: VmRSS $(p_ratio "$mrss" "$xrss")x:" \
		"$(p_verdict "$mrss" $((xrss - 1))), PSS $(p_ratio "$mpss" "$xpss")x: $(p_verdict "$mpss" $((xpss - 1)))"
fi
t_done
