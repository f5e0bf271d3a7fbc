# SPDX-License-Identifier: MIT
#
# The virtio-net test guest ($(O)/guest/virtio-net.elf and .bzImage): its
# own sources plus the register helpers of the virtio test guest
# (guest/virtio/vdev.c), linked like the guests of guest/module.mk, which
# is read before this file and provides the rules used here.

NET_GUEST_OBJS := $(call guest_objs,virtio-net) $(O)/guest/obj/virtio/vdev.o

ifneq ($(filter x86_64-%,$(GUEST_MACHINE)),)
CHECK_DEPS += $(O)/guest/virtio-net.elf $(O)/guest/virtio-net.bzImage
endif

guests: $(O)/guest/virtio-net.elf $(O)/guest/virtio-net.bzImage

$(O)/guest/virtio-net.elf: $(NET_GUEST_OBJS) $(GUEST_ENTRY_OBJ) $(GUEST_LIB) \
		guest/guest.ld guest/check-insns.sh
	$(call msg,GUESTLD,$@)
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@.tmp \
		$(GUEST_ENTRY_OBJ) $(NET_GUEST_OBJS) $(GUEST_LIB)
	$(Q)sh guest/check-insns.sh $(GUEST_OBJDUMP) $@.tmp
	$(Q)mv $@.tmp $@
