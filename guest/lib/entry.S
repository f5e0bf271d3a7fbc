/* SPDX-License-Identifier: MIT */
/*
 * Entry of husk's test guests. husk enters at load address + 0x200 in 64-bit
 * mode with RSI pointing at the zero page; this code clears .bss, switches
 * to the guest's own GDT and stack and calls guest_start(RSI).
 */

#define GDT_CODE64 0x10
#define GDT_DATA 0x18

	/* Offset 0: the 32-bit entry of the boot protocol, not supported. */
	.section .head.stub, "ax"
	.code32
	.globl guest_entry32
guest_entry32:
	cli
1:	hlt
	jmp 1b

	/* Offset 0x200: the 64-bit entry. */
	.section .head.entry64, "ax"
	.code64
	.globl guest_entry64
guest_entry64:
	cli
	cld
	movq %rsi, %r12

	/* The stack lives in .bss, so clear it before the first push. */
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb

	movq $guest_boot_stack_top, %rsp
	lgdt guest_gdt_desc(%rip)
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	pushq $GDT_CODE64
	leaq 2f(%rip), %rax
	pushq %rax
	lretq
2:
	movq %r12, %rdi
	call guest_start
3:	cli
	hlt
	jmp 3b

	.section .rodata
	.balign 16
	.globl guest_gdt
guest_gdt:
	.quad 0				/* null */
	.quad 0				/* unused */
	.quad 0x00af9a000000ffff	/* 0x10: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x18: data */
guest_gdt_end:

	.balign 16
	.globl guest_gdt_desc
guest_gdt_desc:
	.word guest_gdt_end - guest_gdt - 1
	.quad guest_gdt

	.section .bss
	.balign 16
guest_boot_stack:
	.skip 16384
	.globl guest_boot_stack_top
guest_boot_stack_top:

	.section .note.GNU-stack, "", @progbits
