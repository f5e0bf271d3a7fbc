// SPDX-License-Identifier: MIT
/*
 * A classic-BPF interpreter for the seccomp subset of instructions, with
 * the kernel's load-time checks, so husk's filters can be tested and
 * explained without installing them.
 */
#include <errno.h>
#include <string.h>

#include "filter/sim.h"

#define SD_SIZE ((uint32_t)sizeof(struct seccomp_data))

struct vm {
	uint32_t a;
	uint32_t x;
	uint32_t mem[BPF_MEMWORDS];
	uint32_t written; /* bit i: mem[i] has been stored to */
	const struct seccomp_data *sd;
};

enum step {
	STEP_NEXT,
	STEP_RET,
	STEP_BAD,
};

static int is_alu_op(uint16_t op)
{
	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_DIV:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
	case BPF_LSH:
	case BPF_RSH:
	case BPF_NEG:
		return 1;
	}
	return 0;
}

/* Whether @code is one of the instructions seccomp accepts. */
static int code_allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
		return 1;
	}
	if (BPF_CLASS(code) == BPF_ALU)
		return is_alu_op(BPF_OP(code)) && (code & 0xff00u) == 0 &&
		       (BPF_OP(code) != BPF_NEG || BPF_SRC(code) == BPF_K);
	if (BPF_CLASS(code) == BPF_JMP)
		return (BPF_OP(code) == BPF_JEQ || BPF_OP(code) == BPF_JGT ||
			BPF_OP(code) == BPF_JGE || BPF_OP(code) == BPF_JSET) &&
		       (code & 0xff00u) == 0;
	return 0;
}

static int uses_mem(uint16_t code)
{
	return code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) ||
	       code == BPF_ST || code == BPF_STX;
}

static int check_one(const struct sock_filter *in, size_t pc, size_t len)
{
	uint16_t code = in->code;

	if (!code_allowed(code))
		return -EINVAL;
	if (code == (BPF_LD | BPF_W | BPF_ABS))
		return in->k % 4 == 0 && in->k < SD_SIZE ? 0 : -EINVAL;
	if (uses_mem(code))
		return in->k < BPF_MEMWORDS ? 0 : -EINVAL;
	if (code == (BPF_ALU | BPF_DIV | BPF_K) && in->k == 0)
		return -EINVAL;
	if ((code == (BPF_ALU | BPF_LSH | BPF_K) ||
	     code == (BPF_ALU | BPF_RSH | BPF_K)) &&
	    in->k >= 32)
		return -EINVAL;
	if (code == (BPF_JMP | BPF_JA))
		return (uint64_t)pc + 1 + in->k < len ? 0 : -EINVAL;
	if (BPF_CLASS(code) == BPF_JMP)
		return pc + 1 + in->jt < len && pc + 1 + in->jf < len ? 0 :
									-EINVAL;
	return 0;
}

int filter_sim_check(const struct sock_filter *insns, size_t len, size_t *bad)
{
	size_t pc;

	*bad = 0;
	if (len == 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	for (pc = 0; pc < len; pc++) {
		if (check_one(&insns[pc], pc, len)) {
			*bad = pc;
			return -EINVAL;
		}
	}
	*bad = len - 1;
	if (BPF_CLASS(insns[len - 1].code) != BPF_RET)
		return -EINVAL;
	return 0;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD:
		return a + v;
	case BPF_SUB:
		return a - v;
	case BPF_MUL:
		return a * v;
	case BPF_DIV:
		return a / v;
	case BPF_AND:
		return a & v;
	case BPF_OR:
		return a | v;
	case BPF_XOR:
		return a ^ v;
	case BPF_LSH:
		return a << (v & 31);
	case BPF_RSH:
		return a >> (v & 31);
	case BPF_NEG:
		return -a;
	}
	return 0;
}

static int jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ:
		return a == v;
	case BPF_JGT:
		return a > v;
	case BPF_JGE:
		return a >= v;
	case BPF_JSET:
		return (a & v) != 0;
	}
	return 0;
}

