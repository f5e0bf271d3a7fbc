// SPDX-License-Identifier: MIT
/*
 * The classic-BPF assembler behind husk's filter compiler: symbolic jumps,
 * then one link step that adds trampolines where a conditional jump would
 * exceed 255 instructions and resolves every label.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/asm.h"

#define LABEL_UNPLACED SIZE_MAX
#define JUMP_MAX 255u

void asm_init(struct asm_prog *a)
{
	memset(a, 0, sizeof(*a));
	a->acc.kind = ASM_ACC_UNKNOWN;
}

void asm_free(struct asm_prog *a)
{
	free(a->insns);
	free(a->labels);
	free(a->label_acc);
	memset(a, 0, sizeof(*a));
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int same_acc(const struct asm_acc *x, const struct asm_acc *y)
{
	return x->kind == y->kind && (x->kind != ASM_ACC_WORD ||
				      (x->off == y->off && x->mask == y->mask));
}

/* What A holds where paths with @x and @y meet. */
static struct asm_acc merge_acc(struct asm_acc x, struct asm_acc y)
{
	if (x.kind == ASM_ACC_UNREACHABLE)
		return y;
	if (y.kind == ASM_ACC_UNREACHABLE || same_acc(&x, &y))
		return x;
	x.kind = ASM_ACC_UNKNOWN;
	return x;
}

int asm_label(struct asm_prog *a)
{
	if (a->err ||
	    grow((void **)&a->labels, &a->labels_cap, a->nlabels + 1,
		 sizeof(*a->labels)) ||
	    grow((void **)&a->label_acc, &a->label_acc_cap, a->nlabels + 1,
		 sizeof(*a->label_acc))) {
		a->err = -ENOMEM;
		return -1;
	}
	a->labels[a->nlabels] = LABEL_UNPLACED;
	a->label_acc[a->nlabels].kind = ASM_ACC_UNREACHABLE;
	return (int)a->nlabels++;
}

void asm_place(struct asm_prog *a, int label)
{
	if (label < 0 || (size_t)label >= a->nlabels)
		return;
	a->labels[label] = a->len;
	a->acc = merge_acc(a->acc, a->label_acc[label]);
}

static void jumps_to(struct asm_prog *a, int label)
{
	if (label >= 0 && (size_t)label < a->nlabels)
		a->label_acc[label] = merge_acc(a->label_acc[label], a->acc);
}

void asm_acc_set(struct asm_prog *a, uint32_t off, uint32_t mask)
{
	a->acc.kind = ASM_ACC_WORD;
	a->acc.off = off;
	a->acc.mask = mask;
}

int asm_acc_holds(const struct asm_prog *a, uint32_t off, uint32_t mask)
{
	struct asm_acc want = { ASM_ACC_WORD, off, mask };

	return same_acc(&a->acc, &want);
}

static void append(struct asm_prog *a, uint16_t code, uint32_t k, int jt,
		   int jf)
{
	struct asm_insn *in;

	if (a->err ||
	    grow((void **)&a->insns, &a->cap, a->len + 1, sizeof(*a->insns))) {
		a->err = -ENOMEM;
		return;
	}
	in = &a->insns[a->len++];
	memset(in, 0, sizeof(*in));
	in->code = code;
	in->k = k;
	in->jt = jt;
	in->jf = jf;
}

void asm_stmt(struct asm_prog *a, uint16_t code, uint32_t k)
{
	append(a, code, k, -1, -1);
	a->acc.kind = BPF_CLASS(code) == BPF_RET ? ASM_ACC_UNREACHABLE :
						   ASM_ACC_UNKNOWN;
}

/* Both branches go to labels: nothing falls through to what follows. */
void asm_jump(struct asm_prog *a, uint16_t op, uint32_t k, int jt, int jf)
{
	append(a, BPF_JMP | op | BPF_K, k, jt, jf);
	jumps_to(a, jt);
	jumps_to(a, jf);
	a->acc.kind = ASM_ACC_UNREACHABLE;
}

void asm_ja(struct asm_prog *a, int target)
{
	append(a, BPF_JMP | BPF_JA, 0, target, -1);
	jumps_to(a, target);
	a->acc.kind = ASM_ACC_UNREACHABLE;
}

static int is_cond_jump(const struct asm_insn *in)
{
	return BPF_CLASS(in->code) == BPF_JMP && BPF_OP(in->code) != BPF_JA;
}

static int is_ja(const struct asm_insn *in)
{
	return in->code == (BPF_JMP | BPF_JA);
}

/* Fills @addr[i] with instruction i's final address, trampolines counted. */
static size_t layout(const struct asm_prog *a, size_t *addr)
{
	size_t i, pc = 0;

	for (i = 0; i < a->len; i++) {
		addr[i] = pc;
		pc += 1u + a->insns[i].far_t + a->insns[i].far_f;
	}
	addr[a->len] = pc;
	return pc;
}

