# SPDX-License-Identifier: MIT
# Check tests of the seccomp runtime that husk links.

$(O)/tests/unit/test_runtime: $(O)/tests/unit/test_runtime.o \
		$(O)/filter/runtime.o $(O)/vmm/log.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) -pthread

$(O)/tests/unit/test_runtime.o: ALL_CFLAGS += $(CHECK_CFLAGS)

UNIT_TESTS += $(O)/tests/unit/test_runtime
