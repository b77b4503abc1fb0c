# Manual pages mcmigd(8), mcmigctl(1), mcmig.conf(5): scdoc sources in
# agent/man/, made with the programs so that `make install` finds them.
# mcmig.conf(5) is the one list of configuration keys (test_mcmigd_config).
MAN_PAGES := mcmigd.8 mcmigctl.1 mcmig.conf.5
$(BUILD)/man/%: agent/man/%.scd | deps
	@mkdir -p $(@D)
	$(if $(Q),@echo "  SCDOC   $@")
	$(Q)scdoc <$< >$@
programs: $(addprefix $(BUILD)/man/,$(MAN_PAGES))
INSTALL_DATA += $(foreach m,$(MAN_PAGES),$(BUILD)/man/$(m):share/man/man$(subst .,,$(suffix $(m)))/$(m))
