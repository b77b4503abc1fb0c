# MBIM modem backend (libmbim-glib). Programs that use the modem HAL add
# hal/modem-mbim.c, hal/modem.c and mbim-glib themselves; this fragment holds
# its unit test (error translation, ProviderId), which also cross-builds the
# backend.
UNIT_TESTS += test_modem_mbim
test_modem_mbim_SRCS := tests/unit/test_modem_mbim.c hal/modem-mbim.c hal/modem.c hal/util.c
test_modem_mbim_PKGS := cmocka mbim-glib
# The backend as mcmigd loads it (hal/modem-ops.c): MODULEDIR/modem-mbim.so.
MODULES += modem-mbim
modem-mbim_SRCS := hal/modem-mbim.c hal/modem.c hal/util.c
modem-mbim_PKGS := mbim-glib gio-2.0 glib-2.0
modem-mbim_MAP := hal/modem-module.map
