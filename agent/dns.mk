# Partner names resolved on the partner's PDN (issue 11): the RFC 3263 logic
# and answer decoding (agent/sipdns.c, pure) and c-ares on the GLib loop with
# the PDN's servers, bound to its netdev (agent/dnsres.c). Programs that
# resolve through it (mcmigd, mcmigctl, test_sipreg) list both sources.
UNIT_TESTS += test_sipdns
test_sipdns_SRCS := tests/unit/test_sipdns.c tests/unit/dns-wire.c agent/sipdns.c
test_sipdns_CPPFLAGS := -Itests/unit
test_sipdns_PKGS := cmocka libcares

UNIT_TESTS += test_dnsres
test_dnsres_SRCS := tests/unit/test_dnsres.c tests/unit/dns-wire.c agent/dnsres.c agent/sipdns.c
test_dnsres_CPPFLAGS := -Itests/unit
test_dnsres_PKGS := cmocka glib-2.0 libcares
