# SPDX-License-Identifier: MIT
#
# The husk monitor: every vmm/*.c is one object of the husk program, with
# the objects other folders add to HUSK_EXTRA_OBJS (filter/roles.mk: the
# seccomp runtime and the generated role filters).

HUSK_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard vmm/*.c))

PROGS += $(O)/husk
MAN_PAGES += vmm/husk.1

$(O)/husk: $(HUSK_OBJS) $(HUSK_EXTRA_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -pthread -o $@ $^
