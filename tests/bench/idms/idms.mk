# The bench's IdM servers (issue 14): glewlwyd, configured by start.sh, and
# idms.py (token exchange, partner IdMS); idm-drive runs agent/idm.c alone.
BENCH_PROGRAMS += idm-drive
idm-drive_SRCS := tests/bench/idms/idm-drive.c agent/idm.c agent/curl-loop.c agent/idm-proto.c hal/util.c
idm-drive_PKGS := glib-2.0 libcurl jansson
INTEGRATION_TESTS += tests/integration/idms.sh
INTEGRATION_TESTS += tests/integration/e2e-idm.sh
