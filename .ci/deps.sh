#!/bin/bash
# The one list of Debian packages mcmig needs, and the one place that installs them.
# Used by `make check`, `make demo`, `make bench` and CI. Installs only what is missing.
#
#   .ci/deps.sh                 native build, tests and bench
#   .ci/deps.sh --cross TRIPLET also the multiarch -dev packages and qemu-user for TRIPLET
#   .ci/deps.sh --fuzz          also clang and its libFuzzer runtime (make fuzz)
#   .ci/deps.sh --deb           also the package tools (make check-deb; with
#                               --cross the cross build's libraries too)
set -euo pipefail

# Build and unit tests.
BUILD_PKGS=(
	gcc make pkg-config clang-format file openssl python3 scdoc
	libglib2.0-dev libqmi-glib-dev libmbim-glib-dev libmm-glib-dev
	libpcsclite-dev libcurl4-openssl-dev libxml2-dev libcmocka-dev libosip2-dev
	libc-ares-dev libjansson-dev
)
# The bench: real daemons, real peers and the tools that prove our emulators.
BENCH_PKGS=(
	iproute2 procps openssl ca-certificates dbus libglib2.0-bin jq curl libxml2-utils
	pcscd vsmartcard-vpcd pcsc-tools
	libqmi-utils libqmi-proxy libmbim-utils libmbim-proxy modemmanager
	libosmocore-dev libtalloc-dev libfreediameter-dev freediameter-extensions
	libmicrohttpd-dev libgnutls28-dev nettle-dev librhonabwy-dev libjansson-dev
	kamailio kamailio-ims-modules kamailio-presence-modules
	sip-tester systemd strace tcpdump
	dnsmasq-base
	glewlwyd sqlite3 python3-jwt python3-cryptography
)
# Cross-compilation: the same libraries for the target architecture.
CROSS_LIBS=(
	libc6-dev libglib2.0-dev libqmi-glib-dev libmbim-glib-dev libmm-glib-dev
	libpcsclite-dev libcurl4-openssl-dev libxml2-dev libcmocka-dev libosip2-dev
	libc-ares-dev libjansson-dev
)

# make fuzz: clang, and libclang-rt-dev for libFuzzer and the sanitizer runtimes.
FUZZ_PKGS=(clang libclang-rt-dev)

# make check-deb: dpkg-buildpackage with debian/'s sequencer, lintian, and
# debootstrap for the fresh root the package is installed into.
DEB_PKGS=(dpkg-dev debhelper lintian debootstrap git)

declare -A DEBARCH=([aarch64-linux-gnu]=arm64 [arm-linux-gnueabihf]=armhf)

triplet=
fuzz=
deb=
while [ $# -gt 0 ]; do
	case "$1" in
	--cross) triplet=${2:?--cross needs a triplet}; shift 2 ;;
	--fuzz) fuzz=1; shift ;;
	--deb) deb=1; shift ;;
	*) echo "deps.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

want=("${BUILD_PKGS[@]}" "${BENCH_PKGS[@]}")
[ -n "$fuzz" ] && want+=("${FUZZ_PKGS[@]}")
arch=
if [ -n "$triplet" ]; then
	arch=${DEBARCH[$triplet]:-}
	[ -n "$arch" ] || { echo "deps.sh: no Debian architecture known for '$triplet'" >&2; exit 2; }
	want=("${BUILD_PKGS[@]}" "gcc-$triplet" qemu-user)
	for p in "${CROSS_LIBS[@]}"; do want+=("$p:$arch"); done
fi
[ -n "$deb" ] && want+=("${DEB_PKGS[@]}")

# One dpkg-query for the whole list: this runs before every build, so it must
# cost next to nothing when everything is there. A package dpkg has never heard
# of is not printed at all, hence the comparison against the wanted list.
declare -A have=()
native=$(dpkg --print-architecture)
while read -r name arch_ status; do
	[ "$status" = installed ] || continue
	case "$arch_" in "$native" | all) have[$name]=1 ;; esac
	have[$name:$arch_]=1
done < <(dpkg-query -W -f='${Package} ${Architecture} ${db:Status-Status}\n' "${want[@]}" 2>/dev/null)
missing=()
for p in "${want[@]}"; do
	[ -n "${have[$p]:-}" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
	echo "deps.sh: run as root:" >&2
	[ -n "$arch" ] && echo "  dpkg --add-architecture $arch" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}"
if [ -n "$arch" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	dpkg --add-architecture "$arch"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || { echo "deps.sh: apt-get update failed" >&2; exit 1; }
# Debian's kamailio package enables and starts kamailio.service on port 5060;
# the bench runs its own instances in namespaces, so keep the packaged one off.
policy_made=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 0755 /usr/sbin/policy-rc.d
	policy_made=1
fi
trap '[ -n "$policy_made" ] && rm -f /usr/sbin/policy-rc.d' EXIT
# The log stays in the checkout's build directory: nothing outside it is ours to litter.
log=$(cd "$(dirname "$0")/.." && pwd)/build/deps-apt.log
mkdir -p "${log%/*}"
apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1 || {
	tail -n 30 "$log" >&2
	echo "deps.sh: apt-get install failed (full log: $log)" >&2
	exit 1
}
echo "deps.sh: done"
