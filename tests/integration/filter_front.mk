# SPDX-License-Identifier: MIT
#
# The filter front end's table generator, and its syscall tables checked
# against libseccomp's.

INTEGRATION_TESTS += tests/integration/filter_tables.sh \
	tests/integration/filter_gen.sh
CHECK_DEPS += $(FILTER_TABLES_TOOL)
