# SPDX-License-Identifier: MIT
# Check tests of husk's x86 platform devices: the 16550A UART, the i8042
# and the ACPI tables and power-management ports.

PLATFORM_TESTS := test_serial test_i8042 test_acpi

$(O)/tests/unit/test_serial: $(O)/tests/unit/test_serial.o \
		$(O)/vmm/serial.o $(O)/vmm/log.o
$(O)/tests/unit/test_i8042: $(O)/tests/unit/test_i8042.o \
		$(O)/vmm/i8042.o $(O)/vmm/log.o
$(O)/tests/unit/test_acpi: $(O)/tests/unit/test_acpi.o \
		$(O)/vmm/acpi.o $(O)/vmm/acpi_aml.o $(O)/vmm/acpi_pm.o \
		$(O)/vmm/log.o

$(addprefix $(O)/tests/unit/,$(PLATFORM_TESTS)):
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) -pthread

$(addprefix $(O)/tests/unit/,$(addsuffix .o,$(PLATFORM_TESTS))): \
	ALL_CFLAGS += $(CHECK_CFLAGS)

UNIT_TESTS += $(addprefix $(O)/tests/unit/,$(PLATFORM_TESTS))
