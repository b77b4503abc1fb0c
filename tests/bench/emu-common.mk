# tests/bench/emu-common.c: what the modem emulators (qmi, mbim, at) share;
# each emulator's fragment lists it in its SRCS. Its parsers are unit-tested.
UNIT_TESTS += test_emu_common
test_emu_common_SRCS := tests/unit/test_emu_common.c tests/bench/emu-common.c
test_emu_common_PKGS := cmocka
