// SPDX-License-Identifier: MIT
/*
 * An emulation of the kernel's seccomp action cache test: with only the
 * architecture and syscall number known, does the filter surely return
 * SECCOMP_RET_ALLOW? Written from the rules the kernel applies, so husk
 * can prove its argument-free allowed syscalls cost no BPF at run time.
 */
#include <stddef.h>

#include "filter/sim.h"

/*
 * Follows the one path the known values select. Any load of another
 * seccomp_data field, any instruction outside the small set the kernel
 * understands, or a return of anything but ALLOW makes the verdict "not
 * cacheable", as does running off the end.
 */
int filter_cache_const_allow(const struct sock_filter *insns, size_t len,
			     uint32_t audit_arch, int nr)
{
	uint32_t a = 0;
	uint64_t pc;
	int taken;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &insns[pc];

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k == offsetof(struct seccomp_data, nr))
				a = (uint32_t)nr;
			else if (in->k == offsetof(struct seccomp_data, arch))
				a = audit_arch;
			else
				return 0;
			break;
		case BPF_RET | BPF_K:
			return in->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			taken = a == in->k;
			pc += taken ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			taken = a >= in->k;
			pc += taken ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			taken = a > in->k;
			pc += taken ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			taken = (a & in->k) != 0;
			pc += taken ? in->jt : in->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		default:
			return 0;
		}
	}
	return 0;
}
