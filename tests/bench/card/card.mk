# Bench: the software ISIM for vsmartcard vpcd and its tests (issue 3). Host-only.
BENCH_PROGRAMS += test-milenage
test-milenage_SRCS := tests/bench/card/test-milenage.c tests/bench/card/milenage.c hal/util.c
test-milenage_PKGS := nettle libosmogsm libosmocore
test-milenage_CPPFLAGS := -Itests/bench/card
INTEGRATION_TESTS += tests/integration/card-milenage.sh
