# SPDX-License-Identifier: MIT
#
# husk's benchmark: `make bench` builds what the sections need, runs
# tools/bench/run, which writes tools/bench/REPORT.md and prints it.
# libseccomp is linked into the filter benchmark only, never into husk.

BENCH_DIR := $(O)/bench
BENCH_FILTER := $(BENCH_DIR)/filter_bench
BENCH_BARE_KVM := $(BENCH_DIR)/bare_kvm
BENCH_PIO_GUEST := $(BENCH_DIR)/pio.elf
BENCH_PIO_GUEST_LONG := $(BENCH_DIR)/pio-long.elf
BENCH_PIO_COUNT ?= 20000

BENCH_FILTER_OBJS := $(patsubst %,$(O)/host/tools/bench/%.o, \
	filter_bench analyze report timing kernel_time lsc bpf_run)

$(BENCH_FILTER): $(BENCH_FILTER_OBJS) $(FILTER_FRONT_HOST_OBJS) \
		$(FILTER_BACK_HOST_OBJS) $(FILTER_DIAG_HOST_OBJS)
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ALL_HOST_LDFLAGS) -o $@ $^ -lseccomp

$(BENCH_BARE_KVM): $(O)/host/tools/bench/bare_kvm.o
	$(call msg,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(ALL_HOST_LDFLAGS) -o $@ $^

# The guest is freestanding: no sanitizers, no libc, one RWX segment
# loaded at 1 MiB and entered in 64-bit mode.
BENCH_GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-Ttext=0x100000 \
	-Wl,--build-id=none -Wl,-N -Wl,--no-warn-rwx-segments

$(BENCH_PIO_GUEST): tools/bench/guest/pio.S tools/bench/module.mk
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(BENCH_GUEST_LDFLAGS) -DPIO_COUNT=$(BENCH_PIO_COUNT) \
		-o $@ $<

# Runs until killed (2^31 exits), for the memory section.
$(BENCH_PIO_GUEST_LONG): tools/bench/guest/pio.S tools/bench/module.mk
	$(call msg,GUEST,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(BENCH_GUEST_LDFLAGS) -DPIO_COUNT=0x7fffffff -o $@ $<

# The boot section's stopwatch runs inside the nested test host: static,
# with musl when it is there, never with sanitizers.
BENCH_STAMP := $(BENCH_DIR)/stamp
BENCH_STAMP_CC ?= $(or $(shell command -v musl-gcc 2>/dev/null),$(HOSTCC))

$(BENCH_STAMP): tools/bench/stamp.c
	$(call msg,CCLD,$@)
	@mkdir -p $(@D)
	$(Q)$(BENCH_STAMP_CC) $(BASE_CFLAGS) -O2 -static -s -o $@ $<

# The virtio section's load generator runs in the guests and in the test
# host, built the same way.
BENCH_IOBENCH := $(BENCH_DIR)/iobench

$(BENCH_IOBENCH): tools/bench/iobench.c
	$(call msg,CCLD,$@)
	@mkdir -p $(@D)
	$(Q)$(BENCH_STAMP_CC) $(BASE_CFLAGS) -O2 -static -s -o $@ $<

BENCH_OWN := $(BENCH_FILTER) $(BENCH_BARE_KVM) $(BENCH_PIO_GUEST) \
	$(BENCH_PIO_GUEST_LONG) $(BENCH_STAMP) $(BENCH_IOBENCH)

# What the sections use from other parts of husk; each section reports
# loudly what is missing, so a part that does not build yet leaves the
# rest of the report standing.
BENCH_OTHERS = $(PROGS) $(HOST_PROGS) $(LINUX_INIT) \
	$(filter %/pio-bench.elf,$(GUEST_ELFS))

# The command that made the report, for its first line.
BENCH_COMMAND = make $(strip $(MAKEOVERRIDES)) bench

bench:
	-$(Q)$(MAKE) --no-print-directory -k $(BENCH_OWN) $(BENCH_OTHERS)
	$(Q)O='$(O)' MAKE='$(MAKE)' BENCH_COMMAND='$(BENCH_COMMAND)' \
		BENCH_PIO_COUNT='$(BENCH_PIO_COUNT)' tools/bench/run

.PHONY: bench