static enum step exec_jmp(struct vm *vm, const struct sock_filter *in,
			  size_t *pc)
{
	uint32_t v = BPF_SRC(in->code) == BPF_X ? vm->x : in->k;

	if (BPF_OP(in->code) == BPF_JA)
		*pc += 1 + (uint64_t)in->k;
	else if (jump_taken(BPF_OP(in->code), vm->a, v))
		*pc += 1 + (size_t)in->jt;
	else
		*pc += 1 + (size_t)in->jf;
	return STEP_NEXT;
}

static enum step exec_alu(struct vm *vm, const struct sock_filter *in,
			  uint32_t *action)
{
	uint32_t v = BPF_SRC(in->code) == BPF_X ? vm->x : in->k;

	/* Classic BPF ends the program with 0 on a division by zero. */
	if (BPF_OP(in->code) == BPF_DIV && v == 0) {
		*action = 0;
		return STEP_RET;
	}
	vm->a = alu(BPF_OP(in->code), vm->a, v);
	return STEP_NEXT;
}

static enum step load_mem(struct vm *vm, uint32_t k, uint32_t *reg)
{
	if (!(vm->written & (1u << k)))
		return STEP_BAD;
	*reg = vm->mem[k];
	return STEP_NEXT;
}

static enum step exec_ld(struct vm *vm, const struct sock_filter *in)
{
	uint32_t word;

	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		memcpy(&word, (const char *)vm->sd + in->k, sizeof(word));
		vm->a = word;
		return STEP_NEXT;
	case BPF_LD | BPF_W | BPF_LEN:
		vm->a = SD_SIZE;
		return STEP_NEXT;
	case BPF_LDX | BPF_W | BPF_LEN:
		vm->x = SD_SIZE;
		return STEP_NEXT;
	case BPF_LD | BPF_IMM:
		vm->a = in->k;
		return STEP_NEXT;
	case BPF_LDX | BPF_IMM:
		vm->x = in->k;
		return STEP_NEXT;
	case BPF_LD | BPF_MEM:
		return load_mem(vm, in->k, &vm->a);
	case BPF_LDX | BPF_MEM:
		return load_mem(vm, in->k, &vm->x);
	}
	return STEP_BAD;
}

static enum step exec(struct vm *vm, const struct sock_filter *in, size_t *pc,
		      uint32_t *action)
{
	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
	case BPF_LDX:
		return exec_ld(vm, in);
	case BPF_ST:
	case BPF_STX:
		vm->mem[in->k] = in->code == BPF_ST ? vm->a : vm->x;
		vm->written |= 1u << in->k;
		return STEP_NEXT;
	case BPF_ALU:
		return exec_alu(vm, in, action);
	case BPF_JMP:
		return exec_jmp(vm, in, pc);
	case BPF_RET:
		*action = BPF_RVAL(in->code) == BPF_A ? vm->a : in->k;
		return STEP_RET;
	case BPF_MISC:
		if (in->code == (BPF_MISC | BPF_TAX))
			vm->x = vm->a;
		else
			vm->a = vm->x;
		return STEP_NEXT;
	}
	return STEP_BAD;
}

int filter_sim_run(const struct sock_filter *insns, size_t len,
		   const struct seccomp_data *sd, uint32_t *action,
		   size_t *steps)
{
	struct vm vm = { .sd = sd };
	size_t pc = 0, n = 0, at;
	enum step s;

	while (pc < len) {
		at = pc;
		if (check_one(&insns[pc], pc, len)) {
			*steps = at;
			return -EINVAL;
		}
		n++;
		s = exec(&vm, &insns[pc], &pc, action);
		if (s == STEP_RET) {
			*steps = n;
			return 0;
		}
		if (s == STEP_BAD) {
			*steps = at;
			return -EINVAL;
		}
		if (BPF_CLASS(insns[at].code) != BPF_JMP)
			pc++;
	}
	*steps = len;
	return -EINVAL;
}
