#!/bin/bash
# The whole seed flow with mcmigd (make demo): in the bench topology, the
# agent in the ue namespace asks the real primary CMS (mcmig-cms; steps 1-13:
# authorisation, outbound identities at the primary SIP DB, CMS-to-CMS with
# mutual TLS, inbound identities at the partner SIP DB), stores the answer,
# brings the partner PDN up through the product's QMI backend on qmi-emu
# (step 14), configures wwan1 over rtnetlink, resolves the partner's P-CSCF
# name through the partner PDN's DNS (dnsmasq in the partner namespace, RFC
# 3263 NAPTR/SRV/A over wwan1), and registers at the partner's
# unmodified Kamailio S-CSCF with IMS-AKA answered by the bench card behind
# the real pcscd + vpcd (steps 15-24, vectors proxied to the primary SIP DB).
# Then: return; a forced sync failure (registers after resync); the
# "primary unreachable" trigger (primary PDN carrier lost, registration
# denied on the home PLMN) migrating and returning by itself; a MAC
# failure (gives up with a clear reason, back on the primary); revoked while
# registered (the network ends the registration at once) and then refused
# (6.Y.3, back on the primary, nothing stored lost); NOTE 2 static mode
# (registers with the primary's outbound identity).
. "$(dirname "$0")/../lib.sh"
t_init e2e-migration

. "$T_TOP/tests/bench/bench-up.sh"
if ! bench_require; then
	[ -z "${MCMIG_DEMO:-}" ]
	exit
fi
card=$BENCH_CARD
# The "primary unreachable" trigger: the home PLMN and the primary PDN's netdev
# (bench topology: wwan0), with short timers for the test.
bench_extra_config() { bench_primary_trigger; }
bench_up e$T_ID
t_check "board data used" grep -q "board bench" "$T_RUN/agent.log"
# Opened at start, so that the first migration's challenge costs one APDU.
t_wait_for "the card opened at start" 10 grep -q "card: ISIM ready, IMPI alice@ims.primary.example" \
	"$T_RUN/agent.log"
t_check "mcmigd opened the card when it started (ISIM, its IMPI)" \
	grep -q "card: ISIM ready, IMPI alice@ims.primary.example" "$T_RUN/agent.log"
primary_before=$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")
partner_addr() { ip -n "$UE" -br addr show dev "$MCMIG_UE_PARTNER_IF" | grep -q "198.51.100.2/"; }
back_on_primary() {
	t_check "$1: back on the primary, wwan1 deconfigured" bash -c \
		"! ip -n '$UE' -br addr show dev '$MCMIG_UE_PARTNER_IF' | grep -q '198.51.100.2/'"
	t_check "$1: primary wwan0 untouched" \
		test "$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")" = "$primary_before"
}


