# SIP registration with IMS-AKA (issue 6, "sip" area): digest, SIP messages,
# sipreg, the card adapter and `mcmigctl register`.
UNIT_TESTS += test_digest
test_digest_SRCS := tests/unit/test_digest.c agent/digest.c hal/util.c
test_digest_PKGS := cmocka glib-2.0 libosip2

UNIT_TESTS += test_sipmsg
test_sipmsg_SRCS := tests/unit/test_sipmsg.c agent/sipmsg.c agent/digest.c hal/util.c
test_sipmsg_PKGS := cmocka libosip2

UNIT_TESTS += test_sipreg
test_sipreg_SRCS := tests/unit/test_sipreg.c tests/unit/fake-isim.c agent/sipreg.c agent/sipmsg.c \
	agent/sipsub.c agent/reginfo.c agent/dnsres.c agent/sipdns.c \
	agent/digest.c agent/card.c hal/uicc.c hal/uicc-codec.c hal/util.c
test_sipreg_CPPFLAGS := -Itests/unit
test_sipreg_PKGS := cmocka gio-2.0 libosip2 libxml-2.0 libcares

UNIT_TESTS += test_card
test_card_SRCS := tests/unit/test_card.c tests/unit/fake-isim.c agent/card.c hal/uicc.c \
	hal/uicc-codec.c hal/util.c
test_card_CPPFLAGS := -Itests/unit
test_card_PKGS := cmocka glib-2.0

# mcmigctl register (agent/ctl-register.c); the uicc sources come from hal/uicc.mk.
mcmigctl_SRCS += agent/ctl-register.c agent/sipreg.c agent/sipmsg.c agent/sipsub.c agent/reginfo.c \
	agent/digest.c agent/dnsres.c agent/sipdns.c \
	agent/card.c
mcmigctl_PKGS += gio-2.0 libosip2 libxml-2.0 libcares

# mcmigctl register with the bench card against the partner's Kamailio.
INTEGRATION_TESTS += tests/integration/sip-register.sh

# The reg event package's reginfo documents (RFC 3680; issue 13).
UNIT_TESTS += test_reginfo
test_reginfo_SRCS := tests/unit/test_reginfo.c agent/reginfo.c
test_reginfo_PKGS := cmocka libxml-2.0

# The reg event subscription's SIP messages (RFC 6665, TS 24.229 5.1.1.3; issue 13).
UNIT_TESTS += test_sipsub
test_sipsub_SRCS := tests/unit/test_sipsub.c agent/sipsub.c agent/sipmsg.c agent/digest.c hal/util.c
test_sipsub_PKGS := cmocka libosip2

# MC service authorisation by PUBLISH (TS 24.379 7.2.2; issue 14).
UNIT_TESTS += test_mcsvc
test_mcsvc_SRCS := tests/unit/test_mcsvc.c agent/mcsvc.c agent/mcsvc-msg.c agent/sipreg.c \
	agent/sipmsg.c agent/sipsub.c agent/reginfo.c agent/digest.c agent/dnsres.c agent/sipdns.c \
	agent/card.c hal/uicc.c hal/uicc-codec.c hal/util.c
test_mcsvc_PKGS := cmocka gio-2.0 libosip2 libxml-2.0 libcares
