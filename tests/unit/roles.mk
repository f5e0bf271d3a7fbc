# SPDX-License-Identifier: MIT
# Per-role libc checks: each role's generated filter against the libc
# calls that role makes (tests/unit/test_roles.c). The standalone build
# is for libcs that Check cannot link with; tests/integration/libcs.sh
# runs it.

ROLE_TEST_OBJS := $(O)/filter/roles.o $(O)/filter/runtime.o $(ROLE_OBJS) \
	$(O)/vmm/log.o

$(O)/tests/unit/test_roles: $(O)/tests/unit/test_roles.o $(ROLE_TEST_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) -pthread

$(O)/tests/unit/test_roles.o: ALL_CFLAGS += $(CHECK_CFLAGS)

$(O)/tests/unit/test_roles_standalone.o: tests/unit/test_roles.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -DROLES_STANDALONE -c -o $@ $<

$(O)/tests/unit/test_roles_standalone: \
		$(O)/tests/unit/test_roles_standalone.o $(ROLE_TEST_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -pthread

UNIT_TESTS += $(O)/tests/unit/test_roles
