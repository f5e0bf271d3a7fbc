/* SPDX-License-Identifier: MIT */
/*
 * The runtime shared by husk's test guests: console output, formatting, TAP
 * reporting, the command line, timing and power control. A guest defines
 * guest_main(); the runtime calls it with interrupts off, on its own page
 * tables, GDT and IDT, and powers off when it returns.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#define GUEST_MAPPED_GIB 16

#ifndef __ASSEMBLER__
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/lib/bootparam.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Implemented by each guest. */
void guest_main(void);

/* A copy of the zero page, taken before anything could overwrite it. */
extern struct boot_params guest_boot_params;
/* Where husk put the zero page (RSI at entry). */
extern uint64_t guest_boot_params_gpa;
/* A copy of the command line, NUL-terminated; empty if there was none. */
extern char guest_cmdline[GUEST_CMDLINE_SIZE + 1];

/* string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* 1 if the NUL-terminated @needle occurs in the @n bytes at @hay. */
int mem_contains(const void *hay, size_t n, const char *needle);

/* printf.c: %s %c %d %i %u %x %p; flags 0 - #, width, .precision, l ll z */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
void printf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* uart.c: the 8250 at 0x3f8, polled. */
#define COM1 0x3f8
void uart_init(void);
void uart_putc(char c);
void uart_write(const char *s, size_t n);
/* Returns the next received byte, or -1 if none arrives in @ms. */
int uart_getc_timeout(unsigned int ms);

/* tap.c: results as "ok - NAME" / "not ok - NAME: WHY" lines. */
void tap_ok(const char *fmt, ...) PRINTF_LIKE(1, 2);
void tap_fail(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Reports @name as ok if @cond, else not ok with the formatted reason. */
int tap_check(int cond, const char *name, const char *why, ...)
	PRINTF_LIKE(3, 4);
/* Prints the plan "1..N" and a summary comment. */
void tap_finish(void);
unsigned int tap_failures(void);

/* cmdline.c: "key=value" words of guest_cmdline. */
/* Copies the value of @key into @buf; returns 0 or -1 if absent/too long. */
int cmdline_get(const char *key, char *buf, size_t size);
/* Parses a number with optional 0x prefix and K/M/G suffix. */
int parse_u64(const char *s, uint64_t *out);
int cmdline_get_u64(const char *key, uint64_t *out);

/* timer.c: the TSC, calibrated against PIT channel 2. */
/* Returns the TSC rate in kHz, or 0 if calibration failed. */
uint64_t tsc_calibrate(void);
uint64_t tsc_khz(void);
uint64_t deadline_ms(unsigned int ms);
int deadline_passed(uint64_t deadline);
void delay_us(unsigned int us);

/* power.c: what the guests ask husk to do at the end. */
#define ACPI_SLP_CNT_PORT 0x600
#define ACPI_RESET_PORT 0x604
#define ACPI_RESET_VALUE 1
#define ACPI_SLP_TYP_S5 5
#define ACPI_SLP_EN (1 << 5)
#define I8042_CMD_PORT 0x64
#define I8042_CMD_RESET 0xfe
#define MARKER_PORT 0x4f0
void power_off(void) __attribute__((noreturn));
void reset_i8042(void);
void reset_acpi(void);
static inline void mark(uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"((uint16_t)MARKER_PORT));
}

/*
 * paging.c: identity map of the low GUEST_MAPPED_GIB GiB at most.
 * XXX: memory above 16 GiB is not mapped; the guests report what lies
 * there as not ok instead of reading it. Nothing tests more RAM yet.
 */
/* Maps up to the end of e820 RAM, 4 GiB at least; returns GiB mapped. */
unsigned int paging_init(void);
uint64_t paging_cr3(void);
/* 1 if [gpa, gpa+len) is mapped by the guest's page tables. */
int paging_mapped(uint64_t gpa, uint64_t len);
#endif

#endif
