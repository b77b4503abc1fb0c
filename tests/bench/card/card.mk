# Bench: the software ISIM for vsmartcard vpcd and its tests (issue 3). Host-only.
BENCH_PROGRAMS += test-milenage
test-milenage_SRCS := tests/bench/card/test-milenage.c tests/bench/card/milenage.c hal/util.c
test-milenage_PKGS := nettle libosmogsm libosmocore
test-milenage_CPPFLAGS := -Itests/bench/card
INTEGRATION_TESTS += tests/integration/card-milenage.sh
BENCH_PROGRAMS += mcmig-vcard
mcmig-vcard_SRCS := tests/bench/card/mcmig-vcard.c tests/bench/card/milenage.c hal/util.c
mcmig-vcard_PKGS := nettle
mcmig-vcard_CPPFLAGS := -Itests/bench/card
BENCH_PROGRAMS += auts-check
auts-check_SRCS := tests/bench/card/auts-check.c
auts-check_PKGS := libosmogsm libosmocore
BENCH_PROGRAMS += uicc-probe
uicc-probe_SRCS := tests/bench/card/uicc-probe.c hal/uicc.c hal/uicc-codec.c hal/uicc-pcsc.c hal/util.c
uicc-probe_PKGS := libpcsclite
INTEGRATION_TESTS += tests/integration/card.sh
# The card after mcmigd was killed holding it (issue 12): needs the whole bench.
INTEGRATION_TESTS += tests/integration/card-kill.sh
