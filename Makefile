# SPDX-License-Identifier: MIT
#
# husk: top-level build. Each folder adds its programs, objects and tests
# through its own module.mk; this file holds the switches and the rules.

VERSION := 0.1.0

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man

# Objects and generated files go to $(O); a second configuration (musl,
# sanitizers, a cross target) builds side by side with O=build-musl etc.
O ?= build

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
HOSTCC ?= cc
CLANG_FORMAT ?= clang-format
PKG_CONFIG ?= pkg-config

WERROR ?= -Werror
WARNINGS := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wundef \
	-Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla \
	-Wformat=2 -Wwrite-strings -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
HOST_CFLAGS ?= $(CFLAGS)
LDFLAGS ?=
HOST_LDFLAGS ?= $(LDFLAGS)
BASE_CFLAGS := -std=gnu11 $(WARNINGS) $(WERROR) -D_GNU_SOURCE -MMD -MP \
	-I. -I$(O)/gen -DHUSK_VERSION='"$(VERSION)"'

SAN_FLAGS :=
ifeq ($(ASAN),1)
SAN_FLAGS += -fsanitize=address -fno-omit-frame-pointer
endif
ifeq ($(UBSAN),1)
SAN_FLAGS += -fsanitize=undefined -fno-sanitize-recover=all
endif
ifeq ($(STATIC),1)
LDFLAGS += -static
endif

ALL_CFLAGS = $(BASE_CFLAGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
ALL_HOST_CFLAGS = $(BASE_CFLAGS) $(SAN_FLAGS) $(HOST_CFLAGS)
ALL_HOST_LDFLAGS = $(SAN_FLAGS) $(HOST_LDFLAGS)

CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

# Filled in by the module.mk files.
PROGS :=		# target programs, installed to $(BINDIR)
HOST_PROGS :=		# build-host tools, installed too (husk-filter)
UNIT_TESTS :=		# Check test programs, run by 'make check'
INTEGRATION_TESTS :=	# scripts under tests/, run by 'make check'
LINUX_TESTS :=		# scripts that boot Linux in the nested test host
CHECK_DEPS :=		# anything else the tests need built first
MAN_PAGES :=
GENERATED :=

all:

include $(sort $(wildcard */module.mk */*/module.mk */*.mk */*/*.mk))

all: $(PROGS) $(HOST_PROGS)

# Target objects, built with $(CC).
$(O)/%.o: %.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/%.o: %.S
	$(call msg,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Objects for tools that run on the build host, built with $(HOSTCC).
$(O)/host/%.o: %.c
	$(call msg,HOSTCC,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ALL_HOST_CFLAGS) -c -o $@ $<

$(O)/host/%.o: $(O)/%.c
	$(call msg,HOSTCC,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ALL_HOST_CFLAGS) -c -o $@ $<

check: $(PROGS) $(HOST_PROGS) $(UNIT_TESTS) $(CHECK_DEPS)
	$(Q)O=$(O) tests/run $(UNIT_TESTS) $(INTEGRATION_TESTS)

check-linux: $(PROGS) $(HOST_PROGS) $(CHECK_DEPS)
	$(Q)O=$(O) tests/run $(LINUX_TESTS)

check-all: $(PROGS) $(HOST_PROGS) $(UNIT_TESTS) $(CHECK_DEPS)
	$(Q)O=$(O) tests/run $(UNIT_TESTS) $(INTEGRATION_TESTS) $(LINUX_TESTS)

# The default guest: husk boots one of its own test guests as a bzImage on
# two vCPUs; the guest starts the second CPU, checks timers and ACPI, and
# powers off. It runs on any /dev/kvm, nested or not.
DEMO_GUEST ?= $(O)/guest/smp.bzImage
demo: $(PROGS) $(CHECK_DEPS)
	$(O)/husk --kernel $(DEMO_GUEST) --cpus 2 --cmdline cpus=2

# The whole suite, as CI runs it: everything, the integration suite again
# against static glibc and static musl builds, then the unit and
# integration tests under AddressSanitizer and UndefinedBehaviorSanitizer.
test-all: check-all
	$(Q)$(MAKE) --no-print-directory O=$(O) check-libcs
	$(Q)$(MAKE) --no-print-directory O=$(O)-asan ASAN=1 UBSAN=1 check

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_FILES)

format-check:
	$(Q)bad=0; for f in $(FORMAT_FILES); do \
		$(CLANG_FORMAT) $$f | cmp -s - $$f || \
			{ echo "format-check: $$f differs from .clang-format"; \
			  bad=1; }; \
	done; exit $$bad

install: $(PROGS) $(HOST_PROGS)
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(PROGS) $(HOST_PROGS) $(DESTDIR)$(BINDIR)/
ifneq ($(MAN_PAGES),)
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
endif

clean:
	rm -rf $(O)

.PHONY: all demo check check-linux check-all test-all format format-check install clean
.DELETE_ON_ERROR:

-include $(shell find $(O) -name '*.d' 2>/dev/null)
