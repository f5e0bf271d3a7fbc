/* SPDX-License-Identifier: MIT */
/*
 * A tiny classic-BPF assembler for husk's filter compiler: instructions
 * are appended with symbolic labels as jump targets, and one link step
 * lays them out, inserts trampolines for long conditional jumps and
 * resolves every label.
 */
#ifndef HUSK_FILTER_ASM_H
#define HUSK_FILTER_ASM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

struct asm_insn {
	uint16_t code;
	uint32_t k;
	int jt; /* label; for BPF_JA the only target */
	int jf; /* label; unused for BPF_JA and statements */
	uint8_t far_t; /* the true branch goes through a trampoline */
	uint8_t far_f; /* the false branch goes through a trampoline */
};

/* What the accumulator A is known to hold at a point of the program. */
enum asm_acc_kind {
	ASM_ACC_UNREACHABLE, /* no path gets here (yet) */
	ASM_ACC_UNKNOWN,
	ASM_ACC_WORD, /* the word at offset @off of seccomp_data, & @mask */
};

struct asm_acc {
	enum asm_acc_kind kind;
	uint32_t off;
	uint32_t mask;
};

struct asm_prog {
	struct asm_insn *insns;
	size_t len;
	size_t cap;
	size_t *labels; /* label -> index of the instruction it marks */
	size_t nlabels;
	size_t labels_cap;
	struct asm_acc *label_acc; /* label -> A on the jumps to it */
	size_t label_acc_cap;
	struct asm_acc acc; /* A at the end of the program so far */
	int err; /* sticky: the first allocation failure, as -ENOMEM */
};

void asm_init(struct asm_prog *a);
void asm_free(struct asm_prog *a);

/*
 * Returns a new label that marks nothing yet. On allocation failure it
 * returns 0 and sets a->err, so callers may check once at the end.
 */
int asm_label(struct asm_prog *a);

/* Makes @label mark the next instruction appended. */
void asm_place(struct asm_prog *a, int label);

/*
 * Appends an instruction that does not jump. Afterwards A counts as
 * unknown (or unreachable after a return) until asm_acc_set() says more.
 */
void asm_stmt(struct asm_prog *a, uint16_t code, uint32_t k);

/*
 * Tracks the accumulator so that a word already in A is not loaded again.
 * Since every jump goes forward, all jumps to a label are known when it is
 * placed, and A there is what every path into it agrees on.
 */
void asm_acc_set(struct asm_prog *a, uint32_t off, uint32_t mask);
int asm_acc_holds(const struct asm_prog *a, uint32_t off, uint32_t mask);

/* Appends a conditional jump (BPF_JMP | op | BPF_K) to @jt or @jf. */
void asm_jump(struct asm_prog *a, uint16_t op, uint32_t k, int jt, int jf);

/* Appends an unconditional jump to @target. */
void asm_ja(struct asm_prog *a, int target);

/*
 * Lays the program out and resolves its labels into a new array of
 * *@len instructions. Returns 0, -ENOMEM, or -EINVAL when a label marks
 * nothing or a jump would go backwards (a compiler bug).
 */
int asm_link(struct asm_prog *a, struct sock_filter **out, size_t *len);

#endif
