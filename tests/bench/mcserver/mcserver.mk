# The bench's partner and primary MC servers (service authorisation, seed
# step 25; issue 14). Host-only bench tools; see tests/bench/mcserver/README.md.
MCS_SRCS := tests/bench/mcserver/mcs-msg.c tests/bench/mcserver/mcs-token.c agent/sipsub.c \
	agent/sipmsg.c agent/digest.c \
	hal/util.c
MCS_PKGS := librhonabwy jansson libosip2

BENCH_PROGRAMS += mcmig-mcserver
mcmig-mcserver_SRCS := tests/bench/mcserver/mcserver.c $(MCS_SRCS) agent/mcsvc-msg.c
mcmig-mcserver_PKGS := glib-2.0 $(MCS_PKGS)

# Host-only, as the server (rhonabwy is a bench package, not cross-built).
ifeq ($(CROSS_COMPILE),)
UNIT_TESTS += test_mcserver
test_mcserver_SRCS := tests/unit/test_mcserver.c $(MCS_SRCS)
test_mcserver_PKGS := cmocka $(MCS_PKGS)
endif
INTEGRATION_TESTS += tests/integration/e2e-service-auth.sh
