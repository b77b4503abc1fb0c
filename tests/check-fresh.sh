#!/bin/bash
# make check-fresh: a newcomer's first run, proven on a fresh Debian 12 root.
#
#   tests/check-fresh.sh [--ci | --first CMD]
#
# Debootstraps Debian 12 (default variant, from this machine's configured
# Debian mirror) into build/fresh/root, prepares it like a machine (proc, sys,
# dev, devpts, tmpfs on /run and /tmp, its root a mount point so `ip netns`
# works), clones this checkout's HEAD into it and runs, as root, exactly the
# lines of README.md's first-run block (the prerequisite line, `make demo`,
# `make check`), reporting each step's result and time. Then it checks that
# nothing was left behind: no file in the root's /tmp, no network namespace,
# no process. --ci also runs `bash .ci/run` there (CI's own command; it does
# not recurse into check-fresh inside the fresh root). --first CMD runs the
# prerequisite line and then CMD alone (e.g. 'make install DESTDIR=/x').
#
# Everything runs in a private mount namespace, so every mount it makes ends
# with it; the trap unmounts them anyway and kills only processes whose root
# is the fresh root (nothing else can have been started there).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
base=$top/build/fresh
root=$base/root
ci=0
first=
case "${1:-}" in
--ci) ci=1 ;;
--first) first=${2:?--first needs a command} ;;
"") ;;
*) echo "usage: $0 [--ci | --first CMD]" >&2; exit 2 ;;
esac

