// SPDX-License-Identifier: MIT
/*
 * An epoll loop: each watched fd has a source record holding its callback.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vmm/eventloop.h"
#include "vmm/log.h"

#define MAX_EVENTS 16

struct eventloop_source {
	int fd;
	eventloop_fn fn;
	void *opaque;
	struct eventloop_source *next;
};

int eventloop_init(struct eventloop *loop)
{
	loop->done = false;
	loop->sources = NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int err = errno;

		log_error_errno(err, "epoll_create1");
		return -err;
	}
	return 0;
}

static struct eventloop_source *find(struct eventloop *loop, int fd)
{
	for (struct eventloop_source *s = loop->sources; s; s = s->next)
		if (s->fd == fd && s->fn)
			return s;
	return NULL;
}

int eventloop_add(struct eventloop *loop, int fd, uint32_t events,
		  eventloop_fn fn, void *opaque)
{
	struct eventloop_source *s = calloc(1, sizeof(*s));
	struct epoll_event ev = { .events = events };

	if (!s)
		return -ENOMEM;
	s->fd = fd;
	s->fn = fn;
	s->opaque = opaque;
	ev.data.ptr = s;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;

		free(s);
		return -err;
	}
	s->next = loop->sources;
	loop->sources = s;
	return 0;
}

int eventloop_modify(struct eventloop *loop, int fd, uint32_t events)
{
	struct eventloop_source *s = find(loop, fd);
	struct epoll_event ev = { .events = events, .data.ptr = s };

	if (!s)
		return -ENOENT;
	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

int eventloop_remove(struct eventloop *loop, int fd)
{
	struct eventloop_source **p = &loop->sources;

	while (*p && ((*p)->fd != fd || !(*p)->fn))
		p = &(*p)->next;
	if (!*p)
		return -ENOENT;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	/*
	 * NOTE: a removed source may still sit in the current batch of
	 * events; its record is parked, not freed, until eventloop_fini().
	 */
	(*p)->fn = NULL;
	return 0;
}

static int dispatch(struct epoll_event *ev)
{
	struct eventloop_source *s = ev->data.ptr;

	if (!s->fn)
		return 0;
	return s->fn(s->opaque, ev->events);
}

int eventloop_run(struct eventloop *loop)
{
	struct epoll_event events[MAX_EVENTS];
	int n, err;

	while (!loop->done) {
		n = epoll_wait(loop->epfd, events, MAX_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			log_error_errno(err, "epoll_wait");
			return -err;
		}
		for (int i = 0; i < n && !loop->done; i++) {
			err = dispatch(&events[i]);
			if (err)
				return err;
		}
	}
	return 0;
}

void eventloop_stop(struct eventloop *loop)
{
	loop->done = true;
}

void eventloop_fini(struct eventloop *loop)
{
	while (loop->sources) {
		struct eventloop_source *s = loop->sources;

		loop->sources = s->next;
		free(s);
	}
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}
