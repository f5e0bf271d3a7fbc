/* SPDX-License-Identifier: MIT */
/*
 * husk's virtio devices: an entropy source and block devices, each behind
 * its own virtio-mmio transport.
 */
#ifndef HUSK_VIRTIO_DEV_H
#define HUSK_VIRTIO_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/eventloop.h"
#include "vmm/virtio_mmio.h"

/* Bytes of entropy one request gets at most. */
#define VIRTIO_RNG_MAX_REQUEST 65536

struct virtio_rng;

/* Creates the device; returns 0 or -errno (then nothing is left over). */
int virtio_rng_create(struct virtio_rng **p,
		      const struct virtio_mmio_config *cfg);
struct virtio_mmio *virtio_rng_transport(struct virtio_rng *r);
/* Serves the queue from @loop, the main thread's event loop. */
int virtio_rng_attach(struct virtio_rng *r, struct eventloop *loop);
/* Fills what chain @c can take; returns the bytes written. */
uint32_t virtio_rng_fill(struct virtq_chain *c);
void virtio_rng_destroy(struct virtio_rng *r);

/* Segment limits husk reports in the block configuration space. */
#define VIRTIO_BLK_SIZE_MAX (1U << 20)
#define VIRTIO_BLK_SEG_MAX (VIRTQ_MAX_SIZE - 2)
#define VIRTIO_BLK_MAX_RANGES 32 /* discard / write-zeroes segments */
#define VIRTIO_BLK_MAX_RANGE_SECTORS 0x400000U
/* Worker threads per disk: requests served at once. */
#define VIRTIO_BLK_WORKERS 4

struct virtio_blk_options {
	const char *path;
	bool ro;
	const char *serial; /* GET_ID string, at most 20 bytes; or NULL */
	/*
	 * Optional: called first in each worker thread (its seccomp filter);
	 * a non-zero return ends the worker before it serves anything.
	 */
	int (*worker_start)(void *opaque, unsigned int index);
	void *opaque;
	unsigned int index;
};

struct virtio_blk;

/*
 * Opens the image, checks it (a regular file or block device whose size
 * is a multiple of 512 bytes) and locks it (flock: exclusive, or shared
 * when read-only). Returns 0, -EINVAL for a bad size or file type, -EBUSY
 * when another process holds the lock (both logged with the path), or
 * another -errno.
 */
int virtio_blk_create(struct virtio_blk **p,
		      const struct virtio_blk_options *opt,
		      const struct virtio_mmio_config *cfg);
struct virtio_mmio *virtio_blk_transport(struct virtio_blk *b);
uint64_t virtio_blk_features(const struct virtio_blk *b);
/* Starts the disk's worker threads, which serve its queue. */
int virtio_blk_start(struct virtio_blk *b);
/*
 * Serves one request chain; returns the bytes written into it (data and
 * status), or 0 when the chain has no status byte. Workers may run it
 * at once.
 */
uint32_t virtio_blk_handle(struct virtio_blk *b, struct virtq_chain *c);
/* Stops the workers (waiting for their requests), closes the image. */
void virtio_blk_destroy(struct virtio_blk *b);

#endif
