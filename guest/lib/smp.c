// SPDX-License-Identifier: MIT
// AP start-up for the guests: copies the real-mode trampoline below 1 MiB,
// hands each AP a stack and runs ap_entry() on it.

#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/idt.h"
#include "guest/lib/io.h"
#include "guest/lib/smp.h"

#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200

extern const char ap_trampoline_start[], ap_trampoline_end[];
extern const char ap_tr_cr3[], ap_tr_stack[], ap_tr_entry[];

struct ap_state ap_states[SMP_MAX_CPUS];
/* In .noinit (noinit.S), so only the stacks of started APs are touched. */
extern uint8_t guest_ap_stacks[SMP_MAX_CPUS][SMP_AP_STACK_SIZE];

static volatile uint64_t *tr_slot(const char *sym)
{
	return (volatile uint64_t *)(TRAMPOLINE_BASE +
				     (uint64_t)(sym - ap_trampoline_start));
}

static void ipi_handler(struct irq_frame *frame)
{
	uint8_t id = lapic_id();

	if (id < SMP_MAX_CPUS)
		ap_states[id].ipis++;
	lapic_eoi();
}

static void ap_entry(void)
{
	uint32_t a, b, c, d;
	uint8_t id;

	idt_load();
	lapic_enable();
	id = lapic_id();
	cpuid(1, &a, &b, &c, &d);
	if (id < SMP_MAX_CPUS) {
		ap_states[id].cpuid_apic_id = b >> 24;
		barrier();
		ap_states[id].alive = 1;
	}
	for (;;)
		irq_wait();
}

void smp_init(void)
{
	memcpy((void *)TRAMPOLINE_BASE, ap_trampoline_start,
	       (size_t)(ap_trampoline_end - ap_trampoline_start));
	*tr_slot(ap_tr_cr3) = paging_cr3();
	*tr_slot(ap_tr_entry) = (uint64_t)ap_entry;
	idt_set_handler(SMP_IPI_VECTOR, ipi_handler);
}

static int wait_alive(uint8_t apic_id, unsigned int timeout_ms)
{
	uint64_t end = deadline_ms(timeout_ms);

	while (!ap_states[apic_id].alive)
		if (deadline_passed(end))
			return -1;
	return 0;
}

int smp_start_ap(uint8_t apic_id, unsigned int timeout_ms)
{
	uint32_t sipi = ICR_STARTUP | (TRAMPOLINE_BASE >> 12);

	if (apic_id >= SMP_MAX_CPUS)
		return -1;
	*tr_slot(ap_tr_stack) = (uint64_t)guest_ap_stacks[apic_id + 1];
	barrier();

	if (lapic_send_ipi(apic_id, ICR_INIT | ICR_LEVEL_ASSERT) < 0)
		return -1;
	delay_us(INIT_DELAY_US);
	if (lapic_send_ipi(apic_id, sipi) < 0)
		return -1;
	delay_us(SIPI_DELAY_US);
	if (!ap_states[apic_id].alive && lapic_send_ipi(apic_id, sipi) < 0)
		return -1;
	return wait_alive(apic_id, timeout_ms);
}
