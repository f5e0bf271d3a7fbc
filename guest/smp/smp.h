/* SPDX-License-Identifier: MIT */
/*
 * The smp guest's timer interrupt checks.
 */
#ifndef GUEST_SMP_SMP_H
#define GUEST_SMP_SMP_H

#include "guest/lib/acpi.h"

/* Periodic LAPIC timer on the BSP. */
void check_lapic_timer(void);
/* PIT channel 0 at 100 Hz, IRQ 0 routed through the IOAPIC per @m. */
void check_pit(const struct madt_info *m);

#endif
