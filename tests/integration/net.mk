# SPDX-License-Identifier: MIT
#
# Integration test of virtio-net on a tap in a network namespace, driven
# by the virtio-net test guest (guest/virtio-net/, built through
# CHECK_DEPS).

INTEGRATION_TESTS += tests/integration/net.sh
