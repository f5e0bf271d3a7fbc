// SPDX-License-Identifier: MIT
// Builds the IDT from the stubs in isr.S and dispatches to the handlers the
// guests register. Unexpected exceptions end the guest with a report.

#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/idt.h"
#include "guest/lib/io.h"

#define GDT_CODE64 0x10
#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define FIRST_IRQ_VECTOR 32

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct idt_desc {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const char guest_isr_stubs[];
void isr_dispatch(struct irq_frame *frame);

static struct idt_entry idt[256] __attribute__((aligned(16)));
static irq_handler_t handlers[256];

void idt_load(void)
{
	struct idt_desc desc = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(desc));
}

void idt_init(void)
{
	unsigned int v;
	uint64_t a;

	for (v = 0; v < 256; v++) {
		a = (uint64_t)guest_isr_stubs + v * ISR_STUB_SIZE;
		idt[v] = (struct idt_entry){
			.offset_lo = (uint16_t)a,
			.selector = GDT_CODE64,
			.type = IDT_INTERRUPT_GATE,
			.offset_mid = (uint16_t)(a >> 16),
			.offset_hi = (uint32_t)(a >> 32),
		};
	}
	idt_load();
}

void idt_set_handler(uint8_t vector, irq_handler_t handler)
{
	handlers[vector] = handler;
}

void isr_dispatch(struct irq_frame *frame)
{
	irq_handler_t h = handlers[frame->vector & 0xff];

	if (h) {
		h(frame);
		return;
	}
	if (frame->vector >= FIRST_IRQ_VECTOR) {
		printf("# unexpected interrupt, vector %lu\n",
		       (unsigned long)frame->vector);
		/* A spurious interrupt sets no in-service bit to clear. */
		if (frame->vector != LAPIC_SPURIOUS_VECTOR)
			lapic_eoi();
		return;
	}
	tap_fail("unexpected exception %lu (error %#lx) at rip %#lx",
		 (unsigned long)frame->vector, (unsigned long)frame->error,
		 (unsigned long)frame->rip);
	tap_finish();
	power_off();
}
