// SPDX-License-Identifier: MIT
/*
 * Binds the programs that husk-filter generates from each role's policy
 * (filter/roles.mk) to the role descriptions the runtime installs.
 */
#include <linux/filter.h>

#include "filter/roles.h"

/* Generated: $(O)/gen/filter/role_<role>.c and role_names.c. */
extern const struct sock_filter husk_filter_vmm[];
extern const unsigned int husk_filter_vmm_len;
extern const struct sock_filter husk_filter_vcpu[];
extern const unsigned int husk_filter_vcpu_len;
extern const struct sock_filter husk_filter_supervisor[];
extern const unsigned int husk_filter_supervisor_len;
extern const char *const husk_filter_syscall_names[];
extern const unsigned int husk_filter_syscall_names_len;

const struct filter_role filter_role_vmm = {
	.name = "vmm",
	.policy = "filter/vmm.policy",
	.insns = husk_filter_vmm,
	.len = &husk_filter_vmm_len,
};

const struct filter_role filter_role_vcpu = {
	.name = "vcpu",
	.policy = "filter/vcpu.policy",
	.insns = husk_filter_vcpu,
	.len = &husk_filter_vcpu_len,
};

const struct filter_role filter_role_supervisor = {
	.name = "supervisor",
	.policy = "filter/supervisor.policy",
	.insns = husk_filter_supervisor,
	.len = &husk_filter_supervisor_len,
};

const char *const *filter_roles_syscall_names(size_t *count)
{
	*count = husk_filter_syscall_names_len;
	return husk_filter_syscall_names;
}
