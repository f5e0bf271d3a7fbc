# SPDX-License-Identifier: MIT
#
# husk's freestanding test guests: each is linked as an ELF image at 1 MiB
# ($(O)/guest/NAME.elf) and wrapped into a bzImage ($(O)/guest/NAME.bzImage)
# by tools/mkbzimage. guest/linux-init has its own fragment.
#
# The guests need an x86_64 compiler; with any other $(CC) (cross builds)
# they are not built and the integration tests skip them.

GUEST_NAMES := bootinfo smp uart power triple-fault pio-bench virtio

# Built by tools/mkbzimage/module.mk, which is read after this file.
MKBZIMAGE := $(O)/host/mkbzimage

GUEST_MACHINE := $(shell $(CC) -dumpmachine 2>/dev/null)
GUEST_OBJDUMP ?= $(CROSS_COMPILE)objdump

GUEST_CFLAGS := -std=gnu11 $(WARNINGS) $(WERROR) -MMD -MP -I. -O2 -g \
	-m64 -ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-fcf-protection=none -mno-red-zone -mgeneral-regs-only -mno-mmx \
	-mno-sse -mno-sse2 -mno-80387 -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fno-builtin -mcmodel=small -mno-tls-direct-seg-refs
GUEST_LDFLAGS := -nostdlib -static -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
	-Wl,-z,max-page-size=4096 -Wl,-T,guest/guest.ld

# The runtime is an archive, so each guest links only the parts it uses
# (the entry code clears .bss, which is slow on a nested hypervisor). The
# entry code is linked directly: nothing refers to it.
GUEST_AR ?= $(CROSS_COMPILE)ar
GUEST_LIB_SRCS := $(filter-out guest/lib/entry.S,\
	$(wildcard guest/lib/*.c guest/lib/*.S))
GUEST_LIB_OBJS := $(patsubst guest/%,$(O)/guest/obj/%.o,\
	$(basename $(GUEST_LIB_SRCS)))
GUEST_ENTRY_OBJ := $(O)/guest/obj/lib/entry.o
GUEST_LIB := $(O)/guest/obj/libguest.a

guest_srcs = $(wildcard guest/$(1)/*.c guest/$(1)/*.S)
guest_objs = $(patsubst guest/%,$(O)/guest/obj/%.o,\
	$(basename $(call guest_srcs,$(1))))

ifneq ($(filter x86_64-%,$(GUEST_MACHINE)),)
GUEST_ELFS := $(patsubst %,$(O)/guest/%.elf,$(GUEST_NAMES))
GUEST_BZIMAGES := $(patsubst %,$(O)/guest/%.bzImage,$(GUEST_NAMES))
CHECK_DEPS += $(GUEST_ELFS) $(GUEST_BZIMAGES)
endif

guests: $(GUEST_ELFS) $(GUEST_BZIMAGES)

$(O)/guest/obj/%.o: guest/%.c
	$(call msg,GUESTCC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(O)/guest/obj/%.o: guest/%.S
	$(call msg,GUESTAS,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_LIB): $(GUEST_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(GUEST_AR) rcs $@ $^

# Links one guest and refuses instructions the nested hypervisor cannot
# emulate in guest kernel mode (see guest/README.md).
define guest_link
$(O)/guest/$(1).elf: $(call guest_objs,$(1)) $(GUEST_ENTRY_OBJ) $(GUEST_LIB) \
		guest/guest.ld guest/check-insns.sh
	$$(call msg,GUESTLD,$$@)
	$$(Q)$$(CC) $$(GUEST_CFLAGS) $$(GUEST_LDFLAGS) -o $$@.tmp \
		$$(GUEST_ENTRY_OBJ) $$(call guest_objs,$(1)) $$(GUEST_LIB)
	$$(Q)sh guest/check-insns.sh $$(GUEST_OBJDUMP) $$@.tmp
	$$(Q)mv $$@.tmp $$@
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call guest_link,$(g))))

$(O)/guest/%.bzImage: $(O)/guest/%.elf $(MKBZIMAGE)
	$(call msg,BZIMAGE,$@)
	$(Q)$(MKBZIMAGE) $< $@

.PHONY: guests
