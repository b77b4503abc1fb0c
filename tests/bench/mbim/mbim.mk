# MBIM bench: pure codec (unit-tested) and the modem emulator.
UNIT_TESTS += test_mbim_codec
test_mbim_codec_SRCS := tests/unit/test_mbim_codec.c tests/bench/mbim/mbim-codec.c
test_mbim_codec_PKGS := cmocka

BENCH_PROGRAMS += mbim-emu
mbim-emu_SRCS := tests/bench/mbim/mbim-emu.c tests/bench/mbim/mbim-codec.c

INTEGRATION_TESTS += tests/integration/mbim-mbimcli.sh

# The MBIM backend's pure parts (error translation, ProviderId), and the driver
# that runs modem_mbim_ops against the emulator.
UNIT_TESTS += test_modem_mbim
test_modem_mbim_SRCS := tests/unit/test_modem_mbim.c hal/modem-mbim.c hal/util.c
test_modem_mbim_PKGS := cmocka mbim-glib

BENCH_PROGRAMS += modem-mbim-drive
modem-mbim-drive_SRCS := tests/integration/modem-drive.c hal/modem-mbim.c hal/util.c
modem-mbim-drive_PKGS := mbim-glib
INTEGRATION_TESTS += tests/integration/modem-mbim.sh
