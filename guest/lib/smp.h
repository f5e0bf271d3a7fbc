/* SPDX-License-Identifier: MIT */
/*
 * Bringing up application processors with INIT/SIPI. Each AP records
 * itself in ap_states[its APIC id], then waits for interrupts.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

/*
 * Page the AP trampoline is copied to: SIPI vector TRAMPOLINE_BASE >> 12.
 * XXX: fixed rather than picked from e820; the smp guest checks that it
 * is RAM and starts no AP otherwise.
 */
#define TRAMPOLINE_BASE 0x8000
/* XXX: xAPIC only, so APIC ids stay below 256; 64 keeps .noinit small. */
#define SMP_MAX_CPUS 64
#define SMP_AP_STACK_SIZE 8192

#ifndef __ASSEMBLER__
#include <stdint.h>

#define SMP_IPI_VECTOR 0x40

struct ap_state {
	volatile uint8_t alive;
	volatile uint8_t cpuid_apic_id; /* CPUID.1:EBX[31:24] */
	volatile uint32_t ipis;
};

extern struct ap_state ap_states[SMP_MAX_CPUS];

/* Copies the trampoline; call once before the first smp_start_ap(). */
void smp_init(void);
/* INIT, SIPI, SIPI; 0 once the AP has recorded itself, else -1. */
int smp_start_ap(uint8_t apic_id, unsigned int timeout_ms);
#endif

#endif
