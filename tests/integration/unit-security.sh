#!/bin/bash
# The installed unit as make install renders it: systemd-analyze security
# --offline=true gives an overall exposure of at most 2.0 (README), and
# systemd-analyze verify has nothing to say about it. No daemon runs here;
# tests/integration/mcmigd-hardened.sh runs one under the unit's settings.
. "$(dirname "$0")/../lib.sh"
t_init unit-security

MAX=2.0
if ! command -v systemd-analyze >/dev/null; then
	t_abort "systemd-analyze installed (package systemd)"
fi

# make install into a scratch root, exactly as a package build would.
root=$T_RUN/root
make -s --no-print-directory -C "$T_TOP" install DESTDIR="$root" >"$T_RUN/install.log" 2>&1
t_check "make install DESTDIR=" test $? -eq 0
unit=$(cd "$root" && find . -path '*/systemd/system/mcmigd.service' | sed 's/^\.//')
t_check "mcmigd.service installed ($unit)" test -n "$unit" -a -f "$root$unit"
sysusers=$(find "$root" -path '*/sysusers.d/mcmig.conf')
t_check "sysusers.d: user mcmig ($sysusers)" grep -q '^u mcmig ' "${sysusers:-/nonexistent}"
t_check "unit: User=mcmig" grep -qx 'User=mcmig' "$root$unit"

systemd-analyze security --offline=true "$root$unit" >"$T_RUN/security.txt" 2>&1
score=$(sed -n 's/^→ Overall exposure level for mcmigd\.service: \([0-9.]*\) .*/\1/p' \
	"$T_RUN/security.txt")
echo "unit-security: overall exposure $score (at most $MAX)"
t_check "security: an overall exposure level ($score)" test -n "$score"
t_check "security: exposure $score <= $MAX" awk -v s="$score" -v m="$MAX" \
	'BEGIN { exit !(s != "" && s + 0 <= m + 0) }'
# What still counts against it (README explains why each stays).
grep '✗' "$T_RUN/security.txt"

# verify loads the unit's dependencies from the root: give it the targets.
mkdir -p "$root/usr/lib/systemd/system"
cp -a /usr/lib/systemd/system/*.target "$root/usr/lib/systemd/system/"
# Without man: verify would run the machine's man (which a fresh Debian does
# not have) for each Documentation= page. The pages are the ones make install
# put in the root, checked below.
systemd-analyze verify --man=no --root="$root" "$unit" >"$T_RUN/verify.txt" 2>&1
rc=$?
cat "$T_RUN/verify.txt"
t_check "verify: exit 0 (rc $rc) and no complaint" test "$rc" -eq 0 -a ! -s "$T_RUN/verify.txt"
man=$(find "$root" -type d -path '*/share/man' | head -n 1)
for page in $(sed -n 's/^Documentation=//p' "$root$unit"); do
	name=${page#man:}
	sec=${name##*(}
	sec=${sec%)}
	name=${name%(*}
	t_check "Documentation=$page installed" test -s "${man:-/nonexistent}/man$sec/$name.$sec"
done
t_done
