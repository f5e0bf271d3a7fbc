// SPDX-License-Identifier: MIT
/*
 * virtio-rng: one queue of device-writable buffers, filled from the host
 * kernel's getrandom(2) in the main thread's event loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <linux/virtio_ids.h>

#include "vmm/log.h"
#include "vmm/virtio_dev.h"

struct virtio_rng {
	struct virtio_mmio t;
	struct virtio_device_ops ops;
	struct virtq_chain chain;
};

static void config_read(void *opaque, uint32_t off, void *data, uint32_t len)
{
	(void)opaque;
	(void)off;
	(void)data;
	(void)len; /* config_size is 0: never called */
}

static const struct virtio_device_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nqueues = 1,
	.config_read = config_read,
};

/* Fills @len bytes at @p; returns how many getrandom() gave. */
static size_t fill(uint8_t *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = getrandom(p + done, len - done, GRND_NONBLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN: the host pool is not ready yet */
		done += (size_t)n;
	}
	return done;
}

uint32_t virtio_rng_fill(struct virtq_chain *c)
{
	uint32_t room = VIRTIO_RNG_MAX_REQUEST, done = 0;

	/* Readable buffers mean nothing to this device; they are skipped. */
	for (unsigned int i = c->nread; i < c->nread + c->nwrite && room; i++) {
		size_t want = c->iov[i].iov_len < room ? c->iov[i].iov_len :
							 room;
		size_t got = fill(c->iov[i].iov_base, want);

		done += (uint32_t)got;
		room -= (uint32_t)got;
		if (got < want)
			break;
	}
	return done;
}

/* At most one queue's worth per wake-up, so the loop serves others too. */
static int on_notify(void *opaque, uint32_t events)
{
	struct virtio_rng *r = opaque;
	uint32_t epoch;
	int n = 0;

	(void)events;
	virtio_mmio_take_notify(&r->t, 0);
	for (unsigned int i = 0; i < VIRTQ_MAX_SIZE; i++) {
		n = virtio_mmio_pop(&r->t, 0, &r->chain, &epoch);
		if (n <= 0)
			break;
		virtio_mmio_push(&r->t, 0, r->chain.head,
				 virtio_rng_fill(&r->chain), epoch);
	}
	virtio_mmio_signal(&r->t, 0);
	if (n > 0)
		virtio_mmio_kick(&r->t, 0);
	return 0;
}

int virtio_rng_create(struct virtio_rng **p,
		      const struct virtio_mmio_config *cfg)
{
	struct virtio_mmio_config c = *cfg;
	struct virtio_rng *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->ops = rng_ops;
	c.ops = &r->ops;
	c.opaque = r;
	err = virtio_mmio_init(&r->t, &c);
	if (err) {
		virtio_rng_destroy(r);
		return err;
	}
	*p = r;
	return 0;
}

struct virtio_mmio *virtio_rng_transport(struct virtio_rng *r)
{
	return &r->t;
}

int virtio_rng_attach(struct virtio_rng *r, struct eventloop *loop)
{
	return eventloop_add(loop, r->t.notify_fd[0], EPOLLIN, on_notify, r);
}

void virtio_rng_destroy(struct virtio_rng *r)
{
	if (!r)
		return;
	virtio_mmio_destroy(&r->t);
	free(r);
}
