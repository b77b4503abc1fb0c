#!/bin/bash
# Starts or stops only the partner S-CSCF (Kamailio) of a bench run:
#   tests/bench/kamailio/scscf.sh start|stop RUN_DIR
# MCMIG_SCSCF_ALGORITHM=AKAv2-MD5 in the environment of "start" makes it
# challenge with AKAv2-MD5 (RFC 4169) instead of AKAv1-MD5.
# The work is sipcore.sh's (rendering scscf.cfg and scscf-cdp.xml into
# RUN_DIR, running Kamailio in the partner namespace with its own runtime
# directory, logging to RUN_DIR/scscf.log, stopping exactly its PID).
set -euo pipefail
[ $# -eq 2 ] && { [ "$1" = start ] || [ "$1" = stop ]; } ||
	{ echo "usage: $0 start|stop RUN_DIR" >&2; exit 2; }
exec "$(dirname "$0")/../sipcore.sh" "$1" "$2" scscf
