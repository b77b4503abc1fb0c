# Bench SIP databases (mcmig-sipdb) and their Sh client (libshc sources +
# mcmig-sh). Host-only bench tools; see tests/bench/sipdb/README.md.
SIPDB_FD_LIBS := -lfdcore -lfdproto -lpthread

BENCH_PROGRAMS += mcmig-sh
mcmig-sh_SRCS := tests/bench/sipdb/mcmig-sh.c tests/bench/sipdb/shc.c \
	tests/bench/sipdb/shdata.c tests/bench/sipdb/fdx.c
mcmig-sh_PKGS := libxml-2.0
mcmig-sh_LIBS := $(SIPDB_FD_LIBS)

BENCH_PROGRAMS += mcmig-sipdb
mcmig-sipdb_SRCS := tests/bench/sipdb/sipdb.c tests/bench/sipdb/sdb.c \
	tests/bench/sipdb/shdata.c tests/bench/sipdb/fdx.c
mcmig-sipdb_PKGS := libxml-2.0 libosmogsm libosmocore talloc gnutls
mcmig-sipdb_LIBS := $(SIPDB_FD_LIBS)

INTEGRATION_TESTS += tests/integration/topology.sh
INTEGRATION_TESTS += tests/integration/sipcore.sh

UNIT_TESTS += test_sipdb
test_sipdb_SRCS := tests/unit/test_sipdb.c tests/bench/sipdb/sdb.c \
	tests/bench/sipdb/shdata.c
test_sipdb_PKGS := cmocka libxml-2.0
