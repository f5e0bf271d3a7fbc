// SPDX-License-Identifier: MIT
// The exit benchmark's guest: marks the start on husk's mark port, does
// PIO_COUNT one-byte `out` instructions to an idle port, marks the end and
// asks for ACPI S5 power-off. Entered in 64-bit mode at _start, so husk
// and tools/bench/bare_kvm run exactly these instructions.

#ifndef PIO_COUNT
#define PIO_COUNT 20000
#endif

#define MARK_PORT 0x4f0
#define BENCH_PORT 0x80
#define ACPI_SLP_CNT_PORT 0x600
#define ACPI_S5_REQUEST 0x34 /* SLP_TYP 5 in bits 2-4, SLP_EN bit 5 */

	.code64
	.text
	.globl _start
_start:
	cli
	mov $MARK_PORT, %dx
	mov $1, %al
	out %al, %dx

	mov $PIO_COUNT, %ecx
	mov $BENCH_PORT, %dx
1:	out %al, %dx
	dec %ecx
	jnz 1b

	mov $MARK_PORT, %dx
	mov $2, %al
	out %al, %dx

	mov $ACPI_SLP_CNT_PORT, %dx
	mov $ACPI_S5_REQUEST, %al
	out %al, %dx
2:	hlt
	jmp 2b
