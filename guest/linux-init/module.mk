# SPDX-License-Identifier: MIT
#
# The init of husk's Linux test images: a small static program, built with
# musl-gcc when it is there (tiny), otherwise with $(CC) -static. Never
# with sanitizers: it runs inside the guest.

LINUX_INIT := $(O)/guest/linux-init/init
LINUX_INIT_CC ?= $(if $(CROSS_COMPILE),$(CC),$(or $(shell command -v musl-gcc 2>/dev/null),$(CC)))

$(LINUX_INIT): guest/linux-init/init.c
	$(call msg,CCLD,$@)
	@mkdir -p $(@D)
	$(Q)$(LINUX_INIT_CC) $(BASE_CFLAGS) -Os -static -s -o $@ $<

CHECK_DEPS += $(LINUX_INIT)