/*
 * The distance from the instruction after address @from to @label, or
 * -EINVAL if the label marks nothing or lies at or before @from.
 */
static int64_t distance(const struct asm_prog *a, const size_t *addr,
			size_t from, int label)
{
	size_t at;

	if (label < 0 || (size_t)label >= a->nlabels)
		return -EINVAL;
	at = a->labels[label];
	if (at >= a->len || addr[at] <= from)
		return -EINVAL;
	return (int64_t)(addr[at] - from - 1);
}

/* Marks long branches for trampolines; returns how many it marked. */
static int64_t relax_once(struct asm_prog *a, const size_t *addr)
{
	struct asm_insn *in;
	int64_t d, marked = 0;
	size_t i;

	for (i = 0; i < a->len; i++) {
		in = &a->insns[i];
		if (!is_cond_jump(in))
			continue;
		d = distance(a, addr, addr[i], in->jt);
		if (d < 0)
			return d;
		if (!in->far_t && d > JUMP_MAX) {
			in->far_t = 1;
			marked++;
		}
		d = distance(a, addr, addr[i], in->jf);
		if (d < 0)
			return d;
		if (!in->far_f && d > JUMP_MAX) {
			in->far_f = 1;
			marked++;
		}
	}
	return marked;
}

static struct sock_filter insn(uint16_t code, uint8_t jt, uint8_t jf,
			       uint32_t k)
{
	struct sock_filter f = { code, jt, jf, k };

	return f;
}

/*
 * A trampoline to @label, @d instructions after it: a copy of the return
 * found there, which saves the jump, or else a BPF_JA.
 */
static struct sock_filter trampoline(const struct asm_prog *a, int label,
				     int64_t d)
{
	const struct asm_insn *to = &a->insns[a->labels[label]];

	if (BPF_CLASS(to->code) == BPF_RET)
		return insn(to->code, 0, 0, to->k);
	return insn(BPF_JMP | BPF_JA, 0, 0, (uint32_t)d);
}

/* Writes instruction @in (and its trampolines) at out[addr[i]]. */
static void resolve(const struct asm_prog *a, const size_t *addr, size_t i,
		    struct sock_filter *out)
{
	const struct asm_insn *in = &a->insns[i];
	size_t at = addr[i];
	int64_t dt, df;
	uint8_t jt, jf;

	if (is_ja(in)) {
		dt = distance(a, addr, at, in->jt);
		out[at] = insn(in->code, 0, 0, (uint32_t)dt);
		return;
	}
	if (!is_cond_jump(in)) {
		out[at] = insn(in->code, 0, 0, in->k);
		return;
	}

	/* Trampolines sit right after the jump: the true one first. */
	dt = distance(a, addr, at, in->jt);
	df = distance(a, addr, at, in->jf);
	jt = in->far_t ? 0 : (uint8_t)dt;
	jf = in->far_f ? in->far_t : (uint8_t)df;
	out[at] = insn(in->code, jt, jf, in->k);
	if (in->far_t)
		out[at + 1] = trampoline(a, in->jt, dt - 1);
	if (in->far_f)
		out[at + 1 + in->far_t] =
			trampoline(a, in->jf, df - 1 - in->far_t);
}

static int check_ja(const struct asm_prog *a, const size_t *addr)
{
	int64_t d;
	size_t i;

	for (i = 0; i < a->len; i++) {
		if (!is_ja(&a->insns[i]))
			continue;
		d = distance(a, addr, addr[i], a->insns[i].jt);
		if (d < 0 || d > UINT32_MAX)
			return -EINVAL;
	}
	return 0;
}

int asm_link(struct asm_prog *a, struct sock_filter **out, size_t *len)
{
	struct sock_filter *prog;
	size_t *addr, total, i;
	int64_t marked;
	int err;

	if (a->err)
		return a->err;
	addr = calloc(a->len + 1, sizeof(*addr));
	if (!addr)
		return -ENOMEM;

	/* Each pass only lengthens jumps, so this reaches a fixed point. */
	do {
		layout(a, addr);
		marked = relax_once(a, addr);
	} while (marked > 0);
	err = marked < 0 ? (int)marked : check_ja(a, addr);
	if (err)
		goto free_addr;

	total = layout(a, addr);
	prog = calloc(total ? total : 1, sizeof(*prog));
	if (!prog) {
		err = -ENOMEM;
		goto free_addr;
	}
	for (i = 0; i < a->len; i++)
		resolve(a, addr, i, prog);
	*out = prog;
	*len = total;
free_addr:
	free(addr);
	return err;
}
