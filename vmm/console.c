// SPDX-License-Identifier: MIT
/*
 * Console input: stdin to the serial port with flow control, and the
 * Ctrl-A escape that lets a terminal user quit.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vmm/console.h"
#include "vmm/log.h"
#include "vmm/serial.h"

size_t console_filter(struct console *con, const uint8_t *in, size_t len,
		      uint8_t *out, bool *quit)
{
	size_t n = 0;

	*quit = false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (!con->escapes) {
			out[n++] = c;
			continue;
		}
		if (!con->escape_pending && c == CONSOLE_ESCAPE) {
			con->escape_pending = true;
			continue;
		}
		if (con->escape_pending) {
			con->escape_pending = false;
			if (c == CONSOLE_QUIT) {
				*quit = true;
				return n;
			}
			if (c != CONSOLE_ESCAPE)
				out[n++] = CONSOLE_ESCAPE;
		}
		out[n++] = c;
	}
	return n;
}

/*
 * stdin is watched one-shot: each event disarms it, and it is re-armed
 * only while the guest has room. (A paused fd must not report EPOLLHUP.)
 */
static void arm_input(struct console *con)
{
	if (con->in_fd >= 0 && con->pollable)
		eventloop_modify(con->loop, con->in_fd, EPOLLIN | EPOLLONESHOT);
}

/* Gives the guest what it will take; true when nothing is left over. */
static bool flush_pending(struct console *con)
{
	size_t left = con->pending_len - con->pending_off;

	con->pending_off += serial_receive(
		con->serial, con->pending + con->pending_off, left);
	if (con->pending_off < con->pending_len)
		return false;
	con->pending_off = con->pending_len = 0;
	return true;
}

static void stop_input(struct console *con)
{
	log_debug("console input closed");
	if (con->pollable)
		eventloop_remove(con->loop, con->in_fd);
	con->in_fd = -1;
}

/* Reads one chunk of input into pending; false at its end. */
static bool read_input(struct console *con)
{
	uint8_t buf[sizeof(con->pending) / 2];
	bool quit;
	ssize_t n;

	do {
		n = read(con->in_fd, buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return true;
	if (n <= 0) {
		/* End of input, or a hung-up terminal: the guest runs on. */
		stop_input(con);
		return false;
	}

	con->pending_len =
		console_filter(con, buf, (size_t)n, con->pending, &quit);
	con->pending_off = 0;
	if (quit && con->quit) {
		log_info("quit from the console");
		con->quit(con->opaque);
	}
	return true;
}

/* Input that cannot be polled (a file) is read until the guest is full. */
static void pump_unpollable(struct console *con)
{
	while (con->in_fd >= 0 && flush_pending(con))
		read_input(con);
}

static int on_input(void *opaque, uint32_t events)
{
	struct console *con = opaque;

	if (read_input(con) && flush_pending(con))
		arm_input(con);
	return 0;
}

static int on_rx_space(void *opaque, uint32_t events)
{
	struct console *con = opaque;
	uint64_t count;

	if (read(con->rx_space_fd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		return -errno;
	if (!flush_pending(con) || con->in_fd < 0)
		return 0;
	if (con->pollable)
		arm_input(con);
	else
		pump_unpollable(con);
	return 0;
}

int console_init(struct console *con, struct eventloop *loop,
		 const struct console_config *cfg)
{
	int in_fd = cfg->in_fd, rx_space_fd = cfg->rx_space_fd;
	int err;

	*con = (struct console){
		.loop = loop,
		.serial = cfg->serial,
		.in_fd = in_fd,
		.rx_space_fd = rx_space_fd,
		.escapes = cfg->escapes,
		.quit = cfg->quit,
		.opaque = cfg->opaque,
	};
	err = eventloop_add(loop, rx_space_fd, EPOLLIN, on_rx_space, con);
	if (err) {
		log_error_errno(-err, "epoll_ctl on the serial eventfd");
		return err;
	}

	err = eventloop_add(loop, in_fd, EPOLLIN | EPOLLONESHOT, on_input, con);
	if (err == -EPERM) {
		/* A regular file or /dev/null: always readable. */
		pump_unpollable(con);
		return 0;
	}
	if (err)
		log_error_errno(-err, "epoll_ctl on console input");
	else
		con->pollable = true;
	return err;
}
