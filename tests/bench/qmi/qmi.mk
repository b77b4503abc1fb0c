# QMI bench: pure codec (unit-tested), the modem emulator and its proofs.
UNIT_TESTS += test_qmi_codec
test_qmi_codec_SRCS := tests/bench/qmi/test_qmi_codec.c tests/bench/qmi/qmi-codec.c
test_qmi_codec_PKGS := cmocka
