# SPDX-License-Identifier: MIT
# Check tests of virtio-net (vmm/virtio_net.c): a socketpair in place of
# the tap, the test as the driver.

$(O)/tests/unit/test_virtio_net: $(O)/tests/unit/test_virtio_net.o \
		$(O)/vmm/virtio_net.o $(O)/vmm/virtio_mmio.o $(O)/vmm/virtq.o \
		$(O)/vmm/memory.o $(O)/vmm/eventloop.o $(O)/vmm/log.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) -pthread

$(O)/tests/unit/test_virtio_net.o: ALL_CFLAGS += $(CHECK_CFLAGS)

UNIT_TESTS += $(O)/tests/unit/test_virtio_net
