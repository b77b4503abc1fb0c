# mcmigctl: each ctl-*.c area appends to these with += in its own fragment.
PROGRAMS += mcmigctl
INSTALL_BIN += mcmigctl
mcmigctl_SRCS += agent/mcmigctl.c agent/ctl-util.c hal/util.c
