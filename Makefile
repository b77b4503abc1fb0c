# mcmig — plain GNU Makefile (style.md item 14).
#
#   make                       build everything (objects and binaries in build/)
#   make check                 install missing packages, build, run every test
#   make demo                  a full migration on the bench
#   make bench                 performance figures
#   make kill-campaign KILLS=500 SEED=1   mcmigd SIGKILLed in every state, restarted, checked
#   make check-fresh           README's first-run lines in a fresh debootstrapped Debian 12 root
#   make check-deb             the Debian packages (native, arm64): built, lintian, installed in a fresh root
#   make install DESTDIR= PREFIX= [LIBDIR= MODULEDIR=]
#   make CROSS_COMPILE=aarch64-linux-gnu-        cross-build through Debian multiarch
#   make CROSS_COMPILE=aarch64-linux-gnu- check-cross   unit tests under qemu-aarch64
#   WERROR=0  SANITIZE=address,undefined  V=1
#
# Modules register themselves in */*.mk fragments:
#   PROGRAMS += name        name_SRCS := a.c b.c   name_PKGS := glib-2.0 ...   name_LIBS := -lm
#   UNIT_TESTS += test_x    test_x_SRCS := ...     test_x_PKGS := cmocka ...
#   BENCH_PROGRAMS += name  (host-only bench tools; not cross-built, not installed)
#   INTEGRATION_TESTS += tests/integration/foo.sh   (run as root by make check)
#   FUZZ_PROGRAMS += fuzz_x (libFuzzer harnesses, host only; tests/fuzz/fuzz.mk)
#   MODULES += name         name_SRCS, name_PKGS, name_LIBS as above; built with -fPIC into
#                           $(BUILD)/lib/mcmig/name.so, exporting only what name_MAP lists,
#                           installed into MODULEDIR (mcmigd dlopens them: hal/module.c)
#   HELPERS += name         programs mcmigd starts: $(BUILD)/lib/mcmig/name, installed into MODULEDIR
#   INSTALL_BIN += name     INSTALL_DATA += src:dest-relative-to-PREFIX

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

PREFIX ?= /usr/local
DESTDIR ?=
# Loadable modules (the modem backends) and the helper programs mcmigd starts.
# A Debian package may pass the multiarch directory:
# LIBDIR=/usr/lib/$(DEB_HOST_MULTIARCH).
LIBDIR ?= $(PREFIX)/lib
MODULEDIR ?= $(LIBDIR)/mcmig
SYSCONFDIR ?= /etc
WERROR ?= 1
SANITIZE ?=
CROSS_COMPILE ?=
V ?= 0

CC := $(CROSS_COMPILE)gcc
ifeq ($(CROSS_COMPILE),)
BUILD := build
PKG_CONFIG ?= pkg-config
else
TRIPLET := $(patsubst %-,%,$(CROSS_COMPILE))
BUILD := build/$(TRIPLET)
PKG_CONFIG ?= PKG_CONFIG_LIBDIR=/usr/lib/$(TRIPLET)/pkgconfig:/usr/share/pkgconfig pkg-config
endif
ifneq ($(SANITIZE),)
BUILD := $(BUILD)/sanitize
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARNINGS := -Wall -Wextra -Wmissing-declarations -Wmissing-prototypes \
	-Wformat=2 -Wshadow -Wstrict-prototypes -Wold-style-definition \
	-Wpointer-arith -Wcast-align -Wwrite-strings -Wundef \
	-Wnull-dereference -Wimplicit-fallthrough -Wswitch-enum \
	-Wno-switch-default -Wno-unused-parameter -Wvla -Wdeclaration-after-statement
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

CFLAGS ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -I. -Ihal -Iagent \
	-DMCMIG_SYSCONFDIR=\"$(SYSCONFDIR)\" -DMCMIG_VERSION=\"$(VERSION)\"
BASE_CFLAGS := -std=gnu11 -fno-common -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(WARNINGS) -MMD -MP
LDFLAGS ?=
ifneq ($(SANITIZE),)
BASE_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0)

PROGRAMS :=
MODULES :=
HELPERS :=
UNIT_TESTS :=
BENCH_PROGRAMS :=
INTEGRATION_TESTS :=
FUZZ_PROGRAMS :=
INSTALL_BIN :=
INSTALL_DATA :=

