// SPDX-License-Identifier: MIT
/*
 * The disassembler of husk-filter: one line per instruction, with jump
 * targets resolved, seccomp_data fields named and return values spelled
 * as seccomp actions.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>

#include "filter/emit.h"

struct action_name {
	uint32_t action;
	const char *name;
	int data; /* 1: always print the data, 0: only when non-zero */
};

static const struct action_name actions[] = {
	{ SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS", 0 },
	{ SECCOMP_RET_KILL_THREAD, "KILL_THREAD", 0 },
	{ SECCOMP_RET_TRAP, "TRAP", 0 },
	{ SECCOMP_RET_ERRNO, "ERRNO", 1 },
	{ SECCOMP_RET_USER_NOTIF, "USER_NOTIF", 0 },
	{ SECCOMP_RET_TRACE, "TRACE", 0 },
	{ SECCOMP_RET_LOG, "LOG", 0 },
	{ SECCOMP_RET_ALLOW, "ALLOW", 0 },
};

void filter_action_name(uint32_t action, char *buf, size_t size)
{
	uint32_t data = action & SECCOMP_RET_DATA;
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (actions[i].action != (action & SECCOMP_RET_ACTION_FULL))
			continue;
		if (data || actions[i].data)
			snprintf(buf, size, "%s(%u)", actions[i].name, data);
		else
			snprintf(buf, size, "%s", actions[i].name);
		return;
	}
	snprintf(buf, size, "0x%08x", action);
}

static void field_name(uint32_t k, char *buf, size_t size)
{
	const uint32_t args = offsetof(struct seccomp_data, args);

	if (k == offsetof(struct seccomp_data, nr))
		snprintf(buf, size, "nr");
	else if (k == offsetof(struct seccomp_data, arch))
		snprintf(buf, size, "arch");
	else if (k == offsetof(struct seccomp_data, instruction_pointer))
		snprintf(buf, size, "ip lo");
	else if (k == offsetof(struct seccomp_data, instruction_pointer) + 4)
		snprintf(buf, size, "ip hi");
	else if (k >= args && k < args + 48 && k % 4 == 0)
		snprintf(buf, size, "args[%u] %s", (k - args) / 8,
			 (k - args) % 8 ? "hi" : "lo");
	else
		snprintf(buf, size, "0x%x", k);
}

/* Small constants read best in decimal, masks and arch values in hex. */
static void imm(uint32_t k, char *buf, size_t size)
{
	snprintf(buf, size, k < 4096 ? "#%u" : "#0x%x", k);
}

/* By BPF_OP(code) >> 4: BPF_ADD is 0x00, BPF_SUB 0x10, ... BPF_XOR 0xa0. */
static const char *const alu_names[16] = { "add", "sub", "mul", "div",
					   "or",  "and", "lsh", "rsh",
					   "neg", "mod", "xor" };

static const char *const jmp_names[16] = {
	[BPF_JA >> 4] = "ja",	  [BPF_JEQ >> 4] = "jeq",
	[BPF_JGT >> 4] = "jgt",	  [BPF_JGE >> 4] = "jge",
	[BPF_JSET >> 4] = "jset",
};

static void dump_jmp(const struct sock_filter *in, size_t len, size_t i,
		     char *buf, size_t size)
{
	const char *name = jmp_names[BPF_OP(in->code) >> 4];
	char k[16];
	size_t t = i + 1 + in->jt, f = i + 1 + in->jf;

	if (BPF_OP(in->code) == BPF_JA) {
		snprintf(buf, size, "ja %llu%s",
			 (unsigned long long)i + 1 + in->k,
			 i + 1 + (unsigned long long)in->k < len ?
				 "" :
				 " (outside)");
		return;
	}
	if (BPF_SRC(in->code) == BPF_X)
		snprintf(k, sizeof(k), "x");
	else
		imm(in->k, k, sizeof(k));
	snprintf(buf, size, "%s %s, %zu, %zu%s", name ? name : "j?", k, t, f,
		 t < len && f < len ? "" : " (outside)");
}

static void dump_alu(const struct sock_filter *in, char *buf, size_t size)
{
	const char *name = alu_names[BPF_OP(in->code) >> 4];
	char k[16];

	if (!name) {
		snprintf(buf, size, ".insn 0x%04x, %u", in->code, in->k);
		return;
	}
	if (BPF_OP(in->code) == BPF_NEG) {
		snprintf(buf, size, "neg");
		return;
	}
	if (BPF_SRC(in->code) == BPF_X)
		snprintf(k, sizeof(k), "x");
	else
		snprintf(k, sizeof(k), "#0x%x", in->k);
	snprintf(buf, size, "%s %s", name, k);
}

static int dump_ld(const struct sock_filter *in, char *buf, size_t size)
{
	char f[32];

	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		field_name(in->k, f, sizeof(f));
		snprintf(buf, size, "ld [%s]", f);
		return 1;
	case BPF_LD | BPF_W | BPF_LEN:
		snprintf(buf, size, "ld #len");
		return 1;
	case BPF_LDX | BPF_W | BPF_LEN:
		snprintf(buf, size, "ldx #len");
		return 1;
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
		imm(in->k, f, sizeof(f));
		snprintf(buf, size, "%s %s",
			 BPF_CLASS(in->code) == BPF_LD ? "ld" : "ldx", f);
		return 1;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		snprintf(buf, size, "%s M[%u]",
			 BPF_CLASS(in->code) == BPF_LD ? "ld" : "ldx", in->k);
		return 1;
	case BPF_ST:
	case BPF_STX:
		snprintf(buf, size, "%s M[%u]",
			 in->code == BPF_ST ? "st" : "stx", in->k);
		return 1;
	}
	return 0;
}

static int dump_other(const struct sock_filter *in, char *buf, size_t size)
{
	char act[32];

	switch (in->code) {
	case BPF_RET | BPF_K:
		filter_action_name(in->k, act, sizeof(act));
		snprintf(buf, size, "ret %s", act);
		return 1;
	case BPF_RET | BPF_A:
		snprintf(buf, size, "ret a");
		return 1;
	case BPF_MISC | BPF_TAX:
		snprintf(buf, size, "tax");
		return 1;
	case BPF_MISC | BPF_TXA:
		snprintf(buf, size, "txa");
		return 1;
	}
	return 0;
}

void filter_dump_insn(const struct sock_filter *insns, size_t len, size_t i,
		      char *buf, size_t size)
{
	const struct sock_filter *in = &insns[i];

	if (BPF_CLASS(in->code) == BPF_JMP && (in->code & 0xff00) == 0)
		dump_jmp(in, len, i, buf, size);
	else if (BPF_CLASS(in->code) == BPF_ALU && (in->code & 0xff00) == 0)
		dump_alu(in, buf, size);
	else if (!dump_ld(in, buf, size) && !dump_other(in, buf, size))
		snprintf(buf, size, ".insn 0x%04x, %u, %u, 0x%x", in->code,
			 in->jt, in->jf, in->k);
}

int filter_dump(FILE *out, const struct sock_filter *insns, size_t len)
{
	char line[128];
	size_t i;

	for (i = 0; i < len; i++) {
		filter_dump_insn(insns, len, i, line, sizeof(line));
		fprintf(out, "%4zu: %s\n", i, line);
	}
	return ferror(out) ? -EIO : 0;
}
