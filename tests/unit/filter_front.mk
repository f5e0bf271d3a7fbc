# SPDX-License-Identifier: MIT
#
# Unit tests of the filter compiler's front end: the generated tables and
# architecture lookups (test_arch), and the policy parser (test_policy).

FILTER_FRONT_TESTS := test_arch test_policy
FILTER_FRONT_TEST_BINS := $(addprefix $(O)/tests/unit/,$(FILTER_FRONT_TESTS))
FILTER_FRONT_TEST_OBJS := $(addprefix $(O)/host/tests/unit/, \
	$(addsuffix .o,$(FILTER_FRONT_TESTS)))

# The tests read filter/groups.policy wherever they are run from.
$(FILTER_FRONT_TEST_OBJS): HOST_CFLAGS += $(CHECK_CFLAGS) \
	-DHUSK_FILTER_DIR='"$(CURDIR)/filter"'
$(FILTER_FRONT_TEST_OBJS): | $(FILTER_TABLES_C)

$(FILTER_FRONT_TEST_BINS): $(O)/tests/unit/%: $(O)/host/tests/unit/%.o \
		$(FILTER_FRONT_HOST_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ALL_HOST_LDFLAGS) -o $@ $^ $(CHECK_LIBS)

UNIT_TESTS += $(FILTER_FRONT_TEST_BINS)
