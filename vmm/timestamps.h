/* SPDX-License-Identifier: MIT */
/*
 * Phase timestamps and guest marks for start-up measurements. A guest
 * marks a moment by writing one byte to TSTAMP_MARK_PORT; husk records
 * "mark V" with the CLOCK_MONOTONIC time since the process started.
 *
 * NOTE: phases are recorded by the thread that reaches them, marks by
 * vCPU threads; everything is read only after those threads are joined.
 */
#ifndef HUSK_TIMESTAMPS_H
#define HUSK_TIMESTAMPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TSTAMP_MARK_PORT 0x4f0
#define TSTAMP_MAX_MARKS 64

enum tstamp_phase {
	TSTAMP_START, /* process start, the first thing main() does */
	TSTAMP_VM_CREATED,
	TSTAMP_KERNEL_LOADED,
	TSTAMP_FIRST_RUN, /* the boot vCPU's first KVM_RUN */
	TSTAMP_EXIT,
	TSTAMP_NR_PHASES,
};

/* Totals of one run, for the metrics file. */
struct run_stats {
	int exit_status;
	unsigned int ncpus;
	uint64_t mem_size;
	uint64_t exits; /* exits that reached husk, over all vCPUs */
	uint64_t pio_unclaimed; /* accesses to ports no device claims */
	uint64_t mmio_unclaimed;
};

void tstamp_start(void);
void tstamp_record(enum tstamp_phase phase);

/* Bus handler for TSTAMP_MARK_PORT: a byte write records a mark. */
int tstamp_mark_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		   bool is_write);

/* Writes one "husk: timestamp NAME: SECONDS" line per phase and mark. */
void tstamp_print(void);

/*
 * Opens the metrics file @path at start-up, while husk may still open
 * files; returns NULL (and says why) if it cannot.
 */
FILE *tstamp_open_metrics(const char *path);

/* Writes the phases, marks and @stats to @f as one JSON object; closes it. */
int tstamp_write_metrics(FILE *f, const char *path,
			 const struct run_stats *stats);

#endif
