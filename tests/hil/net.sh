#!/bin/bash
# The network side's part of a hardware-in-the-loop scenario, run where the
# bench's network side runs (this machine for `hil.sh --bench`; the core host
# of a field set-up, over ssh: tests/hil/README.md). Each action changes the
# bench's own components only, never the UE: so a scenario is provoked the
# same way for the bench card and for a real ISIM that cannot be changed.
#
#   tests/hil/net.sh RUN_DIR sipdb [wrong-key IMPI] [right-key] [rewind IMPI]
#       restart the primary SIP DB once, with:
#       wrong-key  the subscriber's OPc inverted (the card then finds the
#                  network's MAC invalid: TS 33.102 6.3.3, SW 98 62)
#       right-key  the subscriber line as it was before wrong-key
#       rewind     the subscriber's last SQN set to 0: its next vector is
#                  older than the card's SQN_MS, the card answers AUTS and
#                  the SIP DB resynchronises (TS 33.102 6.3.5)
#       then wait until the partner SIP DB has dialled it again (its Cx MARs
#       are proxied there).
#   tests/hil/net.sh RUN_DIR revoke MC_SERVICE_ID
#       revoke the user's migration at the primary CMS (6.Y.3)
#   tests/hil/net.sh RUN_DIR primary-down|primary-up
#       the primary PDN's far end: the bench topology's ue0 in the primary
#       namespace loses or regains its carrier
#
# RUN_DIR holds topology.env and cms.env (tests/bench/topology.sh,
# tests/bench/sipcore.sh and tests/bench/cms/start.sh ran there).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
usage() {
	echo "usage: $0 RUN_DIR sipdb [wrong-key IMPI] [right-key] [rewind IMPI] | revoke MC_SERVICE_ID | primary-down | primary-up" >&2
	exit 2
}
die() {
	echo "net.sh: $*" >&2
	exit 1
}
[ $# -ge 2 ] || usage
run=$(cd "$1" && pwd)
action=$2
shift 2
[ -f "$run/topology.env" ] || die "$run/topology.env missing (tests/bench/topology.sh up)"
. "$run/topology.env"
core=$top/tests/bench/sipcore.sh

# subscriber_line IMPI: the primary SIP DB's subscriber line of IMPI as rendered.
subscriber_line() {
	grep -m 1 "^subscriber $1 " "$run/primary.conf" || die "no subscriber $1 in $run/primary.conf"
}

# invert HEX: every nibble inverted (a key that is certainly another one).
invert() {
	tr '0123456789abcdefABCDEF' 'fedcba9876543210543210' <<<"$1"
}

sipdb() {
	local wrong= right= rewind= line key val mark
	while [ $# -gt 0 ]; do
		case $1 in
		wrong-key) [ $# -ge 2 ] || usage; wrong=$2; shift 2 ;;
		right-key) right=1; shift ;;
		rewind) [ $# -ge 2 ] || usage; rewind=$2; shift 2 ;;
		*) usage ;;
		esac
	done
	if [ -n "$wrong" ]; then
		line=$(subscriber_line "$wrong")
		# The line as the operator wrote it, kept for right-key (none: the bench's).
		if [ ! -f "$run/hil-subscriber.orig" ]; then
			if [ -f "$run/primary-subscriber.conf" ]; then
				cp "$run/primary-subscriber.conf" "$run/hil-subscriber.orig"
			else
				: >"$run/hil-subscriber.orig"
			fi
		fi
		key=$(grep -o ' opc*=[0-9a-fA-F]*' <<<"$line" | head -n 1)
		[ -n "$key" ] || die "no opc= or op= in: $line"
		val=${key#*=}
		key=${key# }
		key=${key%%=*}
		(umask 077 && sed "s/ $key=$val/ $key=$(invert "$val")/" <<<"$line" \
			>"$run/primary-subscriber.conf")
	fi
	if [ -n "$right" ] && [ -f "$run/hil-subscriber.orig" ]; then
		if [ -s "$run/hil-subscriber.orig" ]; then
			mv "$run/hil-subscriber.orig" "$run/primary-subscriber.conf"
		else
			rm -f "$run/hil-subscriber.orig" "$run/primary-subscriber.conf"
		fi
	fi
	"$core" stop "$run" primary >/dev/null
	if [ -n "$rewind" ]; then
		grep -q "^sqn $rewind " "$run/primary-sipdb.state" ||
			die "no SQN of $rewind in $run/primary-sipdb.state (never challenged?)"
		sed -i "s/^sqn $rewind .*/sqn $rewind 0/" "$run/primary-sipdb.state"
	fi
	mark=$(wc -l <"$run/primary.log")
	"$core" start "$run" primary >/dev/null
	# The partner SIP DB redials within its Tc timer (5 s).
	for _ in $(seq 1 150); do
		tail -n +$((mark + 1)) "$run/primary.log" | grep -q "peer hss.partner.example connected" &&
			return 0
		sleep 0.1
	done
	die "the partner SIP DB did not dial the restarted primary SIP DB within 15 s"
}

case $action in
sipdb) sipdb "$@" ;;
revoke)
	[ $# -eq 1 ] || usage
	[ -f "$run/cms.env" ] || die "$run/cms.env missing (tests/bench/cms/start.sh start)"
	. "$run/cms.env"
	ip netns exec "$MCMIG_NS_PRIMARY" curl -sS --fail --max-time 5 -o /dev/null \
		-H "Content-Type: application/vnd.mcmig.cms+xml" --data-binary \
		"<revoke xmlns=\"urn:mcmig:cms:1.0\"><mc-service-id>$1</mc-service-id></revoke>" \
		"$MCMIG_CMS_PRIMARY_ADMIN/revoke"
	;;
primary-down) ip -n "$MCMIG_NS_PRIMARY" link set ue0 down ;;
primary-up) ip -n "$MCMIG_NS_PRIMARY" link set ue0 up ;;
*) usage ;;
esac
