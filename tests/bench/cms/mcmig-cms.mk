# mcmig-cms: the bench's configuration management servers (issue 5).
# Recursive (=) where SHC_* of tests/bench/sipdb/sipdb.mk, included after this file, are used.
CMS_DIR := tests/bench/cms

UNIT_TESTS += test_cms_xml
test_cms_xml_SRCS := tests/unit/test_cms_xml.c $(CMS_DIR)/cms-xml.c $(CMS_DIR)/cms-model.c hal/util.c
test_cms_xml_PKGS := cmocka glib-2.0 libxml-2.0
test_cms_xml_CPPFLAGS := -I$(CMS_DIR)

UNIT_TESTS += test_cms_config
test_cms_config_SRCS := tests/unit/test_cms_config.c $(CMS_DIR)/cms-config.c $(CMS_DIR)/cms-xml.c \
	$(CMS_DIR)/cms-model.c hal/util.c
test_cms_config_PKGS := cmocka glib-2.0 libxml-2.0
test_cms_config_CPPFLAGS := -I$(CMS_DIR)

BENCH_PROGRAMS += mcmig-cms
mcmig-cms_SRCS = $(addprefix $(CMS_DIR)/,cms-main.c cms-server.c cms-partner.c cms-config.c \
	cms-xml.c cms-model.c cms-sipdb.c cms-sipdb-sh.c) hal/util.c $(SHC_SRCS)
mcmig-cms_PKGS = glib-2.0 libxml-2.0 libmicrohttpd gnutls libcurl $(SHC_PKGS)
mcmig-cms_CPPFLAGS := -I$(CMS_DIR) -Itests/bench/sipdb
mcmig-cms_LIBS = $(SHC_LIBS) -lpthread
INTEGRATION_TESTS += tests/integration/cms.sh
