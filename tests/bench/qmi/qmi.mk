# QMI bench: pure codec (unit-tested), the modem emulator and its proofs.
UNIT_TESTS += test_qmi_codec
test_qmi_codec_SRCS := tests/bench/qmi/test_qmi_codec.c tests/bench/qmi/qmi-codec.c
test_qmi_codec_PKGS := cmocka

BENCH_PROGRAMS += qmi-emu
qmi-emu_SRCS := tests/bench/qmi/qmi-emu.c tests/bench/qmi/qmi-codec.c tests/bench/emu-common.c
qmi-emu_PKGS := glib-2.0
INTEGRATION_TESTS += tests/integration/qmi-qmicli.sh

# Drives the product's QMI backend against qmi-emu (tests/integration/modem-qmi.sh).
BENCH_PROGRAMS += qmi-hal-test
qmi-hal-test_SRCS := tests/bench/qmi/qmi-hal-test.c hal/modem-qmi.c hal/modem-qmi-helpers.c \
	hal/modem.c hal/util.c
qmi-hal-test_PKGS := qmi-glib gio-2.0 glib-2.0
INTEGRATION_TESTS += tests/integration/modem-qmi.sh
# Make-before-break beside a primary PDN of another client (qmicli) on mux id 1.
INTEGRATION_TESTS += tests/integration/qmi-primary.sh
