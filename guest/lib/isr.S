/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception stubs: each pushes a zero error code where the CPU
 * pushes none, then its vector, saves the general registers and calls
 * isr_dispatch(frame). Stub v starts at guest_isr_stubs + v * ISR_STUB_SIZE.
 */

#include "guest/lib/idt.h"

	.text
	.code64

	/* 256 stubs of ISR_STUB_SIZE bytes each, vector order. */
	.balign ISR_STUB_SIZE
	.globl guest_isr_stubs
guest_isr_stubs:
	.set vec, 0
	.rept 256
	/* Fails to assemble ("moving .org backwards") if a stub outgrows. */
	.org guest_isr_stubs + vec * ISR_STUB_SIZE, 0x90
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || \
	    (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || \
	    (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	cld
	call isr_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits
