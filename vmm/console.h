/* SPDX-License-Identifier: MIT */
/*
 * The guest console's input side: bytes from stdin go to the serial port.
 * On a terminal, Ctrl-A x quits husk and Ctrl-A Ctrl-A sends one Ctrl-A.
 * End of input only stops reading; the guest keeps running.
 */
#ifndef HUSK_CONSOLE_H
#define HUSK_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/eventloop.h"

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */
#define CONSOLE_QUIT 'x'

struct serial;

struct console_config {
	struct serial *serial;
	int in_fd;
	int rx_space_fd; /* eventfd the serial port writes when it has room */
	bool escapes; /* in_fd is a terminal: Ctrl-A sequences apply */
	void (*quit)(void *opaque); /* the user typed Ctrl-A x */
	void *opaque;
};

struct console {
	struct eventloop *loop;
	struct serial *serial;
	int in_fd;
	int rx_space_fd;
	bool escapes;
	void (*quit)(void *opaque);
	void *opaque;
	bool escape_pending;
	bool pollable; /* in_fd is in the event loop */
	uint8_t pending[256]; /* read from stdin, not yet taken by the guest */
	size_t pending_off;
	size_t pending_len;
};

/*
 * Hooks @cfg->in_fd and @cfg->rx_space_fd into @loop. Input that cannot
 * be polled (a regular file, /dev/null) is read whenever the guest has
 * room. Returns 0 or -errno.
 */
int console_init(struct console *con, struct eventloop *loop,
		 const struct console_config *cfg);

/*
 * Applies the escape rules to @in, writing guest bytes to @out (room for
 * 2 * @len). Returns the number of bytes written, and sets *@quit when
 * the quit sequence was seen (bytes after it are dropped).
 */
size_t console_filter(struct console *con, const uint8_t *in, size_t len,
		      uint8_t *out, bool *quit);

#endif
