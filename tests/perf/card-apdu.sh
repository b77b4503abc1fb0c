#!/bin/bash
# The card at the moment of need (product.md "Numbers"): one AUTHENTICATE =
# one APDU exchange (plus GET RESPONSE under T=0), and the ISIM selected once.
# MCMIG_BENCH_AUTHS (default 5) migrations and returns with mcmigd; the bench
# card logs every command APDU it answers (RUN_DIR/card/card0.log: CLA INS P1
# P2): counted per migration and over the whole run. Fails only when a
# migration does not happen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/perf.sh"
t_init perf-card-apdu
. "$T_TOP/tests/bench/bench-up.sh"
bench_require || exit 0
auths=${MCMIG_BENCH_AUTHS:-5}
partner=urn:mcmig:system:partner
bench_up c$T_ID
log=$T_RUN/card/card0.log
apdus() { grep -c ' mcmig-vcard: C ' "$log" || true; }
# ins_since FROM INS: how many command APDUs with that INS since line $1.
ins_since() { tail -n +"$1" "$log" | grep -c " mcmig-vcard: C [0-9a-f][0-9a-f] $2 " || true; }

timeout 60 "$CTL" migrate --fetch-only --partner "$partner" >/dev/null 2>&1 ||
	bench_die "fetch the partner configuration"
# row LABEL FROM: the APDUs since line FROM of the card's log, by kind.
row() {
	local all auth getr sel
	all=$(tail -n +"$2" "$log" | grep -c ' mcmig-vcard: C ' || true)
	auth=$(ins_since "$2" 88)
	getr=$(ins_since "$2" c0)
	sel=$(ins_since "$2" a4)
	printf '  %-16s %6s %13s %13s %7s %6s\n' "$1" "$all" "$auth" "$getr" "$sel" $((all - auth - getr - sel))
	echo "$1 $all $auth $getr $sel" >>"$T_RUN/apdu.sum"
}

echo
printf '  %-16s %6s %13s %13s %7s %6s\n' "" APDUs AUTHENTICATE "GET RESPONSE" SELECT other
for i in $(seq "$auths"); do
	from=$(($(wc -l <"$log") + 1))
	timeout 60 "$CTL" migrate --partner "$partner" >"$T_RUN/m$i.out" 2>&1 ||
		bench_die "run $i: migrate: $(cat "$T_RUN/m$i.out")"
	row "migration $i" "$from"
	from=$(($(wc -l <"$log") + 1))
	timeout 60 "$CTL" return >/dev/null 2>&1 || bench_die "run $i: return"
	row "  its return" "$from"
done
t_ok "$auths migrations with the card's AUTHENTICATE"
# mcmigd opens the card when it starts: every migration, the first one
# included, should be its AUTHENTICATE alone.
read -r all auth getr sel < <(grep '^migration' "$T_RUN/apdu.sum" |
	awk '{ a += $3; n += $4; g += $5; s += $6 } END { print a + 0, n + 0, g + 0, s + 0 }')
echo "  migrations 1-$auths: $auth AUTHENTICATE in $all APDUs ($getr GET RESPONSE, $sel SELECT):" \
	"$(awk -v a="$all" -v n="$auth" 'BEGIN { printf "%.2f", n ? a / n : 0 }') exchanges per AUTHENTICATE;" \
	"target 1 AUTHENTICATE per migration, 1 exchange each (2 with GET RESPONSE under T=0):" \
	"$([ "$auth" -eq "$auths" ] && [ "$sel" -eq 0 ] && [ $((all - auth - getr)) -eq 0 ] && echo ok || echo ABOVE TARGET)"
echo "  SELECT in the card's whole log: $(grep -c ' mcmig-vcard: C [0-9a-f][0-9a-f] a4 ' "$log")" \
	"(the card opened once, when mcmigd started: EF_DIR, a logical channel, the ISIM)"
echo "  the returns' AUTHENTICATE: the partner S-CSCF challenges the de-registration too"
t_done
