/* SPDX-License-Identifier: MIT */
/*
 * Local APIC and IOAPIC access for the guests (xAPIC MMIO mode), and
 * masking of the legacy PIC so only the APICs deliver interrupts.
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdint.h>

#define LAPIC_BASE 0xfee00000ULL
#define IOAPIC_BASE 0xfec00000ULL

#define LAPIC_ID 0x20
#define LAPIC_VERSION 0x30
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define LAPIC_SVR_ENABLE 0x100
#define LAPIC_SPURIOUS_VECTOR 0xff
#define LAPIC_LVT_MASKED (1U << 16)
#define LAPIC_TIMER_PERIODIC (1U << 17)
#define ICR_FIXED 0x000
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_LEVEL_ASSERT (1U << 14)
#define ICR_BUSY (1U << 12)

#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_REDIR 0x10
#define IOAPIC_MASKED (1U << 16)
#define IOAPIC_LEVEL (1U << 15)
#define IOAPIC_ACTIVE_LOW (1U << 13)

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
uint8_t lapic_id(void);
/* Enables the calling CPU's LAPIC with LINT0/LINT1 masked. */
void lapic_enable(void);
void lapic_eoi(void);
/* Sends an IPI; returns 0, or -1 if it stayed pending. */
int lapic_send_ipi(uint8_t apic_id, uint32_t icr_lo);

uint32_t ioapic_read(uint32_t reg);
void ioapic_write(uint32_t reg, uint32_t v);
unsigned int ioapic_max_redir(void);
/* Routes @gsi to @vector on @apic_id; @flags are IOAPIC_LEVEL etc. */
void ioapic_route(unsigned int gsi, uint8_t vector, uint8_t apic_id,
		  uint32_t flags);
void ioapic_mask(unsigned int gsi);
/* IOAPIC flags for an ISA IRQ per the MADT override's MPS INTI flags. */
uint32_t ioapic_flags_from_inti(uint16_t inti);

void pic_mask_all(void);

#endif
