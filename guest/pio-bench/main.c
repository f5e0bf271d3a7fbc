// SPDX-License-Identifier: MIT
// The pio-bench guest: measures the round-trip cost of port I/O exits with
// the TSC, for an unclaimed port and for ports husk's devices claim, and
// brackets each run with marker-port writes so `husk --timestamps` times
// the same exits from outside. Options: count=N port=P (unclaimed port).
// The last run writes to the marker port itself; husk keeps only its first
// marks, so that run is not bracketed.

#include "guest/lib/guest.h"
#include "guest/lib/io.h"
#include "guest/lib/uart.h"

#define DEFAULT_COUNT 10000
#define DEFAULT_PORT 0x80 /* POST codes: no device in husk */
#define MAX_COUNT 10000000

struct run {
	const char *name;
	uint8_t mark; /* marks mark and mark + 1 bracket the run; 0: none */
	uint16_t port;
	int read; /* in instead of out */
};

static uint64_t time_run(const struct run *r, uint64_t n)
{
	uint64_t t0, t1, i;

	if (r->mark)
		mark(r->mark);
	t0 = rdtsc();
	if (r->read)
		for (i = 0; i < n; i++)
			(void)inb(r->port);
	else
		for (i = 0; i < n; i++)
			outb(r->port, 0);
	t1 = rdtsc();
	if (r->mark)
		mark(r->mark + 1);
	return t1 - t0;
}

static void report(const struct run *r, uint64_t n, uint64_t cycles)
{
	uint64_t khz = tsc_khz();
	uint64_t ns = khz ? cycles * 1000000 / khz / n : 0;

	printf("bench: %s port=%#x count=%lu cycles_per_exit=%lu "
	       "ns_per_exit=%lu",
	       r->name, r->port, (unsigned long)n, (unsigned long)(cycles / n),
	       (unsigned long)ns);
	if (r->mark)
		printf(" marks=%u,%u", r->mark, r->mark + 1);
	printf("\n");
	tap_check(cycles > 0, r->name, "the TSC did not advance");
}

void guest_main(void)
{
	uint64_t n = DEFAULT_COUNT, port = DEFAULT_PORT;
	struct run runs[] = {
		{ "pio-out-unclaimed", 10, 0, 0 },
		{ "pio-out-uart-scratch", 20, COM1 + UART_SCR, 0 },
		{ "pio-in-uart-scratch", 30, COM1 + UART_SCR, 1 },
		{ "pio-out-marker", 0, MARKER_PORT, 0 },
	};
	unsigned int i;

	cmdline_get_u64("count", &n);
	cmdline_get_u64("port", &port);
	if (n == 0 || n > MAX_COUNT || port > 0xffff) {
		tap_fail("pio-bench: count=%lu or port=%#lx out of range",
			 (unsigned long)n, (unsigned long)port);
		return;
	}
	runs[0].port = (uint16_t)port;
	tap_check(tsc_khz() != 0, "TSC calibrated against the PIT",
		  "no PIT channel 2 output; ns figures are 0");
	printf("# pio-bench: TSC %lu kHz\n", (unsigned long)tsc_khz());
	for (i = 0; i < ARRAY_SIZE(runs); i++)
		report(&runs[i], n, time_run(&runs[i], n));
}
