# SPDX-License-Identifier: MIT
#
# Integration tests that boot the freestanding guests of guest/ with husk.
# The guest images come from guest/module.mk through CHECK_DEPS.

INTEGRATION_TESTS += tests/integration/guests.sh
