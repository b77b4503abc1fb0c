# UICC: pure codecs, card logic, PC/SC backend (issue 3).
UNIT_TESTS += test_uicc_codec
test_uicc_codec_SRCS := tests/unit/test_uicc_codec.c hal/uicc-codec.c hal/util.c
test_uicc_codec_PKGS := cmocka
UNIT_TESTS += test_uicc
test_uicc_SRCS := tests/unit/test_uicc.c hal/uicc.c hal/uicc-codec.c hal/util.c
test_uicc_PKGS := cmocka
# mcmigctl card info | auth (agent/ctl-card.c) and the uicc sources it links.
mcmigctl_SRCS += agent/ctl-card.c hal/uicc.c hal/uicc-codec.c hal/uicc-pcsc.c
mcmigctl_PKGS += libpcsclite
# mcmigd (agent/card.c runs uicc_* on a worker thread): the uicc sources come from here only.
mcmigd_SRCS += hal/uicc.c hal/uicc-codec.c hal/uicc-pcsc.c
mcmigd_PKGS += libpcsclite
