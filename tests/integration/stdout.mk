# SPDX-License-Identifier: MIT
#
# Guest console output on a stdout that drains slowly or not at all. The
# guest images come from guest/module.mk through CHECK_DEPS.

INTEGRATION_TESTS += tests/integration/stdout.sh
