/* SPDX-License-Identifier: MIT */
/*
 * The guests' interrupt descriptor table: one stub per vector calls a C
 * handler registered here. An exception with no handler is reported as a
 * failed check and the guest powers off.
 */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

/* Bytes per interrupt stub in isr.S. */
#define ISR_STUB_SIZE 16

#ifndef __ASSEMBLER__
#include <stdint.h>

/* What the stubs in isr.S push, lowest address first. */
struct irq_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_t)(struct irq_frame *frame);

void idt_init(void);
/* Loads the shared IDT on the calling CPU (the APs call it too). */
void idt_load(void);
void idt_set_handler(uint8_t vector, irq_handler_t handler);
#endif

#endif
