UNIT_TESTS += test_at_codec
test_at_codec_SRCS := tests/unit/test_at_codec.c tests/bench/at/at-codec.c
test_at_codec_CPPFLAGS := -Itests/bench/at
test_at_codec_PKGS := cmocka

# The AT modem emulator behind ModemManager's test mode (tests/integration/modem-mm.sh).
BENCH_PROGRAMS += at-emu
at-emu_SRCS := tests/bench/at/at-emu.c tests/bench/at/at-codec.c tests/bench/emu-common.c
at-emu_PKGS := glib-2.0
