# SPDX-License-Identifier: MIT
#
# mkbzimage: wraps an ELF image linked at 1 MiB into a bzImage. A build
# tool for the test guests, not installed. guest/module.mk names it
# $(MKBZIMAGE) and adds what it builds to CHECK_DEPS.

MKBZIMAGE ?= $(O)/host/mkbzimage

$(MKBZIMAGE): $(O)/host/tools/mkbzimage/mkbzimage.o
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(ALL_HOST_LDFLAGS) -o $@ $^
