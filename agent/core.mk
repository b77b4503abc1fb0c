# Agent core (issue 6): configuration management client, partner store,
# migration state machine, mcmigd.
UNIT_TESTS += test_cmc_xml
test_cmc_xml_SRCS := tests/unit/test_cmc_xml.c agent/cmc-xml.c hal/util.c
test_cmc_xml_PKGS := cmocka libxml-2.0
test_cmc_xml_CPPFLAGS := -Itests/unit

UNIT_TESTS += test_store
test_store_SRCS := tests/unit/test_store.c agent/store.c agent/cmc-xml.c hal/util.c
test_store_PKGS := cmocka libxml-2.0
test_store_CPPFLAGS := -Itests/unit

UNIT_TESTS += test_migrate
test_migrate_SRCS := tests/unit/test_migrate.c agent/migrate.c agent/cmc-xml.c hal/util.c
test_migrate_PKGS := cmocka libxml-2.0
test_migrate_CPPFLAGS := -Itests/unit

# Needs /usr/bin/python3 and openssl (BUILD_PKGS) for its local HTTPS server.
UNIT_TESTS += test_cmc
test_cmc_SRCS := tests/unit/test_cmc.c agent/cmc.c agent/cmc-xml.c hal/util.c
test_cmc_PKGS := cmocka libxml-2.0 libcurl glib-2.0
test_cmc_CPPFLAGS := -Itests/unit

UNIT_TESTS += test_mcmigd_config
test_mcmigd_config_SRCS := tests/unit/test_mcmigd_config.c agent/mcmigd-config.c hal/util.c
test_mcmigd_config_PKGS := cmocka glib-2.0
test_mcmigd_config_CPPFLAGS := -Itests/unit
