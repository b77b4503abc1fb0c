# hal/modem.c, the modem HAL's plain-type helpers that every backend links.
UNIT_TESTS += test_modem
test_modem_SRCS := tests/unit/test_modem.c hal/modem.c hal/util.c
test_modem_PKGS := cmocka
# hal/modem-ops.c: the backends loaded from the modules built beside it.
UNIT_TESTS += test_modem_ops
test_modem_ops_SRCS := tests/unit/test_modem_ops.c hal/modem-ops.c hal/module.c
test_modem_ops_PKGS := cmocka
$(BUILD)/tests/test_modem_ops: | $(BUILD)/lib/mcmig/modem-qmi.so $(BUILD)/lib/mcmig/modem-mbim.so \
	$(BUILD)/lib/mcmig/modem-mm.so
