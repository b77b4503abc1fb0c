# Agent core (issue 6): configuration management client, partner store,
# migration state machine, mcmigd.
UNIT_TESTS += test_cmc_xml
test_cmc_xml_SRCS := tests/unit/test_cmc_xml.c agent/cmc-xml.c hal/modem.c hal/util.c
test_cmc_xml_PKGS := cmocka libxml-2.0
test_cmc_xml_CPPFLAGS := -Itests/unit

UNIT_TESTS += test_store
test_store_SRCS := tests/unit/test_store.c agent/store.c agent/cmc-xml.c hal/modem.c hal/util.c
test_store_PKGS := cmocka libxml-2.0
test_store_CPPFLAGS := -Itests/unit

UNIT_TESTS += test_migrate
test_migrate_SRCS := tests/unit/test_migrate.c agent/migrate.c agent/cmc-xml.c \
	agent/journal.c agent/reconcile.c hal/modem.c hal/util.c agent/sipmsg.c agent/digest.c
test_migrate_PKGS := cmocka libxml-2.0 libosip2
test_migrate_CPPFLAGS := -Itests/unit

# set_state() and the actions themselves: the test includes migrate.c.
UNIT_TESTS += test_migrate_fsm
test_migrate_fsm_SRCS := tests/unit/test_migrate_fsm.c agent/cmc-xml.c agent/journal.c \
	hal/modem.c hal/util.c agent/sipmsg.c agent/digest.c
test_migrate_fsm_PKGS := cmocka libxml-2.0 libosip2
test_migrate_fsm_CPPFLAGS := -Itests/unit

# Needs /usr/bin/python3 and openssl (BUILD_PKGS) for its local HTTPS server.
UNIT_TESTS += test_cmc
test_cmc_SRCS := tests/unit/test_cmc.c agent/cmc.c agent/bearer-file.c agent/curl-loop.c \
	agent/cmc-xml.c hal/modem.c hal/util.c
test_cmc_PKGS := cmocka libxml-2.0 libcurl glib-2.0
test_cmc_CPPFLAGS := -Itests/unit

UNIT_TESTS += test_mcmigd_config
test_mcmigd_config_SRCS := tests/unit/test_mcmigd_config.c agent/mcmigd-config.c hal/util.c
test_mcmigd_config_PKGS := cmocka glib-2.0
test_mcmigd_config_CPPFLAGS := -Itests/unit

# mcmigd needs the other areas' parts: it is built once they are all in the
# tree, so that this branch stays green before they are merged. The modem
# backends are not linked: mcmigd loads the one the board names
# (hal/modem-ops.c; modules in hal/modem-*.mk), so a QMI board never maps
# libmm-glib.
MCMIGD_BACKENDS := hal/modem-qmi.c hal/modem-qmi-helpers.c hal/modem-mbim.c hal/modem-mm.c
MCMIGD_OTHERS := hal/modem.c hal/modem-ops.c hal/module.c \
	hal/netdev-linux.c hal/netlink.c agent/sipreg.c agent/sipmsg.c agent/sipsub.c \
	agent/reginfo.c agent/digest.c agent/mcsvc.c agent/mcsvc-msg.c \
	agent/dnsres.c agent/sipdns.c \
	agent/card.c hal/uicc.c hal/uicc-codec.c hal/uicc-pcsc.c hal/board.c
ifeq ($(sort $(wildcard $(MCMIGD_OTHERS) $(MCMIGD_BACKENDS))),$(sort $(MCMIGD_OTHERS) $(MCMIGD_BACKENDS)))
PROGRAMS += mcmigd
INSTALL_BIN += mcmigd
mcmigd_SRCS := agent/mcmigd.c agent/mcmigd-config.c agent/mcmigd-board.c agent/migrate.c \
	agent/cmc-proc.c agent/helper-run.c agent/cmc-result.c agent/cmc-xml.c agent/store.c agent/journal.c \
	agent/reconcile.c agent/bearer-file.c agent/token-file.c hal/util.c $(MCMIGD_OTHERS)
mcmigd_CPPFLAGS := -DMCMIG_BOARDS_DIR=\"$(PREFIX)/share/mcmig/boards\" \
	-DMCMIG_MODULE_DIR=\"$(MODULEDIR)\"
mcmigd_PKGS := glib-2.0 gio-2.0 gio-unix-2.0 libxml-2.0 libpcsclite libosip2 libcares
# HTTPS to the CMS (agent/cmc.c) runs in this helper, started for each fetch
# (agent/cmc-proc.c): libcurl's TLS libraries are never mapped in mcmigd.
HELPERS += mcmig-cmc
mcmig-cmc_SRCS := agent/cmc-helper.c agent/helper-io.c agent/cmc.c agent/bearer-file.c agent/curl-loop.c \
	agent/cmc-result.c agent/cmc-xml.c hal/modem.c hal/util.c
mcmig-cmc_PKGS := glib-2.0 libcurl libxml-2.0
endif

# mcmigd's runs of its helpers (agent/helper-run.c) and the helpers' side (agent/helper-io.c).
UNIT_TESTS += test_helper_run
test_helper_run_SRCS := tests/unit/test_helper_run.c agent/helper-run.c agent/helper-io.c hal/util.c
test_helper_run_PKGS := cmocka gio-2.0

# The helper's answer to mcmigd (agent/cmc-result.c).
UNIT_TESTS += test_cmc_result
test_cmc_result_SRCS := tests/unit/test_cmc_result.c agent/cmc-result.c agent/cmc-xml.c \
	hal/modem.c hal/util.c
test_cmc_result_PKGS := cmocka libxml-2.0
test_cmc_result_CPPFLAGS := -Itests/unit

# mcmigctl status | migrate | return (D-Bus to mcmigd).
mcmigctl_SRCS += agent/ctl-daemon.c agent/ctl-bus.c
mcmigctl_PKGS += gio-2.0

# The hardened unit (paths substituted; remade every time, PREFIX may differ
# between make and make install), the D-Bus policy and the sample config.
.PHONY: $(BUILD)/mcmigd.service
$(BUILD)/mcmigd.service: agent/mcmigd.service.in
	@mkdir -p $(@D)
	$(Q)sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< >$@
programs: $(BUILD)/mcmigd.service
INSTALL_DATA += $(BUILD)/mcmigd.service:lib/systemd/system/mcmigd.service
INSTALL_DATA += agent/org.mcmig.Agent1.conf:share/dbus-1/system.d/org.mcmig.Agent1.conf
INSTALL_DATA += agent/mcmig.conf.sample:share/mcmig/mcmig.conf.sample
INSTALL_DATA += agent/mcmig.sysusers:lib/sysusers.d/mcmig.conf

INTEGRATION_TESTS += tests/integration/mcmigd.sh
INTEGRATION_TESTS += tests/integration/e2e-migration.sh
INTEGRATION_TESTS += tests/integration/e2e-variants.sh
INTEGRATION_TESTS += tests/integration/kill-campaign.sh
INTEGRATION_TESTS += tests/integration/unit-security.sh
INTEGRATION_TESTS += tests/integration/mcmigd-hardened.sh
# The interface description (checked against the daemon by tests/integration/mcmigd.sh).
INSTALL_DATA += agent/org.mcmig.Agent1.xml:share/dbus-1/interfaces/org.mcmig.Agent1.xml

UNIT_TESTS += test_journal
test_journal_SRCS := tests/unit/test_journal.c agent/journal.c
test_journal_PKGS := cmocka