# Steps 1-25.
pm=$(wc -l <"$T_RUN/partner.log")
migrate migrate --partner urn:mcmig:system:partner
t_check "migrated and registered at the partner (exit $rc)" test "$rc" -eq 0
t_check "state registered-at-partner" json '"state":"registered-at-partner"'
rec=$(ls "$T_RUN"/state/partners/*.xml 2>/dev/null | head -n 1)
t_check "partner configuration stored, 0600" test -n "$rec" -a "$(stat -c %a "$rec" 2>/dev/null)" = 600
impi=$(sed -n 's:.*<impi>\([^<]*\)</impi>.*:\1:p' "$rec" | head -n 1)
user=$(sed -n 's:.*<username>\([^<]*\)</username>.*:\1:p' "$rec" | head -n 1)
t_check "inbound identity from the partner SIP DB ($impi)" \
	grep -q "binding $impi " "$T_RUN/partner-sipdb.state"
t_check "TS 24.484 initial UE configuration stored whole" \
	grep -q 'urn:3gpp:mcptt:mcpttUEinitConfig:1.0' "$rec"
t_check "partner PDN with the CMS's CHAP user ($user)" \
	grep -q "apn=mcptt.partner.example auth=0x[0-9a-f]* user=$user " "$T_RUN/emu.log"
t_check "wwan1 configured by the agent" partner_addr
# Issue 11: the partner's P-CSCF is a name (sip:pcscf.partner.example, no port,
# no transport) that only the partner's DNS knows. The agent asked the server
# the partner PDN named, over wwan1, RFC 3263 NAPTR -> SRV -> A; the ue's
# system resolver (the primary's) cannot find it, even with wwan1 up.
t_check "P-CSCF resolved on the partner PDN: NAPTR, SRV, A through the partner's DNS on wwan1" \
	grep -q "P-CSCF: NAPTR pcscf.partner.example, SRV _sip._udp.pcscf.partner.example, A access.pcscf.partner.example -> udp 198.51.100.1:5060 (DNS $MCMIG_PARTNER_UE_ADDR on $MCMIG_UE_PARTNER_IF)" \
	"$T_RUN/agent.log"
t_check "the partner's DNS was asked from the partner PDN's address (198.51.100.2)" bash -c \
	"grep -q 'query\[NAPTR\] pcscf.partner.example from 198.51.100.2' '$T_RUN/dns.log' &&
	 grep -q 'query\[SRV\] _sip._udp.pcscf.partner.example from 198.51.100.2' '$T_RUN/dns.log' &&
	 grep -q 'query\[A\] access.pcscf.partner.example from 198.51.100.2' '$T_RUN/dns.log'"
t_check "the ue's system resolver cannot resolve pcscf.partner.example (while migrated)" \
	bash -c "! ip netns exec '$UE' timeout 10 getent ahosts pcscf.partner.example"
t_check "primary wwan0 untouched while migrated" \
	test "$(ip -n "$UE" -br addr show dev "$MCMIG_UE_PRIMARY_IF")" = "$primary_before"
t_check "the partner SIP DB proxied the authentication to the primary" \
	bash -c "tail -n +$((pm + 1)) '$T_RUN/partner.log' | grep -q 'MAR $impi: proxied to realm primary.example'"
t_check "CHAP password and token not in the agent's log" bash -c \
	"! grep -qF \"\$(cat '$MCMIG_CMS_TOKEN_FILE')\" '$T_RUN/agent.log' && ! grep -q 'password>' '$T_RUN/agent.log'"

# The timeline of that migration (steps 1-25): text, JSON, SVG.
"$CTL" timeline >"$T_RUN/timeline.txt" 2>&1
cat "$T_RUN/timeline.txt"
[ -n "${MCMIG_DEMO:-}" ] && echo "sequence chart of this migration: $T_RUN/timeline.svg"
seq=$("$CTL" timeline --json | grep -o '"seed_step":[1-9][0-9]*' | cut -d: -f2 | uniq | tr '\n' ' ')
t_check "timeline: seed steps 1 13 14 15 22 23 24 in order (got $seq)" test "$seq" = "1 13 14 15 22 23 24 "
t_check "timeline: the P-CSCF lookup on the partner's DNS, counted as the network's wait" \
	grep -q "network  *15  P-CSCF at udp 198.51.100.1:5060$" "$T_RUN/timeline.txt"
t_check "timeline: ends registered, the waits named" grep -q "total .* ms to registered-at-partner: modem .*, network .*, card .*, agent" "$T_RUN/timeline.txt"
t_check "timeline --json" bash -c "'$CTL' timeline --json | grep -q '\"registered\":true.*\"authenticates\":1}'"
t_check "timeline --svg: well-formed" bash -c "'$CTL' timeline --svg '$T_RUN/timeline.svg' >/dev/null && xmllint --noout '$T_RUN/timeline.svg'"

# NOTE 4: a daemon restart while migrated resumes the migration from the store.
t_stop agent
t_check "timeline kept in the state directory across the restart" bash -c \
	"'$CTL' timeline --file '$T_RUN/state/timeline' | grep -q 'trigger: migrate urn:mcmig:system:partner'"
t_spawn agent2 ip netns exec "$UE" "$MCMIGD" -c "$T_RUN/mcmig.conf"
t_wait_for "the restarted agent to register again" 60 \
	bash -c "'$CTL' status | grep -q '^state:   registered-at-partner'"
t_check "restart while migrated: registered at the partner again" \
	bash -c "'$CTL' status | grep -q '^state:   registered-at-partner'"
t_check "restart while migrated: no new CMS exchange (stored configuration)" \
	grep -q "restoring registered-at-partner" "$T_RUN/agent2.log"
t_check "restart while migrated: the timeline is the restored migration's" bash -c \
	"'$CTL' timeline | grep -q 'trigger: migrate (restore)'"

migrate return
t_check "returned (exit $rc)" test "$rc" -eq 0
t_check "state idle-on-primary" json '"state":"idle-on-primary"'
back_on_primary "return"
t_check "partner PDN disconnected" grep -q "session down: apn=mcptt.partner.example" "$T_RUN/emu.log"

# Sync failure: the card's SQN is ahead; AUTS, the primary resynchronises.
printf 'sqn_ms = 000000100000\nind_bits = 0\nseq = 100000\n' >"$T_RUN/card/ahead.sqn"
$card swap "$T_RUN" 0 "$T_RUN/profiles/ahead.ini" >/dev/null 2>&1
pp=$(wc -l <"$T_RUN/primary.log")
ps=$(wc -l <"$T_RUN/scscf.log")
migrate migrate --partner urn:mcmig:system:partner
# One migrate, one AUTS REGISTER: the S-CSCF answers it with a fresh 401.
t_check "sync failure: registered after resync with one migrate (exit $rc)" test "$rc" -eq 0
t_check "sync failure: exactly one auts= REGISTER reached the S-CSCF" test \
	"$(tail -n +$((ps + 1)) "$T_RUN/scscf.log" | grep -c 'REGISTER .*: resynchronisation')" -eq 1
t_check "sync failure: the primary SIP DB resynchronised" \
	bash -c "tail -n +$((pp + 1)) '$T_RUN/primary.log' | grep -q 'after resync'"
migrate return
t_check "sync failure: returned (exit $rc)" test "$rc" -eq 0

# Primary unreachable (the third trigger), first by the primary PDN's link:
# its carrier goes (the peer of wwan0 in the primary namespace is ue0,
# tests/bench/topology.sh). A blip shorter than grace-ms changes nothing
# (the kernel may hold a carrier event back up to 1 s: the blip lasts until
# the agent saw it go, and grace-ms leaves room for the delayed "up").
state_is() { "$CTL" status | grep -q "^state:   $1"; }
alog=$T_RUN/agent2.log
al=$(wc -l <"$alog")
since() { tail -n +$((al + 1)) "$alog" | grep -q "$1"; }
ip -n "$MCMIG_NS_PRIMARY" link set ue0 down
t_wait_for "the primary PDN lost" 5 since "primary reachable -> lost (down)" || t_fail "blip seen"
ip -n "$MCMIG_NS_PRIMARY" link set ue0 up
t_wait_for "the primary PDN back" 5 since "primary lost -> reachable (up)" || t_fail "blip over"
sleep 3
t_check "primary PDN blip within T-grace: still on the primary" state_is idle-on-primary
al=$(wc -l <"$alog")
ip -n "$MCMIG_NS_PRIMARY" link set ue0 down
t_wait_for "the unreachable trigger to register at the partner" 30 state_is registered-at-partner
t_check "primary PDN lost: migrated by the trigger after T-grace" since \
	"primary unreachable (primary PDN $MCMIG_UE_PRIMARY_IF: no carrier): migrating to urn:mcmig:system:partner"
t_check "primary PDN lost: registered at the partner" state_is registered-at-partner
t_check "primary PDN lost: stored configuration, no CMS request" bash -c \
	"! tail -n +$((al + 1)) '$alog' | grep -q 'partner-config-requested'"
t_check "primary PDN lost: wwan1 configured" partner_addr
ip -n "$MCMIG_NS_PRIMARY" link set ue0 up
t_wait_for "the return when the primary is back" 30 state_is idle-on-primary
t_check "primary PDN back: returned after T-back" since "primary reachable again: returning"
back_on_primary "primary PDN back"

# The trigger survives a restart: mcmigd stops while migrated by it, the
# primary comes back meanwhile; the restarted agent restores the migration
# and returns by itself.
al=$(wc -l <"$alog")
ip -n "$MCMIG_NS_PRIMARY" link set ue0 down
t_wait_for "the unreachable trigger to register at the partner" 30 state_is registered-at-partner
t_stop agent2
ip -n "$MCMIG_NS_PRIMARY" link set ue0 up
t_spawn agent3 ip netns exec "$UE" "$MCMIGD" -c "$T_RUN/mcmig.conf"
alog=$T_RUN/agent3.log al=0
t_wait_for "the restored migration to return" 60 since "disconnecting -> idle-on-primary"
t_check "restart while migrated by the trigger: restored with its trigger" \
	since "restoring registered-at-partner"
t_check "restart while migrated by the trigger: returned, the primary being back" \
	since "primary reachable again meanwhile: returning"
t_check "restart while migrated by the trigger: idle on the primary" state_is idle-on-primary
back_on_primary "restart while migrated by the trigger"

# Then by the serving network: registration denied on the home PLMN
# (qmi-emu's NAS indication), and registered there again.
al=$(wc -l <"$alog")
"$EMU" ctl "$T_RUN/emu.ctl" serving reg=denied >/dev/null
t_wait_for "the unreachable trigger to register at the partner" 30 state_is registered-at-partner
t_check "registration denied: migrated by the trigger" since \
	"primary unreachable (registration denied[^)]*): migrating to urn:mcmig:system:partner"
t_check "registration denied: registered at the partner" state_is registered-at-partner
"$EMU" ctl "$T_RUN/emu.ctl" serving reg=home >/dev/null
t_wait_for "the return when registered at home again" 30 state_is idle-on-primary
t_check "registered at home again: returned" since "primary reachable again: returning"
back_on_primary "registered at home again"

# MAC failure: another K on the card; the agent gives up with a clear reason.
$card swap "$T_RUN" 0 "$T_RUN/profiles/wrongk.ini" >/dev/null 2>&1
migrate migrate --partner urn:mcmig:system:partner
t_check "MAC failure: exit 1 (got $rc)" test "$rc" -eq 1
t_check "MAC failure: reason auth-failed" json '"state":"failed","reason":"auth-failed: '
back_on_primary "MAC failure"
t_check "MAC failure: stored configuration kept" test -f "$rec"

# Revoked while registered (6.Y.3 reaching the partner): the primary CMS
# tells the partner CMS, whose SIP DB sends the S-CSCF an RTR; the network
# ends the registration at once, not at the next refresh, and NOTIFYs the
# UE's reg-event subscription (TS 24.229 5.1.1.7): the agent takes down what
# the migration added and ends on the primary with the reason named.
$card swap "$T_RUN" 0 "$T_RUN/profiles/alice.ini" >/dev/null 2>&1
migrate migrate --partner urn:mcmig:system:partner
t_check "revoked while registered: registered at the partner first (exit $rc)" test "$rc" -eq 0
in_impu=$(sed -n 's:.*<impu>\([^<]*\)</impu>.*:\1:p' "$rec" | head -n 1)
# The S-CSCF's contacts of the inbound IMPU (tests/bench/sipcore.sh contacts).
registered() { "$BENCH_CORE" contacts "$T_RUN" "$in_impu" | grep -q 'Contact valid$'; }
unregistered() {
	"$BENCH_CORE" contacts "$T_RUN" "$in_impu" >"$T_RUN/contacts.txt" &&
		! grep -q 'Contact valid' "$T_RUN/contacts.txt"
}
t_check "revoked while registered: the S-CSCF holds $in_impu" registered
pm=$(wc -l <"$T_RUN/partner.log")
start=$(date +%s%N)
ip netns exec "$MCMIG_NS_PRIMARY" curl -sS --max-time 5 -o /dev/null \
	-H "Content-Type: application/vnd.mcmig.cms+xml" --data-binary \
	"<revoke xmlns=\"urn:mcmig:cms:1.0\"><mc-service-id>$MCMIG_CMS_MC_SERVICE_ID</mc-service-id></revoke>" \
	"$MCMIG_CMS_PRIMARY_ADMIN/revoke"
t_wait_for "the S-CSCF to end the registration" 5 unregistered
ms=$((($(date +%s%N) - start) / 1000000))
t_check "revoked while registered: the S-CSCF ended the registration ($ms ms after the revoke)" unregistered
t_check "revoked while registered: RTR answered RTA 2001" \
	bash -c "tail -n +$((pm + 1)) '$T_RUN/partner.log' | grep -q 'RTA from scscf.partner.example for .*: result 2001'"
t_wait_for "the UE back on the primary" 10 state_is idle-on-primary
ms=$((($(date +%s%N) - start) / 1000000))
t_check "revoked while registered: the UE is back on the primary by itself ($ms ms after the revoke; bench goal 1000 ms)" \
	state_is idle-on-primary
t_check "revoked while registered: the reason is named (deregistered-by-network)" \
	bash -c "'$CTL' status | grep -q '^reason:  deregistered-by-network: unregistered'"
back_on_primary "revoked while registered"

# Revocation at the primary (6.Y.3): the partner refuses the inbound identity.
migrate migrate --partner urn:mcmig:system:partner
t_check "revoked: refused with exit 6 (got $rc)" test "$rc" -eq 6
t_check "revoked: reason registration-refused" json '"reason":"registration-refused: '
back_on_primary "revoked"
t_check "revoked: stored configuration kept" test -f "$rec"

# The board's mux data (boards/bench.conf): every partner PDN on mux id 2, and
# the modem's data format (the primary's, QMAP) read but never set.
t_check "partner PDNs bound to the board's mux id 2" \
	bash -c '[ "$(grep -c "bound to mux id" "$1")" -gt 0 ] && ! grep "bound to mux id" "$1" | grep -qv "mux id 2$"' _ "$T_RUN/emu.log"
t_check "the modem's data format never set by the agent" bash -c "! grep -q '^data format: ' \"\$1\"" _ "$T_RUN/emu.log"
# NOTE 2 static mode through step 25: the primary CMS holds the partner's
# data, the UE registers with the primary's outbound identity as it is, the
# partner SIP DB routes its MAR by realm to the primary (NOTE 5).
pm=$(wc -l <"$T_RUN/partner.log") cm=$(wc -l <"$T_RUN/cms-partner.log")
migrate migrate --partner urn:mcmig:system:partner-static
t_check "static mode: migrated and registered at the partner (exit $rc)" test "$rc" -eq 0
t_check "static mode: state registered-at-partner" json '"state":"registered-at-partner"'
t_check "static mode: the partner CMS was not called" \
	bash -c "! tail -n +$((cm + 1)) '$T_RUN/cms-partner.log' | grep -q 'step 12'"
t_check "static mode: the partner SIP DB sent the outbound identity's MAR to the primary's realm" \
	bash -c "tail -n +$((pm + 1)) '$T_RUN/partner.log' | grep -q 'MAR mig-[0-9]*@ims.primary.example: proxied to realm primary.example'"
migrate return
t_check "static mode: returned (exit $rc)" test "$rc" -eq 0
back_on_primary "static mode"

t_stop agent3
t_done
