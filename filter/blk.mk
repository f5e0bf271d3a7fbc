# SPDX-License-Identifier: MIT
#
# The blk role: filter/blk.policy compiled, by the pattern rules of
# filter/roles.mk, into $(O)/gen/filter/role_blk.c and linked into husk,
# where vmm/virtio_devices.c binds it for the virtio-blk workers.

GENERATED += $(O)/gen/filter/role_blk.c
HUSK_EXTRA_OBJS += $(O)/filter/role_blk.o

# Kept after the build, like the other roles' programs.
.SECONDARY: $(O)/gen/filter/role_blk.c
