// SPDX-License-Identifier: MIT
/*
 * A classic-BPF interpreter for seccomp programs that counts what it
 * executes. The benchmark runs husk's and libseccomp's programs through
 * this one interpreter, so neither is measured by its own tool.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tools/bench/bench.h"

struct vm {
	uint32_t a, x;
	uint32_t mem[BPF_MEMWORDS];
	const struct seccomp_data *sd;
	bool const_path;
};

static int load_word(struct vm *vm, uint32_t k, uint32_t *val)
{
	if (k >= sizeof(*vm->sd) || k % 4)
		return -EINVAL;
	if (k != offsetof(struct seccomp_data, nr) &&
	    k != offsetof(struct seccomp_data, arch))
		vm->const_path = false;
	memcpy(val, (const char *)vm->sd + k, sizeof(*val));
	return 0;
}

static int alu(struct vm *vm, uint16_t code, uint32_t k)
{
	uint32_t src = BPF_SRC(code) == BPF_X ? vm->x : k;

	if (code != (BPF_ALU | BPF_AND | BPF_K))
		vm->const_path = false;
	switch (BPF_OP(code)) {
	case BPF_ADD:
		vm->a += src;
		return 0;
	case BPF_SUB:
		vm->a -= src;
		return 0;
	case BPF_MUL:
		vm->a *= src;
		return 0;
	case BPF_DIV:
		vm->a = src ? vm->a / src : 0;
		return 0;
	case BPF_AND:
		vm->a &= src;
		return 0;
	case BPF_OR:
		vm->a |= src;
		return 0;
	case BPF_XOR:
		vm->a ^= src;
		return 0;
	case BPF_LSH:
		vm->a = src < 32 ? vm->a << src : 0;
		return 0;
	case BPF_RSH:
		vm->a = src < 32 ? vm->a >> src : 0;
		return 0;
	case BPF_NEG:
		vm->a = -vm->a;
		return 0;
	}
	return -EINVAL;
}

/* Returns the offset to add to pc + 1, or -1 for an unknown jump. */
static long jump(struct vm *vm, const struct sock_filter *insn)
{
	uint32_t src = BPF_SRC(insn->code) == BPF_X ? vm->x : insn->k;
	bool taken;

	if (BPF_SRC(insn->code) == BPF_X)
		vm->const_path = false;
	switch (BPF_OP(insn->code)) {
	case BPF_JA:
		return insn->k;
	case BPF_JEQ:
		taken = vm->a == src;
		break;
	case BPF_JGT:
		taken = vm->a > src;
		break;
	case BPF_JGE:
		taken = vm->a >= src;
		break;
	case BPF_JSET:
		taken = vm->a & src;
		break;
	default:
		return -1;
	}
	return taken ? insn->jt : insn->jf;
}

/* Executes one non-jump, non-return instruction. */
static int step(struct vm *vm, const struct sock_filter *insn)
{
	switch (insn->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		return load_word(vm, insn->k, &vm->a);
	case BPF_LD | BPF_W | BPF_LEN:
		vm->a = sizeof(*vm->sd);
		break;
	case BPF_LDX | BPF_W | BPF_LEN:
		vm->x = sizeof(*vm->sd);
		break;
	case BPF_LD | BPF_IMM:
		vm->a = insn->k;
		break;
	case BPF_LDX | BPF_IMM:
		vm->x = insn->k;
		break;
	case BPF_MISC | BPF_TAX:
		vm->x = vm->a;
		break;
	case BPF_MISC | BPF_TXA:
		vm->a = vm->x;
		break;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		if (insn->k >= BPF_MEMWORDS)
			return -EINVAL;
		if (insn->code == (BPF_LD | BPF_MEM))
			vm->a = vm->mem[insn->k];
		else if (insn->code == (BPF_LDX | BPF_MEM))
			vm->x = vm->mem[insn->k];
		else
			vm->mem[insn->k] = insn->code == BPF_ST ? vm->a : vm->x;
		break;
	default:
		if (BPF_CLASS(insn->code) == BPF_ALU)
			return alu(vm, insn->code, insn->k);
		return -EINVAL;
	}
	vm->const_path = false;
	return 0;
}

int bench_bpf_run(const struct sock_filter *prog, size_t len,
		  const struct seccomp_data *sd, struct bench_run *out)
{
	struct vm vm = { .sd = sd, .const_path = true };
	const struct sock_filter *insn;
	size_t pc = 0;
	long off;
	int err;

	out->executed = 0;
	while (pc < len) {
		insn = &prog[pc];
		out->executed++;
		if (BPF_CLASS(insn->code) == BPF_RET) {
			out->ret = BPF_RVAL(insn->code) == BPF_A ? vm.a :
								   insn->k;
			if (BPF_RVAL(insn->code) == BPF_A)
				vm.const_path = false;
			out->const_path = vm.const_path;
			return 0;
		}
		if (BPF_CLASS(insn->code) == BPF_JMP) {
			off = jump(&vm, insn);
			if (off < 0)
				return -EINVAL;
			pc += 1 + off;
			continue;
		}
		err = step(&vm, insn);
		if (err)
			return err;
		pc++;
	}
	return -EINVAL;
}

bool bench_bpf_cached(const struct sock_filter *prog, size_t len,
		      uint32_t audit_arch, int nr)
{
	struct seccomp_data sd = { .nr = nr, .arch = audit_arch };
	struct bench_run run;

	if (bench_bpf_run(prog, len, &sd, &run))
		return false;
	return run.const_path && run.ret == SECCOMP_RET_ALLOW;
}
