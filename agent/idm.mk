# Issue 14: the IdM client (MC service user authentication, seed step 14).
UNIT_TESTS += test_idm_proto
test_idm_proto_SRCS := tests/unit/test_idm_proto.c agent/idm-proto.c agent/idm-result.c hal/util.c
test_idm_proto_PKGS := cmocka glib-2.0 jansson
test_idm_proto_CPPFLAGS := -Itests/unit

# mcmigd runs the IdM client in the helper mcmig-idm (agent/idm-proc.c), as
# the CMC: libcurl and its TLS libraries are never mapped in mcmigd.
mcmigd_SRCS += agent/idm-proc.c agent/idm-result.c
HELPERS += mcmig-idm
mcmig-idm_SRCS := agent/idm-helper.c agent/helper-io.c agent/idm.c agent/idm-proto.c agent/idm-result.c agent/curl-loop.c hal/util.c
mcmig-idm_PKGS := glib-2.0 libcurl jansson

# mcmigctl login (D-Bus SignIn).
mcmigctl_SRCS += agent/ctl-login.c
