INSTALL_DATA += boards/raspberrypi-4-ec25.conf:share/mcmig/boards/raspberrypi-4-ec25.conf
INSTALL_DATA += boards/imx8mm-evk-em7455.conf:share/mcmig/boards/imx8mm-evk-em7455.conf
INSTALL_DATA += boards/generic-mm.conf:share/mcmig/boards/generic-mm.conf

UNIT_TESTS += test_board
test_board_SRCS := tests/unit/test_board.c hal/board.c hal/util.c
test_board_PKGS := cmocka
