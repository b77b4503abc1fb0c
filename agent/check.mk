# mcmigctl check (agent/ctl-check.c, issue 15): what it reads itself (the
# configuration and board data as mcmigd does, the card, the store, the CMS
# probe) and the daemon's Check() for the modem, serving network and primary PDN.
mcmigctl_SRCS += agent/ctl-check.c agent/mcmigd-config.c agent/mcmigd-board.c hal/board.c \
	agent/store.c agent/cmc.c agent/bearer-file.c agent/curl-loop.c agent/cmc-xml.c hal/modem.c
mcmigctl_PKGS += gio-2.0 libcurl libxml-2.0
mcmigctl_CPPFLAGS += -DMCMIG_BOARDS_DIR=\"$(PREFIX)/share/mcmig/boards\"

# The checklist on the bench: all OK, then each FAIL and WARN provoked.
INTEGRATION_TESTS += tests/integration/check.sh
