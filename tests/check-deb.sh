#!/bin/bash
# make check-deb: the Debian packages, built from this tree and installed in a
# fresh Debian 12 root (README.md, "Packages").
#
#   tests/check-deb.sh
#
# Copies the tree (tracked and untracked files that git does not ignore) into
# build/deb/src, builds there the native package with its unit tests
# (`dpkg-buildpackage -b`) and the arm64 one through the cross build
# (`dpkg-buildpackage -aarm64 -Pnocheck -b`), so that dpkg-buildpackage's
# output (written next to the source) stays in build/deb; runs lintian on
# both (a tag that is not overridden with its reason in debian/ fails);
# compares their file lists; every ELF file of the arm64 one must be
# aarch64. Then debootstraps Debian 12 into build/deb/fresh/root
# (tests/fresh-root.sh, shared with check-fresh), installs the native
# package there with apt, as an integrator would, and checks what it
# installed: mcmigd --check-config on the conffile (as user mcmig, made by
# sysusers) and with a board from the packaged boards, the modules and the
# CMS helper in the directory mcmigd has compiled in, mcmigctl --help,
# every ELF file's libraries present, the unit enabled, the manual pages,
# the introspection XML, the D-Bus policy, the udev rules, the completion;
# then purges it. Finally: nothing left in the root's /tmp, no namespace
# and no process.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }
out=$top/build/deb
src=$out/src/mcmig

# shellcheck source=tests/fresh-root.sh
. "$top/tests/fresh-root.sh"
fresh_init check-deb "$out/fresh" "$@"

# step NAME LOG CMD...: one reported step; its log's tail on failure.
step() {
	local name=$1 log=$2 s st=ok
	shift 2
	s=$(date +%s)
	"$@" >"$log" 2>&1 || st=FAIL
	report "$name" $st $(($(date +%s) - s))
	if [ $st = FAIL ]; then
		tail -n 30 "$log" >&2
		failed=1
		return 1
	fi
}

