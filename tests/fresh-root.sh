# tests/fresh-root.sh: a fresh Debian 12 root, shared by tests/check-fresh.sh
# (README's first-run lines) and tests/check-deb.sh (the built packages).
# Sourced, after `set -euo pipefail`, by a script running as root:
#
#   fresh_init NAME BASE "$@"  re-runs the script in a private mount namespace
#                              (once), so that every mount it makes ends with it;
#                              sets the trap that kills what runs in the root and
#                              unmounts; the root is BASE/root ($root)
#   fresh_root                 debootstraps Debian 12 (default variant, this
#                              machine's configured Debian mirror) into $root,
#                              always afresh (BASE is emptied first), gives it this machine's apt sources
#                              and resolver and prepares it like a machine (proc,
#                              sys, dev, devpts, tmpfs on /run and /tmp, its root
#                              a mount point so `ip netns` works)
#   fresh_run LOG CMD          runs CMD as root in $root with a clean environment
#   report STEP STATUS SECONDS one result line (kept for fresh_summary)
#   none_left DESC LIST        a check that passes when LIST is empty
#   fresh_leftovers            /tmp, network namespaces and processes of the root
#   fresh_summary              the results, the total time; exits 1 on a failure
#
# Processes left in the root are killed by the trap: only processes whose root
# is $root, which nothing but the script itself can have started.

fresh_init() {
	fresh_name=$1
	fresh_base=$2
	shift 2
	root=$fresh_base/root
	[ "$(id -u)" -eq 0 ] || { echo "$fresh_name: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
	if [ -z "${MCMIG_FRESH_NS:-}" ]; then
		exec env MCMIG_FRESH_NS=1 unshare --mount --propagation private -- "$0" "$@"
	fi
	fresh_t0=$(date +%s)
	results=()
	failed=0
	mounts=()
	trap fresh_cleanup EXIT
	trap 'exit 130' INT TERM
}

fresh_cleanup() {
	local rc=$? p i
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] || continue
		kill -KILL "${p#/proc/}" 2>/dev/null || true
	done
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[i]}" 2>/dev/null || true
	done
	exit $rc
}

report() { # step, status, seconds
	results+=("$(printf '%-48s %-4s %5ss' "$1" "$2" "$3")")
	printf '%s: %s: %s (%ss)\n' "$fresh_name" "$1" "$2" "$3"
}

none_left() {
	if [ -n "$2" ]; then
		report "$1" FAIL 0
		echo "$2" | head -20 >&2
		failed=1
	else
		report "$1" ok 0
	fi
}

fresh_mnt() { # mount args..., the last one the target
	mount "$@"
	mounts+=("${*: -1}")
}

# The Debian mirror this machine's apt uses (deb822 or one-line sources).
fresh_mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ { print $2; exit }' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null
}

fresh_root() {
	local m s
	command -v debootstrap >/dev/null || {
		echo "$fresh_name: installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null ||
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -q --no-install-recommends debootstrap >/dev/null; }
	}
	m=$(fresh_mirror)
	[ -n "$m" ] || { echo "$fresh_name: no Debian mirror found in /etc/apt" >&2; exit 1; }
	rm -rf "$fresh_base"
	mkdir -p "$fresh_base"
	s=$(date +%s)
	if debootstrap bookworm "$root" "$m" >"$fresh_base/debootstrap.log" 2>&1; then
		report "debootstrap bookworm ($m)" ok $(($(date +%s) - s))
	else
		tail -n 20 "$fresh_base/debootstrap.log" >&2
		report "debootstrap bookworm ($m)" FAIL $(($(date +%s) - s))
		exit 1
	fi

	# A machine: the same apt sources and settings as this one, a resolver.
	rm -f "$root/etc/apt/sources.list"
	cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/"
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/"
	cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	touch "$root/etc/mcmig-fresh-root" # .ci/run: no debootstrap again in here
	fresh_mnt --bind "$root" "$root"
	fresh_mnt -t proc proc "$root/proc"
	fresh_mnt -t sysfs sysfs "$root/sys"
	fresh_mnt --bind /dev "$root/dev"
	fresh_mnt -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
	fresh_mnt --bind "$root/dev/pts/ptmx" "$root/dev/ptmx"
	fresh_mnt -t tmpfs -o mode=0755 tmpfs "$root/run"
	fresh_mnt -t tmpfs -o mode=1777 tmpfs "$root/tmp"
}

fresh_run() { # log, command
	chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 ${CI:+CI=$CI} /bin/bash -c "$2" >"$1" 2>&1
}

fresh_leftovers() {
	local p left=
	none_left "nothing left in /tmp" "$(find "$root/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | sed "s|^$root||")"
	none_left "no network namespace left" \
		"$(find "$root/run/netns" "$root/etc/netns" -mindepth 1 -maxdepth 1 2>/dev/null | sed "s|^$root||")"
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && left+=" ${p#/proc/}($(cat "$p/comm" 2>/dev/null))"
	done
	none_left "no process left" "$left"
}

fresh_summary() {
	local n
	echo
	echo "$fresh_name: steps in a fresh Debian 12 root (logs in $fresh_base):"
	printf '  %s\n' "${results[@]}"
	echo "$fresh_name: total $(($(date +%s) - fresh_t0)) s"
	if [ $failed -eq 0 ]; then
		echo "$fresh_name: ${#results[@]} passed, 0 failed"
	else
		n=$(printf '%s\n' "${results[@]}" | grep -c ' FAIL ' || true)
		echo "$fresh_name: $((${#results[@]} - n)) passed, $n failed"
	fi
	exit $failed
}
