/* SPDX-License-Identifier: MIT */
/*
 * The application processors' start-up code. The BSP copies it to
 * TRAMPOLINE_BASE (below 1 MiB) and fills in CR3, stack and entry; an AP
 * woken by INIT/SIPI starts here in real mode, goes straight to long mode
 * with the guest's GDT and page tables, and jumps to the C entry.
 */

#include "guest/lib/smp.h"

#define AT(sym) (TRAMPOLINE_BASE + (sym) - ap_trampoline_start)
#define CR0_PE 0x00000001
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define GDT_CODE64 0x10
#define GDT_DATA 0x18

	/* Copied, never run in place: keep it out of .text. */
	.section .rodata
	.balign 16
	.globl ap_trampoline_start
ap_trampoline_start:
	.code16
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl AT(ap_tr_gdt_desc)

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl AT(ap_tr_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PE | CR0_PG), %eax
	movl %eax, %cr0
	ljmpl $GDT_CODE64, $AT(ap_tr_long)

	.code64
ap_tr_long:
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq AT(ap_tr_stack), %rsp
	movq AT(ap_tr_entry), %rax
	call *%rax
1:	cli
	hlt
	jmp 1b

	.balign 8
ap_tr_gdt_desc:
	.word 31
	.long guest_gdt
	.balign 8
	.globl ap_tr_cr3
ap_tr_cr3:
	.quad 0
	.globl ap_tr_stack
ap_tr_stack:
	.quad 0
	.globl ap_tr_entry
ap_tr_entry:
	.quad 0
	.globl ap_trampoline_end
ap_trampoline_end:

	.section .note.GNU-stack, "", @progbits
