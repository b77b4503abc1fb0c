# MBIM bench: pure codec (unit-tested) and the modem emulator.
UNIT_TESTS += test_mbim_codec
test_mbim_codec_SRCS := tests/unit/test_mbim_codec.c tests/bench/mbim/mbim-codec.c
test_mbim_codec_PKGS := cmocka

BENCH_PROGRAMS += mbim-emu
mbim-emu_SRCS := tests/bench/mbim/mbim-emu.c tests/bench/mbim/mbim-codec.c

INTEGRATION_TESTS += tests/integration/mbim-mbimcli.sh