# check NAME CMD: a check in the fresh root (its output in the log).
check() {
	local name=$1 log=$out/fresh/check-$((${#results[@]})).log s st=ok
	s=$(date +%s)
	fresh_run "$log" "$2" || st=FAIL
	report "$name" $st $(($(date +%s) - s))
	if [ $st = FAIL ]; then
		sed 's/^/    /' "$log" | tail -n 20 >&2
		failed=1
	fi
}

# 1. The packages, built from a copy of the tree.
rm -rf "$out/src" "$out"/*.log
mkdir -p "$src"
# Only paths that exist: a file deleted in the tree is still in the index.
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -xf - -C "$src"
ver=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
step "build tools and libraries (.ci/deps.sh)" "$out/deps.log" \
	bash -c "'$top/.ci/deps.sh' --deb && '$top/.ci/deps.sh' --deb --cross aarch64-linux-gnu" || fresh_summary
step "dpkg-buildpackage -b (amd64, unit tests)" "$out/build-native.log" \
	bash -c "cd '$src' && dpkg-buildpackage -b -uc -us" || fresh_summary
step "dpkg-buildpackage -aarm64 -Pnocheck -b" "$out/build-arm64.log" \
	bash -c "cd '$src' && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -aarm64 -Pnocheck -b -uc -us" || fresh_summary
native=$(dpkg --print-architecture)
for a in "$native" arm64; do
	step "lintian mcmig_${ver}_$a.changes" "$out/lintian-$a.log" \
		lintian -I --pedantic --fail-on error,warning,info,pedantic "$out/src/mcmig_${ver}_$a.changes" || true
done
# The same files for both architectures (a cross build that loses one, e.g.
# a module the Makefile builds only natively, shows here), the multiarch
# library directory (LIBDIR) named alike.
files() { # architecture
	dpkg-deb -c "$out/src/mcmig_${ver}_$1.deb" | awk '{ print $6 }' |
		sed "s|/$(dpkg-architecture -a"$1" -qDEB_HOST_MULTIARCH 2>/dev/null)/|/MULTIARCH/|" | sort
}
step "arm64 package has the $native package's files" "$out/files.log" \
	diff -u <(files "$native") <(files arm64) || true
rm -rf "$out/arm64"
dpkg-deb -x "$out/src/mcmig_${ver}_arm64.deb" "$out/arm64"
# Every ELF file in it (programs, modules, helpers), and at least mcmigd.
step "arm64 package's ELF files are all aarch64" "$out/arm64.log" \
	bash -c "find '$out/arm64' -type f -exec file {} + | grep ': *ELF' | tee /dev/stderr | grep -v 'ARM aarch64' && exit 1;
		 file '$out/arm64/usr/bin/mcmigd' | grep -q 'ARM aarch64'" || true
rm -rf "$out/arm64"

# 2. The fresh root. Services are not started there (no systemd runs in a
# chroot, and policy-rc.d keeps the System V fallback of dbus and pcscd from
# starting daemons in it): the checks are about what is installed.
fresh_root
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp "$out/src/mcmig_${ver}_$native.deb" "$root/root/"
check "apt-get install ./mcmig_${ver}_$native.deb" \
	"apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/mcmig_${ver}_$native.deb"
check "mcmigd --check-config (the conffile, as mcmig)" \
	"dpkg-query -W -f='\${Conffiles}\n' mcmig | grep -q '^ /etc/mcmig/mcmig.conf ' &&
	 runuser -u mcmig -- mcmigd --check-config | grep '^/etc/mcmig/mcmig.conf: ok'"
# The boards directory is compiled into mcmigd from PREFIX: the package's
# must be the one it looks in.
check "mcmigd --check-config with board= (packaged boards)" \
	"sed 's/^#board=.*/board=imx8mm-evk-em7455/' /etc/mcmig/mcmig.conf >/root/board.conf &&
	 mcmigd --check-config -c /root/board.conf 2>&1 | grep 'board imx8mm-evk-em7455 '"
check "mcmigctl --help" "mcmigctl --help | grep -q '^usage: mcmigctl'"
# Like the boards, the directory of the modem backend modules and of the
# CMS helper is compiled into mcmigd (MODULEDIR): the package's must be it.
check "modules and mcmig-cmc where mcmigd looks" \
	"d=\$(grep -aoE '/usr/lib/[a-z0-9_-]+/mcmig' /usr/bin/mcmigd | head -n 1) && echo \"module dir: \$d\" &&
	 ls \"\$d\"/modem-*.so && test -x \"\$d/mcmig-cmc\""
# The package's Depends (dh_shlibdeps) bring every library its programs,
# modules and helpers link.
check "every ELF file's libraries installed (ldd)" \
	"dpkg -L mcmig | while read -r f; do
		if [ -f \"\$f\" ] && head -c 4 \"\$f\" | grep -q ELF; then echo \"\$f\"; fi
	 done >/root/elf &&
	 grep -qx /usr/bin/mcmigd /root/elf && ! xargs -a /root/elf ldd | grep 'not found'"
check "sysusers user mcmig (system user, no login)" \
	"getent passwd mcmig | awk -F: '\$3 < 1000 && \$7 ~ /nologin\$/ { ok = 1 } END { exit !ok }' &&
	 getent group mcmig"
check "mcmigd.service installed and enabled" \
	"test -f /lib/systemd/system/mcmigd.service && systemctl is-enabled mcmigd.service | grep -qx enabled &&
	 grep -qx 'ExecStart=/usr/bin/mcmigd --config /etc/mcmig/mcmig.conf' /lib/systemd/system/mcmigd.service"
check "manual pages mcmigd(8) mcmigctl(1) mcmig.conf(5)" \
	"for m in man8/mcmigd.8 man1/mcmigctl.1 man5/mcmig.conf.5; do
		zcat /usr/share/man/\$m.gz | grep -q '^\\.TH' || { echo \"\$m: missing or no .TH\"; exit 1; }
	 done"
# The tree the package was built from, not the checkout (edited meanwhile).
cp "$src/agent/org.mcmig.Agent1.xml" "$root/root/"
check "introspection XML in share/dbus-1/interfaces" \
	"cmp /root/org.mcmig.Agent1.xml /usr/share/dbus-1/interfaces/org.mcmig.Agent1.xml"
check "D-Bus policy, udev rules, bash completion" \
	"test -s /usr/share/dbus-1/system.d/org.mcmig.Agent1.conf && test -s /lib/udev/rules.d/78-mcmig.rules &&
	 test -s /usr/share/bash-completion/completions/mcmigctl"
check "apt-get purge mcmig (conffile and files gone)" \
	"dpkg -L mcmig | sort >/root/mcmig.files &&
	 DEBIAN_FRONTEND=noninteractive apt-get purge -y -q mcmig &&
	 while read -r f; do [ -d \"\$f\" ] || [ ! -e \"\$f\" ] || { echo \"left: \$f\"; exit 1; }; done </root/mcmig.files &&
	 test ! -e /etc/mcmig/mcmig.conf"

# 3. Nothing left behind.
fresh_leftovers
fresh_summary
