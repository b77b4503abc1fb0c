# The "primary unreachable" trigger: primary reachability (agent/primary.c)
# and the rtnetlink link watcher of the primary PDN's netdev (hal/linkwatch*).
UNIT_TESTS += test_primary
test_primary_SRCS := tests/unit/test_primary.c agent/primary.c hal/util.c
test_primary_PKGS := cmocka
test_primary_CPPFLAGS := -Itests/unit

UNIT_TESTS += test_linkwatch
test_linkwatch_SRCS := tests/unit/test_linkwatch.c hal/linkwatch.c
test_linkwatch_PKGS := cmocka

ifneq ($(filter mcmigd,$(PROGRAMS)),)
mcmigd_SRCS += agent/primary.c hal/linkwatch.c hal/linkwatch-linux.c
endif
