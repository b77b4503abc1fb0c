# Issue 14: the IdM client (MC service user authentication, seed step 14).
UNIT_TESTS += test_idm_proto
test_idm_proto_SRCS := tests/unit/test_idm_proto.c agent/idm-proto.c hal/util.c
test_idm_proto_PKGS := cmocka glib-2.0 jansson
test_idm_proto_CPPFLAGS := -Itests/unit

# mcmigd's IdM client (core.mk builds mcmigd once the other areas are in the tree).
mcmigd_SRCS += agent/idm.c agent/idm-proto.c
mcmigd_PKGS += libcurl jansson

# mcmigctl login (D-Bus SignIn).
mcmigctl_SRCS += agent/ctl-login.c
