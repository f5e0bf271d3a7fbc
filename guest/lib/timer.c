// SPDX-License-Identifier: MIT
// TSC-based delays and deadlines. The TSC rate is measured once against PIT
// channel 2 (gate and output through port 0x61), as PC firmware does.

#include "guest/lib/guest.h"
#include "guest/lib/io.h"

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE_PORT 0x61
#define PIT_GATE2 0x01
#define PIT_SPEAKER 0x02
#define PIT_OUT2 0x20
#define CALIBRATE_MS 20
/*
 * XXX: assumed when calibration fails (no PIT channel 2): deadlines then
 * run long rather than short, and pio-bench reports no nanoseconds.
 */
#define FALLBACK_KHZ 4000000
/* Polls of port 0x61 before giving up: far more than 20 ms of exits. */
#define CALIBRATE_POLLS 2000000

static uint64_t khz;
static uint64_t measured_khz;

uint64_t tsc_calibrate(void)
{
	uint16_t latch = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0, t1;
	unsigned int i;
	uint8_t gate;

	gate = inb(PIT_GATE_PORT);
	outb(PIT_GATE_PORT, (gate & ~PIT_SPEAKER) | PIT_GATE2);
	outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	t0 = rdtsc();
	for (i = 0; i < CALIBRATE_POLLS; i++)
		if (inb(PIT_GATE_PORT) & PIT_OUT2)
			break;
	t1 = rdtsc();
	outb(PIT_GATE_PORT, gate & ~(PIT_SPEAKER | PIT_GATE2));

	measured_khz = 0;
	if (i < CALIBRATE_POLLS && i > 0 && t1 > t0)
		measured_khz = (t1 - t0) / CALIBRATE_MS;
	khz = measured_khz ? measured_khz : FALLBACK_KHZ;
	return measured_khz;
}

uint64_t tsc_khz(void)
{
	return measured_khz;
}

uint64_t deadline_ms(unsigned int ms)
{
	return rdtsc() + (khz ? khz : FALLBACK_KHZ) * ms;
}

int deadline_passed(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

void delay_us(unsigned int us)
{
	uint64_t end = rdtsc() + (khz ? khz : FALLBACK_KHZ) * us / 1000;

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}