include $(sort $(wildcard agent/*.mk hal/*.mk boards/*.mk udev/*.mk tests/*.mk tests/*/*.mk tests/*/*/*.mk))

# pkg-config is asked when a recipe first needs an answer, never while make
# reads this file: on a fresh machine pkg-config and the -dev packages exist
# only once `deps` (an order-only prerequisite of every object) has run. Each
# answer is kept per package set, so pkg-config runs once per set.
empty :=
space := $(empty) $(empty)
pkg_key = PKGCONFIG_$(1)_$(subst $(space),+,$(strip $(2)))
pkg_ask = $(if $(filter undefined,$(origin $(pkg_key))),$(eval $(pkg_key) := $$(shell $(PKG_CONFIG) --$(1) $(2))))$($(pkg_key))
pkg_cflags = $(if $(strip $(1)),$(call pkg_ask,cflags,$(1)))
pkg_libs = $(if $(strip $(1)),$(call pkg_ask,libs,$(1)))

# $(1) = binary name, $(2) = output directory
define link_rule
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/obj/$(1)/%.o,$$($(1)_SRCS))
$(1)_CF = $$(call pkg_cflags,$$($(1)_PKGS))
$(1)_LF = $$(call pkg_libs,$$($(1)_PKGS)) $$($(1)_LIBS)
$(BUILD)/obj/$(1)/%.o: %.c | deps
	@mkdir -p $$(@D)
	$$(if $(Q),@echo "  CC      $$@")
	$(Q)$$(CC) $$(CPPFLAGS) $$(BASE_CFLAGS) $$(CFLAGS) $$($(1)_CF) $$($(1)_CPPFLAGS) -c -o $$@ $$<
$(2)/$(1): $$($(1)_OBJS)
	@mkdir -p $$(@D)
	$$(if $(Q),@echo "  LD      $$@")
	$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$($(1)_LF)
-include $$($(1)_OBJS:.o=.d)
endef

# $(1) = module name: position-independent objects of its own, linked with
# every symbol resolved (-z defs) and only $(1)_MAP's symbols exported, so
# that its copies of shared helpers (hal/util.c) never clash with mcmigd's.
define module_rule
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/obj/$(1)/%.o,$$($(1)_SRCS))
$(1)_CF = $$(call pkg_cflags,$$($(1)_PKGS))
$(1)_LF = $$(call pkg_libs,$$($(1)_PKGS)) $$($(1)_LIBS)
$(BUILD)/obj/$(1)/%.o: %.c | deps
	@mkdir -p $$(@D)
	$$(if $(Q),@echo "  CC      $$@")
	$(Q)$$(CC) $$(CPPFLAGS) $$(BASE_CFLAGS) $$(CFLAGS) -fPIC $$($(1)_CF) $$($(1)_CPPFLAGS) -c -o $$@ $$<
$(BUILD)/lib/mcmig/$(1).so: $$($(1)_OBJS) $$($(1)_MAP)
	@mkdir -p $$(@D)
	$$(if $(Q),@echo "  LD      $$@")
	$(Q)$$(CC) $$(LDFLAGS) -shared -Wl,-z,defs -Wl,--version-script=$$($(1)_MAP) -o $$@ \
		$$($(1)_OBJS) $$($(1)_LF)
-include $$($(1)_OBJS:.o=.d)
endef

$(foreach p,$(PROGRAMS),$(eval $(call link_rule,$(p),$(BUILD)/bin)))
$(foreach m,$(MODULES),$(eval $(call module_rule,$(m))))
$(foreach h,$(HELPERS),$(eval $(call link_rule,$(h),$(BUILD)/lib/mcmig)))
$(foreach t,$(UNIT_TESTS),$(eval $(call link_rule,$(t),$(BUILD)/tests)))
ifeq ($(CROSS_COMPILE),)
$(foreach b,$(BENCH_PROGRAMS),$(eval $(call link_rule,$(b),$(BUILD)/bench)))
$(foreach f,$(FUZZ_PROGRAMS),$(eval $(call link_rule,$(f),$(BUILD)/fuzz)))
endif

