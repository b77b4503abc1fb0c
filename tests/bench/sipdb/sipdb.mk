# Bench SIP databases (mcmig-sipdb) and their Sh client (libshc sources +
# mcmig-sh). Host-only bench tools; see tests/bench/sipdb/README.md.
SIPDB_FD_LIBS := -lfdcore -lfdproto -lpthread

# The Sh client for other bench programs (the CMS). Fragments are read in
# path order, so reference these with a recursive '=' or list them again:
#   cms_SRCS = ... $(SHC_SRCS)   cms_PKGS = ... $(SHC_PKGS)   cms_LIBS = ... $(SHC_LIBS)
SHC_SRCS := tests/bench/sipdb/shc.c tests/bench/sipdb/shdata.c tests/bench/sipdb/fdx.c
SHC_PKGS := libxml-2.0
SHC_LIBS := $(SIPDB_FD_LIBS)

BENCH_PROGRAMS += mcmig-sh
mcmig-sh_SRCS := tests/bench/sipdb/mcmig-sh.c $(SHC_SRCS)
mcmig-sh_PKGS := $(SHC_PKGS)
mcmig-sh_LIBS := $(SHC_LIBS)

BENCH_PROGRAMS += mcmig-sipdb
mcmig-sipdb_SRCS := tests/bench/sipdb/sipdb.c tests/bench/sipdb/sdb.c hal/util.c \
	tests/bench/sipdb/aka.c tests/bench/sipdb/shdata.c tests/bench/sipdb/fdx.c
mcmig-sipdb_PKGS := libxml-2.0 libosmogsm libosmocore talloc gnutls
mcmig-sipdb_LIBS := $(SIPDB_FD_LIBS)

INTEGRATION_TESTS += tests/integration/topology.sh
INTEGRATION_TESTS += tests/integration/sipcore.sh

UNIT_TESTS += test_sipdb
test_sipdb_SRCS := tests/unit/test_sipdb.c tests/bench/sipdb/sdb.c hal/util.c \
	tests/bench/sipdb/shdata.c
test_sipdb_PKGS := cmocka libxml-2.0

# Vectors need libosmocore and GnuTLS, the Diameter helpers freeDiameter, which
# the cross sysroot lacks: these unit tests are host-only like the SIP DB.
ifeq ($(CROSS_COMPILE),)
UNIT_TESTS += test_sipdb_aka
test_sipdb_aka_SRCS := tests/unit/test_sipdb_aka.c tests/bench/sipdb/aka.c \
	tests/bench/sipdb/sdb.c hal/util.c
test_sipdb_aka_PKGS := cmocka libosmogsm libosmocore talloc gnutls

UNIT_TESTS += test_sipdb_fdx
test_sipdb_fdx_SRCS := tests/unit/test_sipdb_fdx.c tests/bench/sipdb/fdx.c
test_sipdb_fdx_PKGS := cmocka
test_sipdb_fdx_LIBS := $(SIPDB_FD_LIBS)
endif

BENCH_PROGRAMS += mcmig-cx
mcmig-cx_SRCS := tests/bench/sipdb/mcmig-cx.c tests/bench/sipdb/sdb.c hal/util.c \
	tests/bench/sipdb/fdx.c
mcmig-cx_LIBS := $(SIPDB_FD_LIBS)
