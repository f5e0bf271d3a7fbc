# SPDX-License-Identifier: MIT
#
# Unit tests of the filter compiler's back end: every program is checked
# in the simulator against a reference evaluator and, for the native
# architecture, installed in the kernel.

FILTER_BACK_TEST := $(O)/tests/unit/filter_back_test
FILTER_BACK_TEST_SRCS := tests/unit/filter_back_test.c \
	tests/unit/filter_back_ref.c tests/unit/filter_back_live.c \
	tests/unit/filter_back_policy.c
FILTER_BACK_TEST_OBJS := $(patsubst %.c,$(O)/host/%.o,$(FILTER_BACK_TEST_SRCS))

UNIT_TESTS += $(FILTER_BACK_TEST)

# With the front end present the tests also compile real policy text.
ifneq ($(strip $(FILTER_FRONT_HOST_OBJS)),)
$(FILTER_BACK_TEST_OBJS): HOST_CFLAGS += -DHUSK_HAVE_FILTER_FRONT
endif
$(FILTER_BACK_TEST_OBJS): HOST_CFLAGS += $(CHECK_CFLAGS)

$(FILTER_BACK_TEST): $(FILTER_BACK_TEST_OBJS) $(FILTER_BACK_HOST_OBJS) \
		$(FILTER_FRONT_HOST_OBJS) $(FILTER_DIAG_HOST_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ALL_HOST_LDFLAGS) -o $@ $^ $(CHECK_LIBS)

# The command line, run as a script by 'make check'.
INTEGRATION_TESTS += tests/unit/filter_back_cli.sh
