// SPDX-License-Identifier: MIT
// Timer interrupt checks of the smp guest: the LAPIC timer, and the PIT's
// IRQ 0 delivered through the IOAPIC pin the MADT names for it.

#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/idt.h"
#include "guest/lib/io.h"
#include "guest/smp/smp.h"

#define LAPIC_TIMER_VECTOR 0x30
#define PIT_VECTOR 0x31
#define WANT_TICKS 10
#define TICK_WAIT_MS 3000
#define PIT_HZ 1193182
#define PIT_RATE 100
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_RATE_GEN 0x34 /* channel 0, lobyte/hibyte, mode 2 */
#define PIT_CH0_ONESHOT 0x30 /* channel 0, lobyte/hibyte, mode 0 */
#define LAPIC_DIV_16 0x3

static volatile unsigned int lapic_ticks, pit_ticks;

static void lapic_timer_handler(struct irq_frame *frame)
{
	lapic_ticks++;
	lapic_eoi();
}

static void pit_handler(struct irq_frame *frame)
{
	pit_ticks++;
	lapic_eoi();
}

/* Halts until @count reaches WANT_TICKS; returns the milliseconds taken. */
static uint64_t wait_ticks(volatile unsigned int *count)
{
	uint64_t start = rdtsc(), end = deadline_ms(TICK_WAIT_MS);

	while (*count < WANT_TICKS && !deadline_passed(end))
		irq_wait();
	return tsc_khz() ? (rdtsc() - start) / tsc_khz() : 0;
}

void check_lapic_timer(void)
{
	uint64_t ms;

	idt_set_handler(LAPIC_TIMER_VECTOR, lapic_timer_handler);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INIT, 100000);
	ms = wait_ticks(&lapic_ticks);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
	printf("# LAPIC timer: %u ticks in %lu ms\n", lapic_ticks,
	       (unsigned long)ms);
	tap_check(lapic_ticks >= WANT_TICKS, "LAPIC timer interrupts",
		  "%u ticks in %u ms", lapic_ticks, TICK_WAIT_MS);
}

void check_pit(const struct madt_info *m)
{
	unsigned int gsi = m->irq_gsi[0];
	uint16_t latch = PIT_HZ / PIT_RATE;
	uint64_t ms;

	printf("# PIT: IRQ 0 is GSI %u, flags %#x\n", gsi, m->irq_flags[0]);
	if (!tap_check(gsi <= ioapic_max_redir(), "IOAPIC has a pin for IRQ 0",
		       "GSI %u, last pin %u", gsi, ioapic_max_redir()))
		return;
	idt_set_handler(PIT_VECTOR, pit_handler);
	ioapic_route(gsi, PIT_VECTOR, lapic_id(),
		     ioapic_flags_from_inti(m->irq_flags[0]));
	outb(PIT_CMD, PIT_CH0_RATE_GEN);
	outb(PIT_CH0, latch & 0xff);
	outb(PIT_CH0, latch >> 8);
	ms = wait_ticks(&pit_ticks);
	ioapic_mask(gsi);
	outb(PIT_CMD, PIT_CH0_ONESHOT);
	printf("# PIT: %u ticks in %lu ms\n", pit_ticks, (unsigned long)ms);
	tap_check(pit_ticks >= WANT_TICKS, "PIT IRQ 0 through the IOAPIC",
		  "%u ticks in %u ms", pit_ticks, TICK_WAIT_MS);
}
