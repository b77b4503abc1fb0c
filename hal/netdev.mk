UNIT_TESTS += test_netlink
test_netlink_SRCS := tests/unit/test_netlink.c hal/netlink.c
test_netlink_PKGS := cmocka

# Drives netdev_linux_ops from tests/integration/netdev.sh.
BENCH_PROGRAMS += netdev-drv
netdev-drv_SRCS := tests/integration/netdev-drv.c hal/netdev-linux.c hal/netlink.c hal/util.c
INTEGRATION_TESTS += tests/integration/netdev.sh

UNIT_TESTS += test_netdev
test_netdev_SRCS := tests/unit/test_netdev.c hal/netdev-linux.c hal/netlink.c
test_netdev_PKGS := cmocka
