# SPDX-License-Identifier: MIT
#
# Integration tests of husk's virtio-mmio devices, driven from inside by
# the virtio test guest (guest/virtio/, built through CHECK_DEPS).

INTEGRATION_TESTS += tests/integration/virtio.sh
