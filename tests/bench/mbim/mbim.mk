# MBIM bench: pure codec (unit-tested) and the modem emulator.
UNIT_TESTS += test_mbim_codec
test_mbim_codec_SRCS := tests/unit/test_mbim_codec.c tests/bench/mbim/mbim-codec.c
test_mbim_codec_PKGS := cmocka

BENCH_PROGRAMS += mbim-emu
mbim-emu_SRCS := tests/bench/mbim/mbim-emu.c tests/bench/mbim/mbim-codec.c tests/bench/emu-common.c

INTEGRATION_TESTS += tests/integration/mbim-mbimcli.sh

# Runs modem_mbim_ops against the emulator (tests/integration/modem-mbim.sh).
BENCH_PROGRAMS += modem-mbim-drive
modem-mbim-drive_SRCS := tests/integration/modem-mbim-drive.c hal/modem-mbim.c hal/modem.c \
	hal/util.c
modem-mbim-drive_PKGS := mbim-glib
INTEGRATION_TESTS += tests/integration/modem-mbim.sh
