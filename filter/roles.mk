# SPDX-License-Identifier: MIT
#
# husk's thread roles: each filter/<role>.policy is compiled by husk-filter
# at build time into $(O)/gen/filter/role_<role>.c, a struct sock_filter
# array that filter/roles.c binds to its role and husk installs without
# reading or parsing anything at run time. Also builds the test variants
# of husk: tests/husk-hooks (with the violation hook of vmm/vcpu.c) and
# tests/husk-reduced (vcpu.policy without its 'exit' line).

# The architecture husk is built for, from the target compiler's triplet.
HUSK_ARCH := $(firstword $(subst -, ,$(shell $(CC) -dumpmachine 2>/dev/null)))

FILTER_ROLES := vmm vcpu supervisor
ROLE_GEN := $(O)/gen/filter
ROLE_DEPS := filter/groups.policy filter/fatal.policy $(HUSK_FILTER) \
	filter/roles.mk
ROLE_OBJS := $(patsubst %,$(O)/filter/role_%.o,$(FILTER_ROLES)) \
	$(O)/filter/role_names.o
ROLE_SRCS := $(patsubst %,$(ROLE_GEN)/role_%.c,$(FILTER_ROLES)) \
	$(ROLE_GEN)/role_names.c

GENERATED += $(ROLE_SRCS)
HUSK_EXTRA_OBJS += $(O)/filter/roles.o $(O)/filter/runtime.o $(ROLE_OBJS)

# musl-gcc ships no kernel headers: let it find the build host's UAPI
# headers (linux/, asm/), after its own, for every target object.
ifneq ($(findstring musl,$(notdir $(CC))),)
ALL_CFLAGS += -idirafter /usr/include \
	-idirafter /usr/include/$(HUSK_ARCH)-linux-gnu
endif

# Sanitizer builds compile each role with filter/sanitizer.policy added.
ifneq ($(strip $(SAN_FLAGS)),)
ROLE_DEPS += filter/sanitizer.policy
role_policy = $(ROLE_GEN)/san/$(1).policy

$(ROLE_GEN)/san/%.policy: filter/%.policy filter/roles.mk
	@mkdir -p $(@D)
	$(Q)printf 'include "%s"\ninclude "%s"\n' $(CURDIR)/$< \
		$(CURDIR)/filter/sanitizer.policy >$@
else
role_policy = filter/$(1).policy
endif

$(ROLE_GEN)/role_%.c: $(call role_policy,%) $(ROLE_DEPS)
	$(call msg,FILTER,$@)
	@mkdir -p $(@D)
	$(Q)$(HUSK_FILTER) compile --arch $(HUSK_ARCH) --format c --name $* \
		--no-names -o $@ $<

$(ROLE_GEN)/role_names.c: $(HUSK_FILTER) filter/roles.mk
	$(call msg,FILTER,$@)
	@mkdir -p $(@D)
	$(Q)$(HUSK_FILTER) names --arch $(HUSK_ARCH) -o $@

$(O)/filter/role_%.o: $(ROLE_GEN)/role_%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Test variants, never installed: the same objects with one swapped.
HUSK_HOOKS := $(O)/tests/husk-hooks
HUSK_REDUCED := $(O)/tests/husk-reduced
CHECK_DEPS += $(HUSK_HOOKS) $(HUSK_REDUCED)

$(O)/tests/hooks/vmm/vcpu.o: vmm/vcpu.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -DHUSK_TEST_HOOKS -c -o $@ $<

# The reduced copy reads the shared files from the source tree.
$(O)/tests/reduced/vcpu.policy: $(call role_policy,vcpu) filter/roles.mk
	@mkdir -p $(@D)
	$(Q)sed -e '/^exit[[:space:]]/d' \
		-e 's|^include "\([^/]\)|include "$(CURDIR)/filter/\1|' \
		filter/vcpu.policy >$@
ifneq ($(strip $(SAN_FLAGS)),)
	$(Q)printf 'include "%s"\n' $(CURDIR)/filter/sanitizer.policy >>$@
endif

$(O)/tests/reduced/role_vcpu.c: $(O)/tests/reduced/vcpu.policy $(ROLE_DEPS)
	$(call msg,FILTER,$@)
	$(Q)$(HUSK_FILTER) compile --arch $(HUSK_ARCH) --format c --name vcpu \
		--no-names -o $@ $<

$(O)/tests/reduced/role_vcpu.o: $(O)/tests/reduced/role_vcpu.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# vmm/module.mk is read after this file, so the monitor's objects are
# listed here the way it lists them.
ROLE_VMM_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard vmm/*.c))

$(HUSK_HOOKS): $(filter-out $(O)/vmm/vcpu.o,$(ROLE_VMM_OBJS)) \
		$(O)/tests/hooks/vmm/vcpu.o $(HUSK_EXTRA_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -pthread -o $@ $^

$(HUSK_REDUCED): $(ROLE_VMM_OBJS) $(O)/tests/reduced/role_vcpu.o \
		$(filter-out $(O)/filter/role_vcpu.o,$(HUSK_EXTRA_OBJS))
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -pthread -o $@ $^

# Kept after the build: tests and people read the generated programs.
.SECONDARY: $(ROLE_SRCS) $(O)/tests/reduced/role_vcpu.c \
	$(foreach r,$(FILTER_ROLES),$(call role_policy,$(r)))

INTEGRATION_TESTS += tests/integration/seccomp.sh tests/integration/learn.sh

# The same filters under static glibc and static musl builds of husk.
check-libcs: $(PROGS) $(HOST_PROGS) $(CHECK_DEPS)
	$(Q)O=$(O) MAKE='$(MAKE)' tests/run tests/integration/libcs.sh

.PHONY: check-libcs
