# SPDX-License-Identifier: MIT
#
# husk-filter, the seccomp filter compiler: code generator, simulator,
# disassembler and output writers (the back end), linked with the policy
# parser and architecture tables of filter/front.mk.

FILTER_BACK_SRCS := filter/args.c filter/asm.c filter/cache.c \
	filter/compile.c filter/dump.c filter/emit.c filter/learn.c \
	filter/search.c filter/sim.c
FILTER_BACK_HOST_OBJS := $(patsubst %.c,$(O)/host/%.o,$(FILTER_BACK_SRCS))

# diag.o comes with the front end's objects; built here if they lack it.
FILTER_DIAG_HOST_OBJS := $(if $(filter %/filter/diag.o,\
	$(FILTER_FRONT_HOST_OBJS)),,$(O)/host/filter/diag.o)

HUSK_FILTER := $(O)/husk-filter

HOST_PROGS += $(HUSK_FILTER)

$(HUSK_FILTER): $(O)/host/filter/main.o $(FILTER_BACK_HOST_OBJS) \
		$(FILTER_FRONT_HOST_OBJS) $(FILTER_DIAG_HOST_OBJS) \
		$(O)/host/vmm/log.o
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(ALL_HOST_LDFLAGS) -o $@ $^
