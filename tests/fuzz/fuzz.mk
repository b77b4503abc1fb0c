# Fuzzing in the tree (README.md, "Fuzzing").
# Each harness tests/fuzz/fuzz_<name>.c is built twice from the same sources:
#   fuzz_<name>    clang + libFuzzer + ASan/UBSan, run by `make fuzz` (host only)
#   replay_<name>  the normal compiler + tests/fuzz/replay.c, a unit test that
#                  replays tests/fuzz/corpus/<name>/ in `make check`
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ="cmc_xml timeline"] [FUZZ_MERGE=1]
# FUZZ_MERGE=1 adds what the run found that reaches new code to the committed corpus.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_NAMES :=

# $(1) = name, $(2) = the parser's sources, $(3) = pkg-config packages, $(4) = CPPFLAGS
define fuzz_harness
FUZZ_NAMES += $(1)
FUZZ_PROGRAMS += fuzz_$(1)
fuzz_$(1)_SRCS := tests/fuzz/fuzz_$(1).c $(2)
fuzz_$(1)_PKGS := $(3)
fuzz_$(1)_CPPFLAGS := $(4)
UNIT_TESTS += replay_$(1)
replay_$(1)_SRCS := tests/fuzz/replay.c tests/fuzz/fuzz_$(1).c $(2)
replay_$(1)_PKGS := cmocka $(3)
replay_$(1)_CPPFLAGS := $(4) -DFUZZ_CORPUS=\"tests/fuzz/corpus/$(1)\"
endef

$(eval $(call fuzz_harness,cmc_xml,agent/cmc-xml.c agent/store.c hal/modem.c hal/util.c,libxml-2.0))
$(eval $(call fuzz_harness,cmc_result,agent/cmc-result.c agent/cmc-xml.c hal/modem.c hal/util.c,\
	libxml-2.0))
$(eval $(call fuzz_harness,sipmsg,agent/sipmsg.c agent/digest.c hal/util.c,libosip2))
$(eval $(call fuzz_harness,mcsvc_msg,agent/mcsvc-msg.c agent/mcsvc.c agent/sipreg.c agent/sipmsg.c agent/sipsub.c agent/reginfo.c agent/digest.c agent/dnsres.c agent/sipdns.c agent/card.c hal/uicc.c hal/uicc-codec.c hal/util.c,gio-2.0 libosip2 libxml-2.0 libcares))
$(eval $(call fuzz_harness,mcserver_msg,tests/bench/mcserver/mcs-msg.c agent/sipsub.c \
	agent/sipmsg.c agent/digest.c hal/util.c,libosip2))
$(eval $(call fuzz_harness,digest,agent/digest.c hal/util.c,libosip2))
$(eval $(call fuzz_harness,uicc_codec,hal/uicc-codec.c hal/util.c))
$(eval $(call fuzz_harness,uicc,hal/uicc.c hal/uicc-codec.c hal/util.c))
$(eval $(call fuzz_harness,netlink,hal/netlink.c hal/linkwatch.c))
$(eval $(call fuzz_harness,config,agent/mcmigd-config.c hal/board.c hal/util.c,glib-2.0))
$(eval $(call fuzz_harness,timeline,agent/timeline.c))
$(eval $(call fuzz_harness,sipdns,agent/sipdns.c,libcares))
$(eval $(call fuzz_harness,journal,agent/journal.c))

# The bench's parsers: what the CMS and the SIP DB read from their peers.
FUZZ_CMS := tests/bench/cms
$(eval $(call fuzz_harness,cms_xml,$(FUZZ_CMS)/cms-xml.c $(FUZZ_CMS)/cms-model.c hal/util.c,\
	glib-2.0 libxml-2.0,-I$(FUZZ_CMS)))
$(eval $(call fuzz_harness,cms_config,$(FUZZ_CMS)/cms-config.c $(FUZZ_CMS)/cms-xml.c \
	$(FUZZ_CMS)/cms-model.c hal/util.c,glib-2.0 libxml-2.0,-I$(FUZZ_CMS)))
$(eval $(call fuzz_harness,shdata,tests/bench/sipdb/shdata.c,libxml-2.0,-Itests/bench/sipdb))
$(eval $(call fuzz_harness,sdb,tests/bench/sipdb/sdb.c hal/util.c,,-Itests/bench/sipdb))
# freeDiameter's dictionary and parser; host-only like the SIP DB's own unit tests.
ifeq ($(CROSS_COMPILE),)
$(eval $(call fuzz_harness,diameter,tests/bench/sipdb/fdx.c tests/bench/sipdb/shdata.c,\
	libxml-2.0,-Itests/bench/sipdb))
fuzz_diameter_LIBS := $(SIPDB_FD_LIBS)
replay_diameter_LIBS := $(SIPDB_FD_LIBS)
endif
$(eval $(call fuzz_harness,emu,tests/bench/qmi/qmi-codec.c tests/bench/mbim/mbim-codec.c \
	tests/bench/at/at-codec.c tests/bench/emu-common.c,,\
	-Itests/bench -Itests/bench/qmi -Itests/bench/mbim -Itests/bench/at))

# The fuzzers' objects and binaries are built by clang with libFuzzer's
# coverage instrumentation; the replay tests stay with $(CC) and SANITIZE=.
# clang's -Wcast-align flags every cast to a wider-aligned type (hal/board.c's
# key table writes through offsetof() of the right member); gcc, which builds
# and checks the tree, warns only on strict-alignment targets.
$(BUILD)/obj/fuzz_%: CC := $(FUZZ_CC)
$(BUILD)/obj/fuzz_%: CFLAGS := -O1 -g $(FUZZ_SANITIZE) -Wno-cast-align
$(BUILD)/fuzz/%: CC := $(FUZZ_CC)
$(BUILD)/fuzz/%: LDFLAGS := $(FUZZ_SANITIZE)

FUZZ ?= $(FUZZ_NAMES)

.PHONY: fuzz
fuzz:
	$(Q)./.ci/deps.sh --fuzz
	$(Q)$(MAKE) --no-print-directory $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ))
	$(Q)tests/fuzz/run-fuzz.sh --build $(BUILD) --seconds $(FUZZ_SECONDS) \
		$(if $(filter 1,$(FUZZ_MERGE)),--merge) $(FUZZ)

# The IdM client's parsers: what the primary and partner IdM servers answer (issue 14).
$(eval $(call fuzz_harness,idm,agent/idm-proto.c agent/idm-result.c hal/util.c,glib-2.0 jansson))
