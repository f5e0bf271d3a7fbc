/* SPDX-License-Identifier: MIT */
/*
 * Initial model-specific registers and local APIC wiring of a vCPU.
 */
#ifndef HUSK_MSR_H
#define HUSK_MSR_H

/*
 * Sets the MSRs a freshly reset CPU would have after firmware: SYSENTER
 * and SYSCALL registers cleared, fast strings on, MTRRs on with
 * write-back as the default type. Returns 0 or -errno.
 */
int msr_setup_vcpu(int vcpu_fd);

/* Wires LINT0 as ExtINT (the PIC) and LINT1 as NMI, as firmware does. */
int lapic_setup_vcpu(int vcpu_fd);

#endif
