# SPDX-License-Identifier: MIT
#
# The filter compiler's front end: syscall and constant tables generated
# from each architecture's UAPI headers, the architecture lookups and the
# policy parser. filter/module.mk links husk-filter from these objects.

# Where each architecture's Linux UAPI headers live (Debian's
# linux-libc-dev and its -cross packages); each may list several folders.
UAPI_x86_64 ?= /usr/include/x86_64-linux-gnu /usr/include
UAPI_aarch64 ?= /usr/aarch64-linux-gnu/include
UAPI_riscv64 ?= /usr/riscv64-linux-gnu/include

FILTER_ARCHES := x86_64 aarch64 riscv64

# Two more syscall tables only feed the list of names Linux knows
# anywhere (filter_linux_syscalls): i386, and the generic 32-bit table.
UAPI_i386 = $(UAPI_x86_64)
UAPI_generic32 = $(UAPI_riscv64)
FILTER_UNISTD_i386 := asm/unistd_32.h
FILTER_GENFLAGS_x86_64 := -U__i386__ -U__ILP32__
FILTER_GENFLAGS_aarch64 := -D__LP64__
FILTER_GENFLAGS_riscv64 := -D__LP64__
FILTER_GENFLAGS_generic32 := -U__LP64__ -U__SIZEOF_POINTER__ \
	-D__SIZEOF_POINTER__=4

# XXX: the tables are remade when the script, this file, the list or a
# header they read changes, not when UAPI_* or HOSTCC alone change: make
# tracks files, not variables. Use a fresh O= for other headers.
FILTER_GEN := $(O)/gen/filter
FILTER_GEN_DEPS := filter/gen-tables.sh filter/front.mk

FILTER_TABLES_C := $(foreach a,$(FILTER_ARCHES), \
	$(FILTER_GEN)/syscalls_$(a).c $(FILTER_GEN)/consts_$(a).c) \
	$(FILTER_GEN)/linux_syscalls.c

FILTER_FRONT_HOST_OBJS := $(O)/host/filter/arch.o $(O)/host/filter/lex.o \
	$(O)/host/filter/rule.o $(O)/host/filter/cond.o \
	$(O)/host/filter/policy.o \
	$(O)/host/filter/diag.o \
	$(patsubst $(O)/%.c,$(O)/host/%.o,$(FILTER_TABLES_C))

FILTER_TABLES_H := $(foreach a,$(FILTER_ARCHES), \
	$(FILTER_GEN)/syscalls_$(a).h $(FILTER_GEN)/consts_$(a).h)

GENERATED += $(FILTER_TABLES_C) $(FILTER_TABLES_H)

# One rule per table, writing the C file and its length header together.
# NOTE: explicit rules, not patterns: a pattern would let make chain a
# table rule into remaking the objects' .d files.
define filter_syscall_rule
$(FILTER_GEN)/syscalls_$(1).c $(FILTER_GEN)/syscalls_$(1).h &: \
		$(FILTER_GEN_DEPS)
	$$(call msg,GEN,$(FILTER_GEN)/syscalls_$(1).c)
	@mkdir -p $(FILTER_GEN)
	$$(Q)HOSTCC='$$(HOSTCC)' $$(SHELL) filter/gen-tables.sh syscalls $(1) \
		$$(or $$(FILTER_UNISTD_$(1)),asm/unistd.h) \
		$(FILTER_GEN)/syscalls_$(1).c \
		$$(FILTER_GENFLAGS_$(1)) $$(addprefix -I,$$(UAPI_$(1)))
endef

define filter_const_rule
$(FILTER_GEN)/consts_$(1).c $(FILTER_GEN)/consts_$(1).h &: \
		filter/constants.list $(FILTER_GEN_DEPS)
	$$(call msg,GEN,$(FILTER_GEN)/consts_$(1).c)
	@mkdir -p $(FILTER_GEN)
	$$(Q)HOSTCC='$$(HOSTCC)' $$(SHELL) filter/gen-tables.sh consts $(1) \
		filter/constants.list $(FILTER_GEN)/consts_$(1).c \
		$$(FILTER_GENFLAGS_$(1)) $$(addprefix -I,$$(UAPI_$(1)))
endef

$(foreach a,$(FILTER_ARCHES) i386 generic32, \
	$(eval $(call filter_syscall_rule,$(a))))
$(foreach a,$(FILTER_ARCHES),$(eval $(call filter_const_rule,$(a))))

$(FILTER_GEN)/linux_syscalls.c: $(foreach a,$(FILTER_ARCHES) i386 generic32, \
		$(FILTER_GEN)/syscalls_$(a).c)
	$(call msg,GEN,$@)
	$(Q)$(SHELL) filter/gen-tables.sh names $@ $^

# arch.c includes the generated length headers.
$(FILTER_FRONT_HOST_OBJS): | $(FILTER_TABLES_C) $(FILTER_TABLES_H)

# A small host tool that prints the tables, for tests and for people.
FILTER_TABLES_TOOL := $(O)/filter-tables

$(FILTER_TABLES_TOOL): $(O)/host/filter/tables-tool.o $(O)/host/vmm/log.o \
		$(FILTER_FRONT_HOST_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(ALL_HOST_LDFLAGS) -o $@ $^

filter-front: $(FILTER_FRONT_HOST_OBJS) $(FILTER_TABLES_TOOL)

.PHONY: filter-front
