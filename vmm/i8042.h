/* SPDX-License-Identifier: MIT */
/*
 * Just enough of the PS/2 (i8042) keyboard controller for Linux to probe
 * it without hanging and to reset the machine through it. No keyboard or
 * mouse is attached, and the controller raises no interrupts.
 *
 * NOTE: the device is registered as ONE port range at I8042_PORT_BASE of
 * I8042_PORT_LEN ports (0x60..0x64): offset 0 is the data port (0x60),
 * offset 4 the status/command port (0x64). Offsets 1..3 (0x61..0x63, the
 * system control port B among them) read as 0 and ignore writes; with
 * KVM's in-kernel PIT, KVM itself serves port 0x61.
 */
#ifndef HUSK_I8042_H
#define HUSK_I8042_H

#include <stdbool.h>
#include <stdint.h>

#define I8042_PORT_BASE 0x60
#define I8042_PORT_LEN 5
#define I8042_DATA_OFFSET 0 /* port 0x60 */
#define I8042_CMD_OFFSET 4 /* port 0x64 */

struct i8042;

struct i8042_config {
	/* Called once for every command that pulses the reset line. */
	void (*reset)(void *opaque);
	void *opaque;
};

/* Returns 0 or -ENOMEM / -EINVAL. @cfg->reset may be NULL. */
int i8042_create(struct i8042 **kp, const struct i8042_config *cfg);
void i8042_destroy(struct i8042 *k);

/*
 * A bus_handler_fn for the range described above; @opaque is the struct
 * i8042. Wider accesses act on consecutive ports, one byte each.
 */
int i8042_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
	     bool is_write);

#endif
