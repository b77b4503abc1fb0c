UNIT_TESTS += test_util
test_util_SRCS := tests/unit/test_util.c hal/util.c
test_util_PKGS := cmocka
