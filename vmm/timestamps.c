// SPDX-License-Identifier: MIT
/*
 * Phase timestamps, guest marks on port 0x4f0, and their report as log
 * lines or a JSON metrics file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "vmm/log.h"
#include "vmm/timestamps.h"

struct mark {
	uint8_t value;
	uint64_t ns;
};

static uint64_t start_ns;
static uint64_t phase_ns[TSTAMP_NR_PHASES];
static bool phase_seen[TSTAMP_NR_PHASES];
static struct mark marks[TSTAMP_MAX_MARKS];
static atomic_uint nr_marks;

static const char *const phase_names[TSTAMP_NR_PHASES] = {
	[TSTAMP_START] = "start",
	[TSTAMP_VM_CREATED] = "vm_created",
	[TSTAMP_KERNEL_LOADED] = "kernel_loaded",
	[TSTAMP_FIRST_RUN] = "first_kvm_run",
	[TSTAMP_EXIT] = "exit",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void tstamp_start(void)
{
	start_ns = now_ns();
	phase_seen[TSTAMP_START] = true;
}

void tstamp_record(enum tstamp_phase phase)
{
	phase_ns[phase] = now_ns() - start_ns;
	phase_seen[phase] = true;
}

int tstamp_mark_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		   bool is_write)
{
	unsigned int i;

	if (!is_write) {
		for (uint32_t b = 0; b < len; b++)
			data[b] = 0xff;
		return 0;
	}
	i = atomic_fetch_add_explicit(&nr_marks, 1, memory_order_relaxed);
	if (i < TSTAMP_MAX_MARKS) {
		marks[i].ns = now_ns() - start_ns;
		marks[i].value = data[0];
	}
	return 0;
}

static unsigned int marks_kept(void)
{
	unsigned int n = atomic_load(&nr_marks);

	return n < TSTAMP_MAX_MARKS ? n : TSTAMP_MAX_MARKS;
}

static void print_phase(int p)
{
	if (phase_seen[p])
		log_error("timestamp %s: %.6f s", phase_names[p],
			  (double)phase_ns[p] / 1e9);
}

/* Marks come between the first KVM_RUN and the exit. */
void tstamp_print(void)
{
	for (int p = 0; p < TSTAMP_EXIT; p++)
		print_phase(p);
	for (unsigned int i = 0; i < marks_kept(); i++)
		log_error("timestamp mark %u: %.6f s", marks[i].value,
			  (double)marks[i].ns / 1e9);
	print_phase(TSTAMP_EXIT);
}

static void write_json(FILE *f, const struct run_stats *st)
{
	fprintf(f, "{\"exit_status\":%d,\"cpus\":%u,\"mem_bytes\":%llu,",
		st->exit_status, st->ncpus, (unsigned long long)st->mem_size);
	fprintf(f,
		"\"exits\":%llu,\"pio_unclaimed\":%llu,"
		"\"mmio_unclaimed\":%llu,\"phases_ns\":{",
		(unsigned long long)st->exits,
		(unsigned long long)st->pio_unclaimed,
		(unsigned long long)st->mmio_unclaimed);
	for (int p = 0, first = 1; p < TSTAMP_NR_PHASES; p++) {
		if (!phase_seen[p])
			continue;
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", phase_names[p],
			(unsigned long long)phase_ns[p]);
		first = 0;
	}
	fprintf(f, "},\"marks\":[");
	for (unsigned int i = 0; i < marks_kept(); i++)
		fprintf(f, "%s{\"value\":%u,\"ns\":%llu}", i ? "," : "",
			marks[i].value, (unsigned long long)marks[i].ns);
	fprintf(f, "],\"marks_dropped\":%u}\n",
		atomic_load(&nr_marks) - marks_kept());
}

FILE *tstamp_open_metrics(const char *path)
{
	/* A buffer of its own: stdio's first write would stat the file. */
	static char buf[4096];
	FILE *f = fopen(path, "we");

	if (!f) {
		log_error_errno(errno, "--metrics %s", path);
		return NULL;
	}
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	return f;
}

int tstamp_write_metrics(FILE *f, const char *path,
			 const struct run_stats *stats)
{
	int err = 0;

	write_json(f, stats);
	if (ferror(f))
		err = EIO;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (err)
		log_error_errno(err, "--metrics %s: writing", path);
	return -err;
}
