# SPDX-License-Identifier: MIT
# husk's command line and bad-input exit statuses.

INTEGRATION_TESTS += tests/integration/cli.sh
