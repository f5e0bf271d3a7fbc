# SPDX-License-Identifier: MIT
# Check tests of the monitor's pure parts: guest RAM, sizes, kernel
# loaders, the zero page, CPUID and console escapes.

VMM_UNIT_TESTS := test_memory test_loader test_boot_params test_cpuid \
	test_console

$(O)/tests/unit/test_memory: $(O)/tests/unit/test_memory.o \
		$(O)/vmm/memory.o $(O)/vmm/size.o
$(O)/tests/unit/test_loader: $(O)/tests/unit/test_loader.o \
		$(O)/vmm/loader_bzimage.o $(O)/vmm/loader_elf.o \
		$(O)/vmm/loader.o $(O)/vmm/memory.o $(O)/vmm/log.o
$(O)/tests/unit/test_boot_params: $(O)/tests/unit/test_boot_params.o \
		$(O)/vmm/boot_params.o $(O)/vmm/memory.o
$(O)/tests/unit/test_cpuid: $(O)/tests/unit/test_cpuid.o \
		$(O)/vmm/cpuid.o $(O)/vmm/kvm.o $(O)/vmm/log.o
$(O)/tests/unit/test_console: $(O)/tests/unit/test_console.o \
		$(O)/vmm/console.o $(O)/vmm/serial.o $(O)/vmm/eventloop.o \
		$(O)/vmm/log.o

$(addprefix $(O)/tests/unit/,$(VMM_UNIT_TESTS)):
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) -pthread

$(patsubst %,$(O)/tests/unit/%.o,$(VMM_UNIT_TESTS)): \
	ALL_CFLAGS += $(CHECK_CFLAGS)

UNIT_TESTS += $(addprefix $(O)/tests/unit/,$(VMM_UNIT_TESTS))
