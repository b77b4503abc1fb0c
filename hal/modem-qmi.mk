# QMI modem backend (libqmi-glib). Programs that use the modem HAL add
# hal/modem-qmi.c, hal/modem-qmi-helpers.c, hal/modem.c and qmi-glib
# themselves; this fragment holds its tests.
UNIT_TESTS += test_modem_qmi
test_modem_qmi_SRCS := tests/unit/test_modem_qmi.c hal/modem-qmi.c hal/modem-qmi-helpers.c \
	hal/modem.c hal/util.c
test_modem_qmi_PKGS := cmocka qmi-glib gio-2.0 glib-2.0
# The backend's pure translation of libqmi codes, tested by tables.
UNIT_TESTS += test_modem_qmi_helpers
test_modem_qmi_helpers_SRCS := tests/unit/test_modem_qmi_helpers.c hal/modem-qmi-helpers.c \
	hal/modem.c hal/util.c
test_modem_qmi_helpers_PKGS := cmocka qmi-glib glib-2.0
# The backend as mcmigd loads it (hal/modem-ops.c): MODULEDIR/modem-qmi.so.
MODULES += modem-qmi
modem-qmi_SRCS := hal/modem-qmi.c hal/modem-qmi-helpers.c hal/modem.c hal/util.c
modem-qmi_PKGS := qmi-glib gio-2.0 glib-2.0
modem-qmi_MAP := hal/modem-module.map
