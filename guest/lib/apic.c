// SPDX-License-Identifier: MIT
// The guests' LAPIC and IOAPIC access: xAPIC registers by MMIO at the
// standard addresses, IOAPIC registers through its select/window pair.

#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/io.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ULL << 11)
#define IOAPIC_SELECT 0x00
#define IOAPIC_WINDOW 0x10
#define IPI_WAIT_MS 100
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}

void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}

uint8_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TPR, 0);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

int lapic_send_ipi(uint8_t apic_id, uint32_t icr_lo)
{
	uint64_t end;

	lapic_write(LAPIC_ICR_HI, (uint32_t)apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	end = deadline_ms(IPI_WAIT_MS);
	while (lapic_read(LAPIC_ICR_LO) & ICR_BUSY)
		if (deadline_passed(end))
			return -1;
	return 0;
}

uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_SELECT, reg);
	return mmio_read32(IOAPIC_BASE + IOAPIC_WINDOW);
}

void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_SELECT, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_WINDOW, v);
}

unsigned int ioapic_max_redir(void)
{
	return (ioapic_read(IOAPIC_REG_VER) >> 16) & 0xff;
}

void ioapic_route(unsigned int gsi, uint8_t vector, uint8_t apic_id,
		  uint32_t flags)
{
	ioapic_write(IOAPIC_REG_REDIR + 2 * gsi + 1, (uint32_t)apic_id << 24);
	ioapic_write(IOAPIC_REG_REDIR + 2 * gsi, vector | flags);
}

void ioapic_mask(unsigned int gsi)
{
	ioapic_write(IOAPIC_REG_REDIR + 2 * gsi, IOAPIC_MASKED);
}

uint32_t ioapic_flags_from_inti(uint16_t inti)
{
	uint32_t flags = 0;

	/* Polarity bits 1:0 and trigger bits 3:2; 0 means "bus default". */
	if ((inti & 3) == 3)
		flags |= IOAPIC_ACTIVE_LOW;
	if (((inti >> 2) & 3) == 3)
		flags |= IOAPIC_LEVEL;
	return flags;
}

void pic_mask_all(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}
