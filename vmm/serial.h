/* SPDX-License-Identifier: MIT */
/*
 * A 16550A-compatible UART for the guest's console at COM1. Linux's 8250
 * driver detects it as a 16550A; output goes to a file descriptor, input is
 * queued by the main thread.
 *
 * NOTE: the input buffer holds SERIAL_RX_BUF_SIZE bytes, more than the
 * 16-byte FIFO of a real 16550A; the guest cannot tell the difference, and
 * pasted input is not dropped while the guest is slow to drain it.
 */
#ifndef HUSK_SERIAL_H
#define HUSK_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERIAL_COM1_PORT 0x3f8
#define SERIAL_COM1_IRQ 4
#define SERIAL_PORT_LEN 8 /* registers at offsets 0..7 */
#define SERIAL_RX_BUF_SIZE 4096

struct serial;

struct serial_config {
	int out_fd; /* guest output goes here (stdout) */
	void (*set_irq)(void *opaque, int level); /* drives the IRQ line */
	void *opaque;
	/*
	 * An eventfd, or -1. After serial_receive() took less than it was
	 * offered, it is written (a count of 1) once the guest has drained
	 * the input buffer to half full, so the caller can offer the rest.
	 */
	int rx_space_fd;
};

/*
 * Creates a UART in its reset state. @cfg->set_irq may be NULL (no IRQ).
 * The UART does not own @cfg->out_fd or @cfg->rx_space_fd. Returns 0 or
 * -ENOMEM / -EINVAL.
 */
int serial_create(struct serial **sp, const struct serial_config *cfg);
void serial_destroy(struct serial *s);

/*
 * From now on, output waits for a slow @cfg->out_fd only until @stop_fd
 * (an eventfd that stays readable once husk stops) is readable, then at
 * most one second more before it is dropped. Call before the vCPUs run.
 */
void serial_watch_stop(struct serial *s, int stop_fd);

/*
 * A bus_handler_fn for the SERIAL_PORT_LEN ports; @opaque is the struct
 * serial. Accesses wider than a byte act on consecutive registers, one byte
 * each. Called from vCPU threads; blocks while @out_fd cannot take output
 * (poll(2) and write(2) on @out_fd), within the bound serial_watch_stop()
 * sets.
 */
int serial_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
	      bool is_write);

/*
 * Queues guest input; returns how many bytes of @buf were taken (fewer than
 * @len when the buffer is full). Called from the main thread.
 */
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t len);

/* How many bytes serial_receive() would take now. */
size_t serial_rx_space(struct serial *s);

#endif
