INSTALL_DATA += udev/78-mcmig.rules:lib/udev/rules.d/78-mcmig.rules

UNIT_TESTS += test_udev_rules
test_udev_rules_SRCS := tests/unit/test_udev_rules.c
test_udev_rules_PKGS := cmocka
