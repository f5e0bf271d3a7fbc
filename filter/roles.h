/* SPDX-License-Identifier: MIT */
/*
 * husk's thread roles: the seccomp programs compiled at build time from
 * filter/<role>.policy, ready for filter_install(), and the syscall name
 * table of the architecture husk was built for.
 */
#ifndef HUSK_FILTER_ROLES_H
#define HUSK_FILTER_ROLES_H

#include <stddef.h>

#include "filter/runtime.h"

/* The main thread: event loop, console input, shutdown (vmm.policy). */
extern const struct filter_role filter_role_vmm;
/* Each vCPU thread, from its first KVM_RUN on (vcpu.policy). */
extern const struct filter_role filter_role_vcpu;
/* The thread that answers log mode's notifications (supervisor.policy). */
extern const struct filter_role filter_role_supervisor;

/* Syscall names by number, for filter_runtime_init(). */
const char *const *filter_roles_syscall_names(size_t *count);

#endif