BIN_TARGETS := $(addprefix $(BUILD)/bin/,$(PROGRAMS))
MODULE_TARGETS := $(patsubst %,$(BUILD)/lib/mcmig/%.so,$(MODULES)) \
	$(addprefix $(BUILD)/lib/mcmig/,$(HELPERS))
TEST_TARGETS := $(addprefix $(BUILD)/tests/,$(UNIT_TESTS))
ifeq ($(CROSS_COMPILE),)
BENCH_TARGETS := $(addprefix $(BUILD)/bench/,$(BENCH_PROGRAMS))
endif

.PHONY: all programs tests bench-tools deps check check-unit check-integration kill-campaign \
	check-format format check-cross check-fresh check-deb demo bench install clean

all: programs tests bench-tools
programs: $(BIN_TARGETS) $(MODULE_TARGETS)
tests: $(TEST_TARGETS)
bench-tools: $(BENCH_TARGETS)

# The one dependency step: every entry point (make, check, demo, bench,
# check-cross, install, CI) reaches it before anything is compiled, so each
# works as the first command on a fresh machine. Silent when nothing is missing.
# DEPS=0 (debian/rules): the build dependencies are the package's Build-Depends,
# checked by dpkg-buildpackage, and a package build installs nothing.
DEPS ?= 1
deps:
ifneq ($(DEPS),0)
	$(Q)./.ci/deps.sh $(if $(CROSS_COMPILE),--cross $(TRIPLET))
endif

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check-format
	$(Q)tests/run-tests.sh --build $(BUILD) $(TEST_TARGETS) -- $(INTEGRATION_TESTS)

check-unit: tests
	$(Q)tests/run-tests.sh --build $(BUILD) $(TEST_TARGETS) --

check-integration: all
	$(Q)tests/run-tests.sh --build $(BUILD) -- $(INTEGRATION_TESTS)

check-format: | deps
	$(Q)tests/check-format.sh

format: | deps
	$(Q)tests/check-format.sh --fix

# Unit tests of the cross build, run under qemu-user.
check-cross:
	$(Q)test -n "$(CROSS_COMPILE)" || { echo "check-cross: set CROSS_COMPILE, e.g. aarch64-linux-gnu-" >&2; exit 2; }
	$(Q)$(MAKE) --no-print-directory programs tests
	$(Q)tests/run-tests.sh --build $(BUILD) --qemu $(TRIPLET) $(TEST_TARGETS) --

# A newcomer's first run (README's first-run block) in a debootstrapped Debian 12 root.
check-fresh:
	$(Q)tests/check-fresh.sh

# debian/'s packages: built (native and arm64), lintian, installed in a
# debootstrapped Debian 12 root (README.md, "Packages").
check-deb:
	$(Q)tests/check-deb.sh

demo: deps all
	$(Q)tests/demo.sh --build $(BUILD)

bench: deps all
	$(Q)tests/bench.sh --build $(BUILD)

# Crash safety, long (issue 12): make kill-campaign KILLS=500 SEED=7. make check
# runs the same script with its default: every kind of kill twice.
KILLS ?= 500
SEED ?= 1
kill-campaign: deps all
	$(Q)KILLS=$(KILLS) SEED=$(SEED) tests/run-tests.sh --build $(BUILD) -- \
		tests/integration/kill-campaign.sh

install: programs
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin
	$(Q)$(foreach b,$(INSTALL_BIN),install -m 0755 $(BUILD)/bin/$(b) $(DESTDIR)$(PREFIX)/bin/$(b) &&) true
	$(Q)install -d $(DESTDIR)$(MODULEDIR)
	$(Q)$(foreach m,$(MODULES),install -m 0644 $(BUILD)/lib/mcmig/$(m).so $(DESTDIR)$(MODULEDIR)/$(m).so &&) true
	$(Q)$(foreach h,$(HELPERS),install -m 0755 $(BUILD)/lib/mcmig/$(h) $(DESTDIR)$(MODULEDIR)/$(h) &&) true
	$(Q)$(foreach d,$(INSTALL_DATA),install -D -m 0644 $(word 1,$(subst :, ,$(d))) $(DESTDIR)$(PREFIX)/$(word 2,$(subst :, ,$(d))) &&) true

clean:
	rm -rf build