[ "$(id -u)" -eq 0 ] || { echo "check-fresh: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }

# The first-run block of README.md: the lines between the markers, without
# comments. The README is the one source; this runs what it says (its third
# line is expected to be `make check`: what it writes is checked below).
mapfile -t steps < <(sed -n '/<!-- first-run -->/,/<!-- \/first-run -->/p' "$top/README.md" |
	sed -n '/^```$/,/^```$/p' | grep -v '^```' | sed 's/[[:space:]]*#.*$//' | grep .)
[ ${#steps[@]} -ge 3 ] || { echo "check-fresh: README.md has no first-run block (<!-- first-run -->)" >&2; exit 1; }
[ $ci -eq 1 ] && steps+=("bash .ci/run")
# --first CMD: the prerequisite line, then CMD as the very first command
# instead of the two (every entry point must work as the first one).
[ -n "$first" ] && steps=("${steps[0]}" "$first")

# Re-run inside a private mount namespace (once).
if [ -z "${MCMIG_FRESH_NS:-}" ]; then
	exec env MCMIG_FRESH_NS=1 unshare --mount --propagation private -- "$0" "$@"
fi

# The Debian mirror this machine's apt uses (deb822 or one-line sources).
mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ { print $2; exit }' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null
}

t0=$(date +%s)
results=()
report() { # step, status, seconds
	results+=("$(printf '%-48s %-4s %5ss' "$1" "$2" "$3")")
	printf 'check-fresh: %s: %s (%ss)\n' "$1" "$2" "$3"
}

mounts=()
cleanup() {
	local rc=$? p i
	# Processes left in the fresh root (a leaked daemon): ours by construction.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] || continue
		kill -KILL "${p#/proc/}" 2>/dev/null || true
	done
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[i]}" 2>/dev/null || true
	done
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mnt() { # mount args..., the last one the target
	mount "$@"
	mounts+=("${*: -1}")
}

# 1. debootstrap (always fresh: a root left by an earlier run is removed).
command -v debootstrap >/dev/null || {
	echo "check-fresh: installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null ||
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends debootstrap >/dev/null; }
}
m=$(mirror)
[ -n "$m" ] || { echo "check-fresh: no Debian mirror found in /etc/apt" >&2; exit 1; }
rm -rf "$base"
mkdir -p "$base"
s=$(date +%s)
if debootstrap bookworm "$root" "$m" >"$base/debootstrap.log" 2>&1; then
	report "debootstrap bookworm ($m)" ok $(($(date +%s) - s))
else
	tail -n 20 "$base/debootstrap.log" >&2
	report "debootstrap bookworm ($m)" FAIL $(($(date +%s) - s))
	exit 1
fi

# 2. A machine: the same apt sources and settings as this one, a resolver.
rm -f "$root/etc/apt/sources.list"
cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/"
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/"
cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
touch "$root/etc/mcmig-fresh-root" # .ci/run: do not recurse into check-fresh here
mnt --bind "$root" "$root"
mnt -t proc proc "$root/proc"
mnt -t sysfs sysfs "$root/sys"
mnt --bind /dev "$root/dev"
mnt -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
mnt --bind "$root/dev/pts/ptmx" "$root/dev/ptmx"
mnt -t tmpfs -o mode=0755 tmpfs "$root/run"
mnt -t tmpfs -o mode=1777 tmpfs "$root/tmp"

# 3. The checkout, as a newcomer has it: a git clone (HEAD; uncommitted work is not in it).
git clone -q "$top" "$root/root/mcmig"

# 4. The README's lines, each as root in the clone. Build errors are those of
# pkg-config and of the compiler (file:line:col: error); tests print their own
# refusals on purpose, so other "error" words do not count.
build_errors='pkg-config: (No such file|not found)|Package .* was not found|^[^ ]+\.[ch]:[0-9]+(:[0-9]+)?: (fatal )?error:|undefined reference to'
# Files that make check wrote outside the clone's build/ (and the tmpfs
# mounts, checked apart), since the marker.
outside_build() {
	find "$root" -xdev -newer "$base/marker" ! -type d \
		! -path "$root/root/mcmig/build/*" ! -path "$root/root/mcmig/.git/*" \
		! -path "$root/proc/*" ! -path "$root/sys/*" ! -path "$root/dev/*" \
		! -path "$root/run/*" ! -path "$root/tmp/*" 2>/dev/null | sed "s|^$root||"
}

# none_left DESC LIST: a check that passes when LIST is empty.
none_left() {
	if [ -n "$2" ]; then
		report "$1" FAIL 0
		echo "$2" | head -20 >&2
		failed=1
	else
		report "$1" ok 0
	fi
}

failed=0
n=0
for step in "${steps[@]}"; do
	n=$((n + 1))
	# Before README's last line (make check): everything it writes must be
	# inside the checkout's build directory (its packages are in by then).
	[ $n -eq 3 ] && touch "$base/marker"
	s=$(date +%s)
	log="$base/step-$((${#results[@]})).log"
	if chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 ${CI:+CI=$CI} /bin/bash -c "cd /root/mcmig && $step" >"$log" 2>&1; then
		st=ok
	else
		st=FAIL
		failed=1
	fi
	# A newcomer must not see pkg-config or compiler errors, even when the step passes.
	if grep -Eq "$build_errors" "$log"; then
		echo "check-fresh: '$step' printed error lines:" >&2
		grep -E "$build_errors" "$log" | head -5 >&2
		st=FAIL
		failed=1
	fi
	tail -n 3 "$log" | sed 's/^/    /'
	report "$step" "$st" $(($(date +%s) - s))
	[ $n -eq 3 ] && none_left "'$step' wrote nothing outside build/" "$(outside_build)"
	[ $st = ok ] || { tail -n 40 "$log" >&2; break; }
done

# 5. Nothing left behind outside the run directories.
none_left "nothing left in /tmp" "$(find "$root/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | sed "s|^$root||")"
none_left "no network namespace left" \
	"$(find "$root/run/netns" "$root/etc/netns" -mindepth 1 -maxdepth 1 2>/dev/null | sed "s|^$root||")"
left=
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && left+=" ${p#/proc/}($(cat "$p/comm" 2>/dev/null))"
done
none_left "no process left" "$left"

echo
echo "check-fresh: steps in a fresh Debian 12 root (logs in $base):"
printf '  %s\n' "${results[@]}"
echo "check-fresh: total $(($(date +%s) - t0)) s"
if [ $failed -eq 0 ]; then
	echo "check-fresh: ${#results[@]} passed, 0 failed"
else
	n=$(printf '%s\n' "${results[@]}" | grep -c ' FAIL ' || true)
	echo "check-fresh: $((${#results[@]} - n)) passed, $n failed"
fi
exit $failed
