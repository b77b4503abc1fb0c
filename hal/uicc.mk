# UICC: pure codecs, card logic, PC/SC backend (issue 3).
UNIT_TESTS += test_uicc_codec
test_uicc_codec_SRCS := tests/unit/test_uicc_codec.c hal/uicc-codec.c hal/util.c
test_uicc_codec_PKGS := cmocka
UNIT_TESTS += test_uicc
test_uicc_SRCS := tests/unit/test_uicc.c hal/uicc.c hal/uicc-codec.c hal/util.c
test_uicc_PKGS := cmocka
