# mcmig-cms: the bench's configuration management servers (issue 5).
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
