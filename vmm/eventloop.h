/* SPDX-License-Identifier: MIT */
/*
 * The main thread's event loop: epoll over any number of file
 * descriptors (stdin, signalfd, eventfds, later ioeventfds and timers),
 * each with its own callback.
 */
#ifndef HUSK_EVENTLOOP_H
#define HUSK_EVENTLOOP_H

#include <stdbool.h>
#include <stdint.h>

/* Called with the epoll events of @fd; returns 0, or -errno to stop. */
typedef int (*eventloop_fn)(void *opaque, uint32_t events);

struct eventloop_source;

struct eventloop {
	int epfd;
	bool done;
	struct eventloop_source *sources;
};

int eventloop_init(struct eventloop *loop);

/* Watches @fd for @events. Returns 0 or -errno (-EPERM: not pollable). */
int eventloop_add(struct eventloop *loop, int fd, uint32_t events,
		  eventloop_fn fn, void *opaque);

/* Changes the events watched on @fd; 0 pauses it. */
int eventloop_modify(struct eventloop *loop, int fd, uint32_t events);

/* Stops watching @fd. */
int eventloop_remove(struct eventloop *loop, int fd);

/* Runs until eventloop_stop() or a callback error. Returns 0 or -errno. */
int eventloop_run(struct eventloop *loop);

void eventloop_stop(struct eventloop *loop);
void eventloop_fini(struct eventloop *loop);

#endif
