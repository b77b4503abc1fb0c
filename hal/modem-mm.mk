# Drives modem_mm_ops against ModemManager's test mode (tests/integration/modem-mm.sh).
BENCH_PROGRAMS += modem-mm-drv
modem-mm-drv_SRCS := tests/integration/modem-mm-drv.c hal/modem-mm.c hal/modem.c hal/util.c
modem-mm-drv_PKGS := mm-glib
INTEGRATION_TESTS += tests/integration/modem-mm.sh

UNIT_TESTS += test_modem_mm
test_modem_mm_SRCS := tests/unit/test_modem_mm.c hal/modem.c hal/util.c
test_modem_mm_PKGS := cmocka mm-glib
# The backend as mcmigd loads it (hal/modem-ops.c): MODULEDIR/modem-mm.so.
MODULES += modem-mm
modem-mm_SRCS := hal/modem-mm.c hal/modem.c hal/util.c
modem-mm_PKGS := mm-glib gio-2.0 glib-2.0
modem-mm_MAP := hal/modem-module.map
