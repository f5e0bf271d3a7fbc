# SPDX-License-Identifier: MIT
# Check tests of the virtio devices: the virtqueue walker (table-driven
# hostile rings and random fuzzing), the virtio-mmio register state
# machine, and virtio-blk request handling against a temporary image.

VIRTIO_UNIT_TESTS := test_virtq test_virtio_mmio test_virtio_blk

$(O)/tests/unit/test_virtq: $(O)/tests/unit/test_virtq.o \
		$(O)/vmm/virtq.o $(O)/vmm/memory.o
$(O)/tests/unit/test_virtio_mmio: $(O)/tests/unit/test_virtio_mmio.o \
		$(O)/vmm/virtio_mmio.o $(O)/vmm/virtq.o $(O)/vmm/memory.o \
		$(O)/vmm/log.o
$(O)/tests/unit/test_virtio_blk: $(O)/tests/unit/test_virtio_blk.o \
		$(O)/vmm/virtio_blk.o $(O)/vmm/virtio_rng.o \
		$(O)/vmm/virtio_mmio.o $(O)/vmm/virtq.o $(O)/vmm/memory.o \
		$(O)/vmm/eventloop.o $(O)/vmm/log.o

$(addprefix $(O)/tests/unit/,$(VIRTIO_UNIT_TESTS)):
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) -pthread

$(patsubst %,$(O)/tests/unit/%.o,$(VIRTIO_UNIT_TESTS)): \
	ALL_CFLAGS += $(CHECK_CFLAGS)

UNIT_TESTS += $(addprefix $(O)/tests/unit/,$(VIRTIO_UNIT_TESTS))
