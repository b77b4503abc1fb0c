# hal/modem.c, the modem HAL's plain-type helpers that every backend links.
UNIT_TESTS += test_modem
test_modem_SRCS := tests/unit/test_modem.c hal/modem.c hal/util.c
test_modem_PKGS := cmocka
