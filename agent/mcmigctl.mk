# mcmigctl: each ctl-*.c area appends to these with += in its own fragment.
PROGRAMS += mcmigctl
INSTALL_BIN += mcmigctl
mcmigctl_SRCS += agent/mcmigctl.c agent/ctl-util.c hal/util.c

UNIT_TESTS += test_ctl_util
test_ctl_util_SRCS := tests/unit/test_ctl_util.c agent/ctl-util.c
test_ctl_util_PKGS := cmocka

# Bash completion, checked against the commands and options mcmigctl lists.
INSTALL_DATA += agent/mcmigctl.bash-completion:share/bash-completion/completions/mcmigctl
INTEGRATION_TESTS += tests/integration/completion.sh
